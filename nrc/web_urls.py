"""Platform pages beyond the home page (audit trail, background jobs)."""

from django.urls import path

from . import job_views

urlpatterns: list = [
    path("jobs/<int:pk>/", job_views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/status", job_views.job_status, name="job_status"),
    path("jobs/<int:pk>/download", job_views.job_download, name="job_download"),
]
