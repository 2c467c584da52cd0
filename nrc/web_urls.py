"""Platform pages beyond the home page (audit trail, background jobs)."""

urlpatterns: list = []
