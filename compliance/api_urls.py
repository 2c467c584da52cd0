from django.urls import path

from nrc.api import Router

from . import api

router = Router()
router.register("compliance/flags", api.FlagViewSet, basename="compliance-flag")
router.register("compliance/waivers", api.WaiverViewSet, basename="compliance-waiver")
router.register("compliance/reports", api.IssuedReportViewSet, basename="compliance-report")

urlpatterns = [
    path("compliance/grid/", api.GridView.as_view(), name="compliance-grid"),
    *router.urls,
]
