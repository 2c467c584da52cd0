from django.urls import path

from . import views

app_name = "cooperation"

urlpatterns = [
    path("", views.area_list_view, name="area_list"),
    path("new/", views.area_add_view, name="area_add"),
    path("<slug:code>/", views.area_detail_view, name="area_detail"),
]
