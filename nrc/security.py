"""What django-axes answers to a locked-out login: the lockout page, or JSON on the API (both 429)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def lockout_message() -> str:
    return _("Too many failed login attempts: this account is locked. Contact the administrator.")


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": lockout_message()}, status=429)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
