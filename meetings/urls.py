"""Meeting pages, by capability: scheduling, extraordinary sessions, decisions. Each part owns its module."""

from .views import decisions, scheduling, session_requests

app_name = "meetings"

urlpatterns = scheduling.urlpatterns + session_requests.urlpatterns + decisions.urlpatterns
