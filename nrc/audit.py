"""The audit trail: every write of the service layer goes through ``audit_record``.

Each entry carries the SHA-256 of the previous entry, so an entry edited or deleted behind the application's
back breaks the chain (``manage.py verify_audit``). Entries are written inside the caller's transaction, under
a lock that serialises appends, so the chain has no forks.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from typing import Any

from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from .models import AuditEntry

GENESIS = "0" * 64
_LOCK_KEY = 7_310_002  # pg_advisory_xact_lock key of the audit chain


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    return str(value)


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of a model instance, JSON-ready."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        data[field.attname] = json.loads(json.dumps(field.value_from_object(obj), default=_json_default))
    return data


def entry_digest(
    *,
    prev_hash: str,
    at: dt.datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    before: Any,
    after: Any,
) -> str:
    payload = json.dumps(
        [
            prev_hash,
            at.astimezone(dt.UTC).isoformat(),
            actor_id,
            action,
            object_type,
            object_id,
            object_repr,
            before,
            after,
        ],
        sort_keys=True,
        default=_json_default,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


@transaction.atomic
def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Append one entry. ``obj`` gives type, id and label unless they are passed explicitly."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    before = json.loads(json.dumps(before, default=_json_default)) if before is not None else None
    after = json.loads(json.dumps(after, default=_json_default)) if after is not None else None
    _lock_chain()
    last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    prev_hash = last or GENESIS
    at = timezone.now()
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    digest = entry_digest(
        prev_hash=prev_hash,
        at=at,
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:255],
        before=before,
        after=after,
    )
    return AuditEntry.objects.create(
        at=at,
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:255],
        before=before,
        after=after,
        prev_hash=prev_hash,
        hash=digest,
    )


def audit_verify() -> list[str]:
    """Walk the chain in order; return a description of every break (empty when intact)."""
    problems: list[str] = []
    prev_hash = GENESIS
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev_hash:
            problems.append(f"entry {entry.id}: previous-hash link broken (an entry before it was removed or altered)")
        expected = entry_digest(
            prev_hash=entry.prev_hash,
            at=entry.at,
            actor_id=entry.actor_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            object_repr=entry.object_repr,
            before=entry.before,
            after=entry.after,
        )
        if expected != entry.hash:
            problems.append(f"entry {entry.id}: content does not match its hash (edited)")
        prev_hash = entry.hash
    return problems
