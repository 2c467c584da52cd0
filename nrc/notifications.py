"""Email notifications through an outbox: rows written in the caller's transaction, delivered by Celery.

``notify`` never talks to the broker inside the transaction. After commit it tries to queue delivery;
if the broker is down the failure is logged and the periodic sweeper queues the notification later.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification

logger = logging.getLogger(__name__)


def _queue(notification_ids: list[int]) -> None:
    from .tasks import notification_deliver

    for pk in notification_ids:
        try:
            notification_deliver.delay(pk)
        except Exception:  # the broker is down: the sweeper will queue it
            logger.warning("notification %s not queued; the outbox sweeper will retry", pk, exc_info=True)
            return


def notify(*, users: Iterable, template: str, context: dict[str, Any], extra_emails: Iterable[str] = ()) -> list[int]:
    """Write one notification per recipient (users with an email, plus fixed addresses) and queue delivery
    after commit. ``template`` names ``templates/emails/<template>_subject.txt`` and ``_body.txt``."""
    rows = [
        Notification(
            recipient=user, email=user.email, language=user.language or "en", template=template, context=context
        )
        for user in users
        if user.email
    ]
    rows += [Notification(email=email, language="en", template=template, context=context) for email in extra_emails]
    created = Notification.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    if ids:
        transaction.on_commit(partial(_queue, ids), robust=True)
    return ids


def notification_send(*, notification_id: int) -> bool:
    """Deliver one notification in its recipient's language. Idempotent: a sent notification is not resent."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id, sent_at__isnull=True).first()
        if notification is None:
            return False
        with translation.override(notification.language):
            subject = render_to_string(f"emails/{notification.template}_subject.txt", notification.context).strip()
            body = render_to_string(f"emails/{notification.template}_body.txt", notification.context)
        notification.attempts += 1
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notification.email])
        except Exception as exc:  # noqa: BLE001 - keep the row for the sweeper
            notification.last_error = str(exc)[:2000]
            notification.save(update_fields=["attempts", "last_error"])
            return False
        notification.sent_at = timezone.now()
        notification.save(update_fields=["attempts", "sent_at", "last_error"])
        return True


def outbox_pending_ids(*, older_than_seconds: int = 60, limit: int = 1000) -> list[int]:
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(
        Notification.objects.filter(sent_at__isnull=True, created_at__lte=cutoff, attempts__lt=10)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
