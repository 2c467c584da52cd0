from django.urls import path

from . import views

app_name = "compliance"

urlpatterns = [
    path("", views.report, name="report"),
    path("export.csv", views.export, {"file_format": "csv"}, name="export_csv"),
    path("export.pdf", views.export, {"file_format": "pdf"}, name="export_pdf"),
    path("cell/<str:code>/<str:granularity>/<str:label>/", views.cell_detail, name="cell"),
    path("bodies/<str:code>/chart/", views.chart, name="chart"),
    # GET lists the issued reports, POST issues one; GET shows one, POST verifies it.
    path("issued/", views.issued_list, name="issued_list"),
    path("issued/<int:pk>/", views.issued_detail, name="issued_detail"),
    path("issued/<int:pk>/report.csv", views.issued_download, {"file_format": "csv"}, name="issued_csv"),
    path("issued/<int:pk>/report.pdf", views.issued_download, {"file_format": "pdf"}, name="issued_pdf"),
    path("issued/<int:pk>/report.json", views.issued_download, {"file_format": "json"}, name="issued_json"),
    path("export/", views.export_request, name="export_request"),
    path("flags/", views.flags, name="flag_list"),
    path("flags/<int:pk>/", views.flag_detail, name="flag_detail"),
    path("waivers/", views.waivers, name="waiver_list"),
    path("waivers/propose/", views.waiver_propose, name="waiver_propose"),
    path("waivers/<int:pk>/", views.waiver_detail, name="waiver_detail"),
]
