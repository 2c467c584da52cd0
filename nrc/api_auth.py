"""Bearer tokens that expire and can be revoked; only a hash of each key is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiToken


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_issue(*, user, name: str = "", ttl: timedelta | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the clear key, shown once."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=_hash(key),
        prefix=key[:8],
        expires_at=timezone.now() + (ttl or timedelta(hours=settings.API_TOKEN_TTL_HOURS)),
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


class ExpiringTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"bearer", b"token"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from exc
        token = ApiToken.objects.select_related("user", "user__member").filter(key_hash=_hash(key)).first()
        now = timezone.now()
        if token is None or token.revoked_at is not None or token.expires_at <= now or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    """Tells the OpenAPI schema how clients authenticate: ``Authorization: Bearer <token>``."""

    target_class = "nrc.api_auth.ExpiringTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An API token from /api/v1/auth/token/."}
