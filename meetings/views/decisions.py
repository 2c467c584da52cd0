"""Pages: decisions."""

urlpatterns: list = []
