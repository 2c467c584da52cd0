"""API: decisions."""

urlpatterns: list = []
