"""The project's URLs plus the floor views (only under nrc.settings.bench)."""

from django.urls import path

from nrc.urls import urlpatterns as project_urlpatterns

from . import views

urlpatterns = [
    path("bench/floor/", views.floor, name="bench-floor"),
    path("bench/api-floor/", views.ApiFloor.as_view(), name="bench-api-floor"),
    *project_urlpatterns,
]
