"""Reads of the audit trail, for auditors and administrators only."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Role

from .models import AuditEntry
from .permissions import require_role

AUDIT_ROLES = (Role.AUDITOR, Role.ADMINISTRATOR)


def audit_entries(*, user) -> QuerySet[AuditEntry]:
    """Every entry, newest first; refuses every role but auditors and administrators."""
    require_role(user, *AUDIT_ROLES)
    return AuditEntry.objects.select_related("actor").order_by("-id")


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the user's time zone (activated by the middleware)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


class AuditFilter(django_filters.FilterSet):
    object_type = django_filters.CharFilter(label=_("Object type"), help_text=_("For example meetings.meeting"))
    object_id = django_filters.CharFilter(label=_("Object id"))
    action = django_filters.CharFilter(label=_("Action"), lookup_expr="startswith")
    actor = django_filters.CharFilter(label=_("Actor (user name)"), field_name="actor__username")
    date_from = django_filters.DateFilter(label=_("From (date)"), method="filter_date_from")
    date_to = django_filters.DateFilter(label=_("To (date, inclusive)"), method="filter_date_to")

    class Meta:
        model = AuditEntry
        fields = ["object_type", "object_id", "action", "actor", "date_from", "date_to"]

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(at__gte=_day_start(value))

    def filter_date_to(self, queryset, name, value):
        if value == dt.date.max:  # no day after it: nothing is left out
            return queryset
        return queryset.filter(at__lt=_day_start(value + dt.timedelta(days=1)))


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def audit_diff(entry: AuditEntry) -> list[dict[str, Any]]:
    """One row per field found before or after the change: both values and whether it changed."""
    before = entry.before if isinstance(entry.before, dict) else ({"value": entry.before} if entry.before else {})
    after = entry.after if isinstance(entry.after, dict) else ({"value": entry.after} if entry.after else {})
    rows = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        rows.append(
            {
                "field": key,
                "before": _show(old),
                "after": _show(new),
                "in_before": key in before,
                "in_after": key in after,
                "changed": key not in before or key not in after or old != new,
            }
        )
    return rows


CSV_HEADER = [
    "id",
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "object",
    "before",
    "after",
    "prev_hash",
    "hash",
]


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas in exported text (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def audit_csv_rows(queryset: QuerySet[AuditEntry]):
    """The header, then one row per entry, read in chunks so that memory stays flat however long the trail."""
    yield CSV_HEADER
    for e in queryset.iterator(chunk_size=2000):
        yield [
            str(e.pk),
            e.at.astimezone(dt.UTC).isoformat(),
            e.actor.username if e.actor_id else "",
            _cell(e.action),
            _cell(e.object_type),
            _cell(e.object_id),
            _cell(e.object_repr),
            _cell(_show(e.before)),
            _cell(_show(e.after)),
            e.prev_hash,
            e.hash,
        ]
