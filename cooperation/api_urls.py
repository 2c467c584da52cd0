from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("areas", api.CooperationAreaViewSet, basename="area")
router.register("work-programmes", api.WorkProgrammeViewSet, basename="work-programme")
router.register("work-programme-items", api.WorkProgrammeItemViewSet, basename="work-programme-item")

urlpatterns = router.urls
