"""Writes: scheduling. Every function is keyword-only, takes the acting user, runs in one transaction and
records the audit trail."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Body, Role
from nrc.audit import audit_record, snapshot
from nrc.errors import Conflict, ValidationError
from nrc.permissions import require_role

from ..models import Meeting, MeetingKind, MeetingStatus, Venue

VENUE_CONSTRAINT = "meeting_venue_no_overlap"


def meeting_slot_check(
    *, body: Body, starts_at: dt.datetime, ends_at: dt.datetime, venue: Venue | None, exclude_pk: int | None = None
) -> None:
    """Refuse a slot that ends before it starts, falls outside the body's existence, or double-books a venue.

    On PostgreSQL the exclusion constraint ``meeting_venue_no_overlap`` enforces the venue rule as well,
    so concurrent bookings cannot both succeed; this check gives the clear message first.
    """
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValidationError({"starts_at": _("Times must carry a time zone.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
    local_day = timezone.localtime(starts_at, timezone.get_default_timezone()).date()
    if not body.exists_on(local_day):
        raise ValidationError({"body": _("%(body)s did not exist on %(day)s.") % {"body": body.code, "day": local_day}})
    if venue is not None:
        clash = (
            Meeting.objects.filter(venue=venue, starts_at__lt=ends_at, ends_at__gt=starts_at)
            .exclude(status=MeetingStatus.CANCELLED)
            .exclude(pk=exclude_pk)
            .select_related("body")
            .first()
        )
        if clash is not None:
            raise Conflict(
                {
                    "venue": _("%(venue)s is already booked from %(start)s to %(end)s (%(meeting)s).")
                    % {
                        "venue": venue.name,
                        "meeting": f"{clash.body.code} {clash.title}",
                        "start": timezone.localtime(clash.starts_at).strftime("%Y-%m-%d %H:%M"),
                        "end": timezone.localtime(clash.ends_at).strftime("%H:%M"),
                    }
                }
            )


def save_with_venue_guard(meeting: Meeting, **save_kwargs) -> None:
    """Save, turning the database's exclusion-constraint violation into a clear conflict."""
    try:
        with transaction.atomic():
            meeting.save(**save_kwargs)
    except IntegrityError as exc:
        if VENUE_CONSTRAINT in str(exc):
            raise Conflict({"venue": _("This venue is already booked at that time.")}) from exc
        raise


@transaction.atomic
def meeting_create(
    *,
    body: Body,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    acting_user,
    kind: str = MeetingKind.REGULAR,
    venue: Venue | None = None,
    chair: str = "",
    notes: str = "",
    series=None,
) -> Meeting:
    """Schedule one meeting (secretariat; the chair's office too when it convenes an extraordinary session)."""
    require_role(acting_user, Role.SECRETARIAT, Role.CHAIR)
    meeting_slot_check(body=body, starts_at=starts_at, ends_at=ends_at, venue=venue)
    now = timezone.now()
    meeting = Meeting(
        body=body,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        kind=kind,
        venue=venue,
        chair=chair or body.chair,
        notes=notes,
        series=series,
        status=MeetingStatus.SCHEDULED,
        created_at=now,
        updated_at=now,
    )
    meeting.full_clean(exclude=["series"])
    save_with_venue_guard(meeting)
    audit_record(actor=acting_user, action="meeting.create", obj=meeting, after=snapshot(meeting))
    return meeting
