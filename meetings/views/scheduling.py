"""Pages: scheduling."""

urlpatterns: list = []
