"""API: session_requests."""

urlpatterns: list = []
