from django.urls import path

from . import views

app_name = "cooperation"

urlpatterns = [
    path("", views.area_list_view, name="area_list"),
    path("new/", views.area_add_view, name="area_add"),
    path("programmes/<int:pk>/items/", views.item_add_view, name="item_add"),
    path("items/<int:pk>/", views.item_update_view, name="item_update"),
    path("<slug:code>/", views.area_detail_view, name="area_detail"),
    path("<slug:code>/programmes/", views.programme_create_view, name="programme_create"),
]
