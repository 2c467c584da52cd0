"""Pages: session_requests."""

urlpatterns: list = []
