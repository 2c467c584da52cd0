"""Platform pages beyond the home page: the audit trail, the user's API tokens, background jobs."""

from django.urls import path

from . import audit_views, job_views, token_views

urlpatterns: list = [
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("audit/export.csv", audit_views.audit_export, name="audit_export"),
    path("audit/export/background/", audit_views.audit_export_start, name="audit_export_start"),
    path("audit/<int:pk>/", audit_views.audit_detail, name="audit_detail"),
    path("account/tokens/", token_views.token_list, name="token_list"),
    path("account/tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("jobs/<int:pk>/", job_views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/status", job_views.job_status, name="job_status"),
    path("jobs/<int:pk>/download", job_views.job_download, name="job_download"),
]
