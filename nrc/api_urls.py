from django.urls import path

from . import api_views

urlpatterns = [
    path("auth/token/", api_views.TokenObtainView.as_view(), name="api-token-obtain"),
    path("auth/token/revoke/", api_views.TokenRevokeView.as_view(), name="api-token-revoke"),
    path("me/", api_views.MeView.as_view(), name="api-me"),
]
