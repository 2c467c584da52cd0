"""Reads of API tokens: a user only ever sees their own."""

from django.db.models import QuerySet

from .models import ApiToken


def api_tokens_of(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created_at", "-id")
