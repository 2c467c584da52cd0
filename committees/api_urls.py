from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("members", api.MemberViewSet, basename="member")
router.register("bodies", api.BodyViewSet, basename="body")

urlpatterns = router.urls
