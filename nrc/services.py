"""Writes on the user's own account."""

from django.db import transaction

from .audit import audit_record, snapshot


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
