from nrc.api import Router

from . import api

router = Router()
router.register("areas", api.CooperationAreaViewSet, basename="area")
router.register("work-programmes", api.WorkProgrammeViewSet, basename="work-programme")
router.register("work-programme-items", api.WorkProgrammeItemViewSet, basename="work-programme-item")

urlpatterns = router.urls
