"""Platform pages beyond the home page: the audit trail and the user's API tokens."""

from django.urls import path

from . import audit_views, token_views

urlpatterns = [
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("audit/export.csv", audit_views.audit_export, name="audit_export"),
    path("audit/<int:pk>/", audit_views.audit_detail, name="audit_detail"),
    path("account/tokens/", token_views.token_list, name="token_list"),
    path("account/tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
]
