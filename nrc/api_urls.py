from django.urls import path

from . import api_views
from .api import Router

router = Router()
router.register("tokens", api_views.ApiTokenViewSet, basename="api-token")
router.register("audit", api_views.AuditEntryViewSet, basename="audit-entry")

urlpatterns = [
    path("auth/token/", api_views.TokenObtainView.as_view(), name="api-token-obtain"),
    path("auth/token/revoke/", api_views.TokenRevokeView.as_view(), name="api-token-revoke"),
    path("me/", api_views.MeView.as_view(), name="api-me"),
    *router.urls,
]
