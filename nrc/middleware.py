"""Per-user time zone and language, and the response headers SecurityMiddleware does not set."""

import zoneinfo

from django.conf import settings
from django.utils import timezone, translation


class UserPreferencesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        tz_name = settings.COUNCIL_TIME_ZONE
        if user is not None and user.is_authenticated:
            tz_name = user.time_zone or tz_name
            session_language = request.session.get("django_language") if hasattr(request, "session") else None
            language = session_language or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or user.language
            if language in dict(settings.LANGUAGES):
                translation.activate(language)
                request.LANGUAGE_CODE = language
        try:
            timezone.activate(zoneinfo.ZoneInfo(tz_name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.activate(zoneinfo.ZoneInfo(settings.COUNCIL_TIME_ZONE))
        return self.get_response(request)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
