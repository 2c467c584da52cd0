from nrc.api import Router

from . import api

router = Router()
router.register("members", api.MemberViewSet, basename="member")
router.register("bodies", api.BodyViewSet, basename="body")

urlpatterns = router.urls
