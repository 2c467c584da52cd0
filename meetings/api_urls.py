from .api import decisions, scheduling, session_requests

urlpatterns = scheduling.urlpatterns + session_requests.urlpatterns + decisions.urlpatterns
