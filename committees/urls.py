from django.urls import path

from . import views

app_name = "committees"

urlpatterns = [
    path("", views.body_list, name="body_list"),
    path("new/", views.body_create_view, name="body_create"),
    path("<int:pk>/", views.body_detail_view, name="body_detail"),
]
