from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("areas", api.CooperationAreaViewSet, basename="area")

urlpatterns = router.urls
