"""Writes on the user's own account: preferences and API tokens."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .api_auth import api_token_issue, api_token_revoke
from .audit import audit_record, snapshot
from .errors import PermissionDenied, ValidationError
from .models import ApiToken


@transaction.atomic
def user_preferences_update(*, user, language: str, time_zone: str, email: str, acting_user) -> None:
    before = snapshot(user, ["language", "time_zone", "email"])
    user.language, user.time_zone, user.email = language, time_zone, email
    user.save(update_fields=["language", "time_zone", "email"])
    audit_record(
        actor=acting_user,
        action="user.preferences_update",
        obj=user,
        before=before,
        after=snapshot(user, ["language", "time_zone", "email"]),
    )


@transaction.atomic
def api_token_create(*, user, name: str, acting_user) -> tuple[ApiToken, str]:
    """Issue an API token for the acting user's own account; returns the row and the key, shown only once."""
    if acting_user is None or user.pk != acting_user.pk:
        raise PermissionDenied
    if not (name or "").strip():
        raise ValidationError({"name": _("Give the token a name.")})
    token, key = api_token_issue(user=user, name=name.strip()[:100])
    audit_record(actor=acting_user, action="api_token.create", obj=token, after=_token_snapshot(token))
    return token, key


@transaction.atomic
def api_token_revoke_own(*, token: ApiToken, acting_user) -> ApiToken:
    """Revoke one of the acting user's own tokens (revoking twice changes nothing)."""
    if acting_user is None or token.user_id != acting_user.pk:
        raise PermissionDenied
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    before = _token_snapshot(token)
    api_token_revoke(token=token)
    audit_record(actor=acting_user, action="api_token.revoke", obj=token, before=before, after=_token_snapshot(token))
    return token


def _token_snapshot(token: ApiToken) -> dict:
    # Never the key, never its hash: the prefix is enough to recognise a token.
    return snapshot(token, ["user", "name", "prefix", "created_at", "expires_at", "revoked_at"])
