from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

api_v1 = [
    path("", include("nrc.api_urls")),
    path("", include("committees.api_urls")),
    path("", include("cooperation.api_urls")),
    path("", include("meetings.api_urls")),
    path("", include("compliance.api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("preferences/", views.preferences, name="preferences"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        login_not_required(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("bodies/", include("committees.urls")),
    path("areas/", include("cooperation.urls")),
    path("meetings/", include("meetings.urls")),
    path("compliance/", include("compliance.urls")),
    path("", include("nrc.web_urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

# The API answers errors in JSON, pages in HTML.
handler404 = "nrc.views.page_not_found"
handler500 = "nrc.views.server_error"
