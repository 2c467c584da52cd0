from django.conf import settings

from .navigation import navigation_for


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "nav_items": navigation_for(user, request.path) if user is not None else [],
        "NRC_DEMO": settings.NRC_DEMO,
        "COUNCIL_TIME_ZONE": settings.COUNCIL_TIME_ZONE,
    }
