"""API: scheduling."""

urlpatterns: list = []
