"""Writes: scheduling. Every function is keyword-only, takes the acting user, runs in one transaction and
records the audit trail.

Concurrency: a service that changes an existing meeting locks it first (``_lock``), always in ``starts_at, id``
order when it changes several, so two writers never deadlock and never lose an update of ``sequence``.
The venue rule is also enforced by PostgreSQL's exclusion constraint, so concurrent bookings cannot both win.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Body, Member, Role
from cooperation.models import CooperationArea
from nrc.audit import audit_record, snapshot
from nrc.errors import Conflict, ValidationError
from nrc.notifications import notify
from nrc.permissions import require_role

from ..models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Classification,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingSlotChange,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    Paper,
    PaperLanguage,
    Venue,
)
from ..selectors.scheduling import series_preview

VENUE_CONSTRAINT = "meeting_venue_no_overlap"
DEADLOCK_DETECTED = "40P01"  # SQLSTATE

# The only status changes a meeting may go through.
MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    MeetingStatus.SCHEDULED: frozenset({MeetingStatus.HELD, MeetingStatus.CANCELLED}),
    MeetingStatus.HELD: frozenset(),
    MeetingStatus.CANCELLED: frozenset(),
}

# Papers: what may be uploaded, recognised by extension and by the file's first bytes.
PAPER_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "txt": ("text/plain", ()),
}


# Called inside the transaction of every service that creates, moves, cancels or marks held meetings, with the
# (body id, start) of each before and after: the compliance app registers the upkeep of its stored grid here
# (compliance/apps.py), since meetings does not import the apps below it.
MEETINGS_WRITTEN: list[Callable[[list[tuple[int, dt.datetime]]], None]] = []


def _meetings_written(slots: list[tuple[int, dt.datetime]]) -> None:
    for hook in MEETINGS_WRITTEN:
        hook(slots)


def _council_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.COUNCIL_TIME_ZONE)


def _fmt(value: dt.datetime) -> str:
    return timezone.localtime(value, _council_tz()).strftime("%Y-%m-%d %H:%M")


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


def _is_venue_race(exc: Exception) -> bool:
    """The database refused a booking because another transaction holds the same venue and time.

    Either the exclusion constraint was violated (the other booking committed first), or PostgreSQL found the
    two uncommitted bookings waiting on each other while checking the constraint and aborted this one
    (SQLSTATE 40P01, "deadlock detected ... while checking exclusion constraint"): the other goes through."""
    if isinstance(exc, IntegrityError):
        return VENUE_CONSTRAINT in str(exc)
    cause = exc.__cause__
    return getattr(cause, "pgcode", None) == DEADLOCK_DETECTED and "exclusion constraint" in str(exc)


def save_with_venue_guard(meeting: Meeting, **save_kwargs) -> None:
    """Save, turning the database's refusal of a double-booked venue into a clear conflict."""
    try:
        with transaction.atomic():
            meeting.save(**save_kwargs)
    except (IntegrityError, OperationalError) as exc:
        if _is_venue_race(exc):
            raise Conflict({"venue": _("This venue is already booked at that time.")}) from exc
        raise


# --- who is told ---------------------------------------------------------------------------------------------


def meeting_participants(meeting: Meeting) -> list:
    """The people taking part: the delegations of the members sitting in the body that day, the chair's office
    and the secretariat."""
    from committees.selectors import body_members_on

    day = timezone.localtime(meeting.starts_at, _council_tz()).date()
    member_ids = body_members_on(body=meeting.body, day=day).values("pk")
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(role=Role.DELEGATION, member__in=member_ids) | Q(role__in=[Role.CHAIR, Role.SECRETARIAT]))
        .order_by("pk")
    )


def meeting_email_context(meeting: Meeting, **extra) -> dict:
    """JSON-ready facts about a meeting for the email templates."""
    return {
        "meeting_id": meeting.pk,
        "body": meeting.body.code,
        "title": meeting.title,
        "starts": _fmt(meeting.starts_at),
        "ends": _fmt(meeting.ends_at),
        "venue": meeting.venue.name if meeting.venue_id else "",
        "time_zone": settings.COUNCIL_TIME_ZONE,
        **extra,
    }


def _notify_participants(meeting: Meeting, template: str, **extra) -> None:
    notify(users=meeting_participants(meeting), template=template, context=meeting_email_context(meeting, **extra))


# --- single meetings -----------------------------------------------------------------------------------------


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("body", "venue", "series").get(pk=meeting.pk)


def _touch(meeting: Meeting) -> None:
    """Every change raises the iCalendar SEQUENCE (the row is locked by the caller)."""
    meeting.sequence += 1
    meeting.updated_at = timezone.now()


def _require_status(meeting: Meeting, target: str) -> None:
    if target not in MEETING_TRANSITIONS[meeting.status]:
        raise Conflict(
            {
                "status": _("A %(from)s meeting cannot become %(to)s.")
                % {"from": meeting.get_status_display().lower(), "to": MeetingStatus(target).label.lower()}
            }
        )


def _require_scheduled(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict(
            {
                "status": _("Only a scheduled meeting can be changed; this one is %(status)s.")
                % {"status": meeting.get_status_display().lower()}
            }
        )


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
    if not title.strip():
        raise ValidationError({"title": _("Give the meeting a title.")})
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
    _meetings_written([(meeting.body_id, meeting.starts_at)])
    return meeting


def _following(meeting: Meeting) -> list[Meeting]:
    """This occurrence and the later scheduled ones of its series, locked in a fixed order."""
    if meeting.series_id is None:
        return [_lock(meeting)]
    return list(
        Meeting.objects.select_for_update(of=("self",))
        .select_related("body", "venue", "series")
        .filter(series_id=meeting.series_id, starts_at__gte=meeting.starts_at, status=MeetingStatus.SCHEDULED)
        .order_by("starts_at", "id")
    ) or [_lock(meeting)]


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    acting_user,
    title: str,
    kind: str,
    chair: str = "",
    notes: str = "",
    following: bool = False,
) -> list[Meeting]:
    """Change what a meeting is called and who chairs it; with ``following``, this occurrence and the later
    ones of its series. Times and venue change through ``meeting_reschedule`` (which keeps the history)."""
    require_role(acting_user, Role.SECRETARIAT)
    if not title.strip():
        raise ValidationError({"title": _("Give the meeting a title.")})
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": _("Unknown kind of meeting.")})
    targets = _following(meeting) if following else [_lock(meeting)]
    for target in targets:
        _require_scheduled(target)
        before = snapshot(target)
        target.title, target.kind, target.chair, target.notes = title.strip(), kind, chair, notes
        _touch(target)
        target.save(update_fields=["title", "kind", "chair", "notes", "sequence", "updated_at"])
        audit_record(actor=acting_user, action="meeting.update", obj=target, before=before, after=snapshot(target))
    return targets


def _wall_shift(value: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """Move a time by ``delta`` on the Council's wall clock, so that 10:00 stays 10:00 across a DST change."""
    tz = _council_tz()
    local = timezone.localtime(value, tz).replace(tzinfo=None) + delta
    return local.replace(tzinfo=tz).astimezone(dt.UTC)


@transaction.atomic
def meeting_reschedule(
    *,
    meeting: Meeting,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    venue: Venue | None,
    reason: str,
    acting_user,
    following: bool = False,
) -> list[Meeting]:
    """Move a meeting (or this and the following occurrences, by the same wall-clock shift), keeping the
    original slot and the reason. Participants are told after commit."""
    require_role(acting_user, Role.SECRETARIAT)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
    targets = _following(meeting) if following else [_lock(meeting)]
    first = targets[0] if targets[0].pk == meeting.pk else _lock(meeting)
    _require_scheduled(first)
    tz = _council_tz()
    delta = timezone.localtime(starts_at, tz).replace(tzinfo=None) - timezone.localtime(first.starts_at, tz).replace(
        tzinfo=None
    )
    duration = ends_at - starts_at
    moved_ids = [t.pk for t in targets]
    plan = []
    for target in targets:
        new_start = starts_at if target.pk == first.pk else _wall_shift(target.starts_at, delta)
        new_end = new_start + duration
        meeting_slot_check(body=target.body, starts_at=new_start, ends_at=new_end, venue=None)
        if venue is not None:
            clash = (
                Meeting.objects.filter(venue=venue, starts_at__lt=new_end, ends_at__gt=new_start)
                .exclude(status=MeetingStatus.CANCELLED)
                .exclude(pk__in=moved_ids)
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
                            "start": _fmt(clash.starts_at),
                            "end": timezone.localtime(clash.ends_at, tz).strftime("%H:%M"),
                        }
                    }
                )
        plan.append((target, new_start, new_end))
    previous = [(t.body_id, t.starts_at) for t, _s, _e in plan]
    for target, new_start, new_end in plan:
        before = snapshot(target)
        change = MeetingSlotChange.objects.create(
            meeting=target,
            previous_starts_at=target.starts_at,
            previous_ends_at=target.ends_at,
            previous_venue=target.venue,
            new_starts_at=new_start,
            new_ends_at=new_end,
            new_venue=venue,
            reason=reason.strip(),
            changed_by=acting_user,
        )
        target.starts_at, target.ends_at, target.venue = new_start, new_end, venue
        _touch(target)
        save_with_venue_guard(target, update_fields=["starts_at", "ends_at", "venue", "sequence", "updated_at"])
        audit_record(
            actor=acting_user,
            action="meeting.reschedule",
            obj=target,
            before=before,
            after=snapshot(target) | {"slot_change_id": change.pk},
        )
        _notify_participants(
            target,
            "meeting_rescheduled",
            previous_starts=_fmt(change.previous_starts_at),
            previous_ends=_fmt(change.previous_ends_at),
            reason=change.reason,
        )
    _meetings_written(previous + [(t.body_id, t.starts_at) for t, _s, _e in plan])
    return [t for t, _s, _e in plan]


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str, acting_user, following: bool = False) -> list[Meeting]:
    """Cancel a meeting (or this and the following occurrences of its series). A reason is required;
    participants are told after commit."""
    require_role(acting_user, Role.SECRETARIAT, Role.CHAIR)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the cancellation.")})
    targets = _following(meeting) if following else [_lock(meeting)]
    for target in targets:
        _require_status(target, MeetingStatus.CANCELLED)
    for target in targets:
        before = snapshot(target)
        target.status = MeetingStatus.CANCELLED
        target.cancellation_reason = reason.strip()
        _touch(target)
        target.save(update_fields=["status", "cancellation_reason", "sequence", "updated_at"])
        audit_record(actor=acting_user, action="meeting.cancel", obj=target, before=before, after=snapshot(target))
        _notify_participants(target, "meeting_cancelled", reason=target.cancellation_reason)
    _meetings_written([(t.body_id, t.starts_at) for t in targets])
    return targets


@transaction.atomic
def series_cancel_rest(*, series: MeetingSeries, reason: str, acting_user, now: dt.datetime | None = None) -> int:
    """Cancel every occurrence of a series that has not started yet. Returns how many were cancelled."""
    require_role(acting_user, Role.SECRETARIAT)
    now = now or timezone.now()
    nxt = series.meetings.filter(status=MeetingStatus.SCHEDULED, starts_at__gte=now).order_by("starts_at").first()
    if nxt is None:
        raise Conflict({"series": _("No occurrence of this series is left to cancel.")})
    return len(meeting_cancel(meeting=nxt, reason=reason, acting_user=acting_user, following=True))


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, acting_user, now: dt.datetime | None = None) -> Meeting:
    """Record that a meeting took place. Refused before it has started."""
    require_role(acting_user, Role.SECRETARIAT)
    meeting = _lock(meeting)
    _require_status(meeting, MeetingStatus.HELD)
    if meeting.starts_at > (now or timezone.now()):
        raise Conflict({"status": _("A meeting cannot be marked held before it has started.")})
    before = snapshot(meeting)
    meeting.status = MeetingStatus.HELD
    _touch(meeting)
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    audit_record(actor=acting_user, action="meeting.mark_held", obj=meeting, before=before, after=snapshot(meeting))
    _meetings_written([(meeting.body_id, meeting.starts_at)])
    return meeting


# --- series --------------------------------------------------------------------------------------------------


@transaction.atomic
def series_create(
    *,
    body: Body,
    title: str,
    rrule: str,
    first_starts_at: dt.datetime,
    ends_at: dt.datetime,
    acting_user,
    kind: str = MeetingKind.REGULAR,
    venue: Venue | None = None,
    chair: str = "",
    skip_conflicts: bool = False,
) -> MeetingSeries:
    """Create a series and all its occurrences at once. Refused when an occurrence falls on a day the body did
    not exist, or clashes with a booked venue (unless ``skip_conflicts``: the clashing ones are left out)."""
    require_role(acting_user, Role.SECRETARIAT)
    if not title.strip():
        raise ValidationError({"title": _("Give the series a title.")})
    rows = series_preview(body=body, rrule=rrule, first_starts_at=first_starts_at, ends_at=ends_at, venue=venue)
    invalid = [r for r in rows if r["invalid"]]
    if invalid:
        raise ValidationError(
            {
                "rrule": _("%(n)d occurrences fall outside the life of %(body)s (first: %(day)s).")
                % {"n": len(invalid), "body": body.code, "day": invalid[0]["day"]}
            }
        )
    clashes = [r for r in rows if r["conflict"]]
    if clashes and not skip_conflicts:
        raise Conflict(
            {
                "venue": _("%(n)d occurrences clash with booked meetings (first: %(day)s: %(what)s).")
                % {"n": len(clashes), "day": clashes[0]["day"], "what": clashes[0]["conflict"]}
            }
        )
    keep = [r for r in rows if not r["conflict"]]
    if not keep:
        raise Conflict({"venue": _("Every occurrence clashes with a booked meeting.")})
    now = timezone.now()
    series = MeetingSeries.objects.create(
        body=body,
        title=title.strip(),
        rrule=rrule.strip(),
        first_starts_at=first_starts_at,
        duration=ends_at - first_starts_at,
        time_zone=settings.COUNCIL_TIME_ZONE,
        venue=venue,
        created_by=acting_user,
        created_at=now,
    )
    meetings = [
        Meeting(
            body=body,
            series=series,
            kind=kind,
            status=MeetingStatus.SCHEDULED,
            title=title.strip(),
            starts_at=r["starts_at"],
            ends_at=r["ends_at"],
            venue=venue,
            chair=chair or body.chair,
            created_at=now,
            updated_at=now,
        )
        for r in keep
    ]
    try:
        with transaction.atomic():
            Meeting.objects.bulk_create(meetings, batch_size=500)
    except (IntegrityError, OperationalError) as exc:
        if _is_venue_race(exc):
            raise Conflict({"venue": _("This venue was booked meanwhile; preview again.")}) from exc
        raise
    ids = list(series.meetings.order_by("starts_at").values_list("pk", flat=True))
    audit_record(
        actor=acting_user,
        action="series.create",
        obj=series,
        after=snapshot(series) | {"meeting_ids": ids, "skipped": [r["starts_at"].isoformat() for r in clashes]},
    )
    _meetings_written([(body.pk, m.starts_at) for m in meetings])
    return series


# --- agenda --------------------------------------------------------------------------------------------------


def _require_editable_agenda(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict({"meeting": _("The agenda of a cancelled meeting cannot change.")})


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    title: str,
    acting_user,
    description: str = "",
    area: CooperationArea | None = None,
    implementation_issue=None,
) -> AgendaItem:
    """Append an item to the agenda (it may concern a co-operation area, or an implementation issue raised by a
    member about a joint decision)."""
    require_role(acting_user, Role.SECRETARIAT)
    meeting = _lock(meeting)
    _require_editable_agenda(meeting)
    if not title.strip():
        raise ValidationError({"title": _("Give the agenda item a title.")})
    last = meeting.agenda_items.order_by("-position").values_list("position", flat=True).first() or 0
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=last + 1,
        title=title.strip(),
        description=description,
        area=area,
        implementation_issue=implementation_issue,
    )
    _touch(meeting)
    meeting.save(update_fields=["sequence", "updated_at"])
    audit_record(actor=acting_user, action="agenda_item.add", obj=item, after=snapshot(item))
    return item


@transaction.atomic
def agenda_item_update(
    *, item: AgendaItem, title: str, acting_user, description: str = "", area: CooperationArea | None = None
) -> AgendaItem:
    require_role(acting_user, Role.SECRETARIAT)
    meeting = _lock(item.meeting)
    _require_editable_agenda(meeting)
    if not title.strip():
        raise ValidationError({"title": _("Give the agenda item a title.")})
    before = snapshot(item)
    item.title, item.description, item.area = title.strip(), description, area
    item.save(update_fields=["title", "description", "area"])
    _touch(meeting)
    meeting.save(update_fields=["sequence", "updated_at"])
    audit_record(actor=acting_user, action="agenda_item.update", obj=item, before=before, after=snapshot(item))
    return item


def _renumber(meeting: Meeting, ordered: list[AgendaItem]) -> None:
    """Positions are unique per meeting: park the items out of the way, then number them 1..n."""
    offset = 10000
    for i, it in enumerate(ordered, start=1):
        it.position = offset + i
    AgendaItem.objects.bulk_update(ordered, ["position"])
    for i, it in enumerate(ordered, start=1):
        it.position = i
    AgendaItem.objects.bulk_update(ordered, ["position"])


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, direction: str, acting_user) -> AgendaItem:
    """Move an item one place up or down."""
    require_role(acting_user, Role.SECRETARIAT)
    meeting = _lock(item.meeting)
    _require_editable_agenda(meeting)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Move up or down.")})
    items = list(meeting.agenda_items.order_by("position"))
    index = next(i for i, it in enumerate(items) if it.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
        _renumber(meeting, items)
        _touch(meeting)
        meeting.save(update_fields=["sequence", "updated_at"])
        audit_record(actor=acting_user, action="agenda_item.move", obj=item, after={"order": [it.pk for it in items]})
    return next(it for it in items if it.pk == item.pk)


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, acting_user) -> None:
    require_role(acting_user, Role.SECRETARIAT)
    meeting = _lock(item.meeting)
    _require_editable_agenda(meeting)
    before = snapshot(item)
    item_id = item.pk
    item.delete()
    _renumber(meeting, list(meeting.agenda_items.order_by("position")))
    _touch(meeting)
    meeting.save(update_fields=["sequence", "updated_at"])
    audit_record(
        actor=acting_user,
        action="agenda_item.delete",
        object_type="meetings.agendaitem",
        object_id=str(item_id),
        object_repr=before["title"],
        before=before,
    )


# --- papers --------------------------------------------------------------------------------------------------


def paper_file_check(upload) -> str:
    """The content type of an acceptable upload; refuses files too large or of an unexpected type."""
    if upload is None:
        raise ValidationError({"file": _("Choose a file.")})
    if upload.size > settings.PAPER_MAX_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)d MB.") % {"mb": settings.PAPER_MAX_BYTES // (1024 * 1024)}}
        )
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in PAPER_TYPES:
        raise ValidationError(
            {"file": _("Unexpected file type; accepted: %(types)s.") % {"types": ", ".join(sorted(PAPER_TYPES))}}
        )
    content_type, magics = PAPER_TYPES[extension]
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if magics and not any(head.startswith(m) for m in magics):
        raise ValidationError({"file": _("The file's content does not match its .%(ext)s name.") % {"ext": extension}})
    if not magics and b"\x00" in head:
        raise ValidationError({"file": _("The file's content does not match its .%(ext)s name.") % {"ext": extension}})
    return content_type


@transaction.atomic
def paper_upload(
    *,
    meeting: Meeting,
    reference: str,
    title: str,
    file,
    acting_user,
    classification: str = Classification.UNCLASSIFIED,
    language: str = PaperLanguage.EN,
) -> Paper:
    """Attach a paper to a meeting. The reference is unique per issuing body and year."""
    require_role(acting_user, Role.SECRETARIAT)
    meeting = _lock(meeting)
    reference = (reference or "").strip().upper()
    if not reference:
        raise ValidationError({"reference": _("Give the paper's reference.")})
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the paper a title.")})
    if classification not in Classification.values:
        raise ValidationError({"classification": _("Unknown classification marking.")})
    if language not in PaperLanguage.values:
        raise ValidationError({"language": _("Unknown language.")})
    content_type = paper_file_check(file)
    year = timezone.localtime(meeting.starts_at, _council_tz()).year
    if Paper.objects.filter(body=meeting.body, year=year, reference=reference).exists():
        raise ValidationError(
            {
                "reference": _("%(ref)s is already used by %(body)s in %(year)d.")
                % {"ref": reference, "body": meeting.body.code, "year": year}
            }
        )
    paper = Paper(
        body=meeting.body,
        year=year,
        reference=reference,
        title=title.strip(),
        meeting=meeting,
        content_type=content_type,
        size=file.size,
        classification=classification,
        language=language,
        uploaded_by=acting_user,
    )
    paper.file.save(file.name.rsplit("/", 1)[-1], file, save=False)
    try:
        with transaction.atomic():
            paper.save()
    except IntegrityError as exc:
        paper.file.delete(save=False)
        raise ValidationError({"reference": _("This reference is already used.")}) from exc
    audit_record(actor=acting_user, action="paper.upload", obj=paper, after=snapshot(paper))
    return paper


@transaction.atomic
def paper_delete(*, paper: Paper, acting_user) -> None:
    require_role(acting_user, Role.SECRETARIAT)
    before = snapshot(paper)
    pk, name, storage = paper.pk, paper.file.name, paper.file.storage
    paper.delete()
    transaction.on_commit(lambda: storage.delete(name), robust=True)
    audit_record(
        actor=acting_user,
        action="paper.delete",
        object_type="meetings.paper",
        object_id=str(pk),
        object_repr=before["reference"],
        before=before,
    )


# --- recording a meeting -------------------------------------------------------------------------------------


def _require_held(meeting: Meeting, what: str) -> None:
    if meeting.status != MeetingStatus.HELD:
        raise Conflict({"status": _("Mark the meeting held before recording its %(what)s.") % {"what": what}})


@transaction.atomic
def attendance_record(*, meeting: Meeting, rows: list[dict], acting_user) -> list[Attendance]:
    """Record attendance: ``rows`` of ``member`` (id), ``status``, ``representative``, ``representation_level``.
    Only members sitting in the body on the day of the meeting may be recorded."""
    from committees.selectors import body_members_on

    require_role(acting_user, Role.SECRETARIAT)
    meeting = _lock(meeting)
    _require_held(meeting, _("attendance"))
    day = timezone.localtime(meeting.starts_at, _council_tz()).date()
    allowed = {m.pk: m for m in body_members_on(body=meeting.body, day=day)}
    existing = {a.member_id: a for a in meeting.attendance.all()}
    before = [snapshot(a) for a in existing.values()]
    seen: set[int] = set()
    to_create, to_update = [], []
    for row in rows:
        member_id = row.get("member")
        member_id = member_id.pk if isinstance(member_id, Member) else member_id
        if member_id not in allowed:
            raise ValidationError(
                {
                    "member": _("This member does not sit in %(body)s on %(day)s.")
                    % {"body": meeting.body.code, "day": day}
                }
            )
        if member_id in seen:
            raise ValidationError({"member": _("Each member is recorded once.")})
        seen.add(member_id)
        status = row.get("status")
        if status not in AttendanceStatus.values:
            raise ValidationError({"status": _("Choose present, absent or excused.")})
        fields = {
            "status": status,
            "representative": (row.get("representative") or "").strip(),
            "representation_level": (row.get("representation_level") or "").strip(),
        }
        if member_id in existing:
            a = existing[member_id]
            for k, v in fields.items():
                setattr(a, k, v)
            to_update.append(a)
        else:
            to_create.append(Attendance(meeting=meeting, member_id=member_id, **fields))
    Attendance.objects.bulk_create(to_create)
    if to_update:
        Attendance.objects.bulk_update(to_update, ["status", "representative", "representation_level"])
    result = list(meeting.attendance.select_related("member").order_by("member__name_en"))
    audit_record(
        actor=acting_user, action="meeting.attendance", obj=meeting, before=before, after=[snapshot(a) for a in result]
    )
    return result


@transaction.atomic
def minutes_save(*, meeting: Meeting, text: str, acting_user) -> Minutes:
    """Draft or redraft the minutes (secretariat). Approved minutes are read-only."""
    require_role(acting_user, Role.SECRETARIAT)
    meeting = _lock(meeting)
    _require_held(meeting, _("minutes"))
    if not (text or "").strip():
        raise ValidationError({"text": _("The minutes are empty.")})
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is not None and minutes.status == MinutesStatus.APPROVED:
        raise Conflict({"text": _("Approved minutes cannot be changed.")})
    before = snapshot(minutes) if minutes else None
    if minutes is None:
        minutes = Minutes(meeting=meeting)
    minutes.text = text.strip()
    minutes.drafted_by = acting_user
    minutes.drafted_at = timezone.now()
    minutes.save()
    audit_record(actor=acting_user, action="minutes.draft", obj=minutes, before=before, after=snapshot(minutes))
    return minutes


@transaction.atomic
def minutes_approve(*, minutes: Minutes, acting_user) -> Minutes:
    """The chair's office approves the minutes; from then on they are read-only."""
    require_role(acting_user, Role.CHAIR)
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.status != MinutesStatus.DRAFT:
        raise Conflict({"status": _("These minutes are already approved.")})
    before = snapshot(minutes)
    minutes.status = MinutesStatus.APPROVED
    minutes.approved_by = acting_user
    minutes.approved_at = timezone.now()
    minutes.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(actor=acting_user, action="minutes.approve", obj=minutes, before=before, after=snapshot(minutes))
    return minutes


# --- calendar subscriptions ----------------------------------------------------------------------------------


@transaction.atomic
def calendar_token_issue(*, user, acting_user) -> str:
    """Issue (or replace) the private token of a user's calendar feeds; the old URLs stop working."""
    if acting_user.pk != user.pk:
        require_role(acting_user, Role.ADMINISTRATOR)
    token = secrets.token_urlsafe(32)
    get_user_model().objects.filter(pk=user.pk).update(calendar_token=token)
    user.calendar_token = token
    audit_record(actor=acting_user, action="calendar_token.issue", obj=user, after={"issued": True})
    return token


@transaction.atomic
def calendar_token_revoke(*, user, acting_user) -> None:
    if acting_user.pk != user.pk:
        require_role(acting_user, Role.ADMINISTRATOR)
    get_user_model().objects.filter(pk=user.pk).update(calendar_token=None)
    user.calendar_token = None
    audit_record(actor=acting_user, action="calendar_token.revoke", obj=user, after={"revoked": True})


@transaction.atomic
def body_follow(*, user, body: Body, follow: bool, acting_user) -> None:
    """Follow or stop following a body (its meetings then appear in the user's followed-bodies feed)."""
    if acting_user.pk != user.pk:
        require_role(acting_user, Role.ADMINISTRATOR)
    from committees.selectors import bodies_visible_to

    if not bodies_visible_to(user).filter(pk=body.pk).exists():
        raise ValidationError({"body": _("Unknown body.")})
    if follow:
        user.followed_bodies.add(body)
    else:
        user.followed_bodies.remove(body)
    audit_record(
        actor=acting_user, action="body.follow" if follow else "body.unfollow", obj=user, after={"body": body.code}
    )


# --- reminders -----------------------------------------------------------------------------------------------


def reminders_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The daily reminders. Safe to run twice: what was already sent (the outbox remembers) is not resent.

    - participants, a week before a scheduled meeting;
    - the secretariat, once a day, about held meetings whose minutes are unapproved after 14 days and about past
      meetings still marked scheduled.
    """
    from nrc.models import Notification

    now = now or timezone.now()
    sent = {"reminders": 0, "digest": 0}
    window = (now + dt.timedelta(days=7), now + dt.timedelta(days=8))
    with transaction.atomic():
        already = set(
            Notification.objects.filter(
                template="meeting_reminder", created_at__gte=now - dt.timedelta(days=30)
            ).values_list("context__meeting_id", flat=True)
        )
        for meeting in (
            Meeting.objects.filter(status=MeetingStatus.SCHEDULED, starts_at__gte=window[0], starts_at__lt=window[1])
            .select_related("body", "venue")
            .order_by("starts_at")
        ):
            if meeting.pk in already:
                continue
            _notify_participants(meeting, "meeting_reminder")
            sent["reminders"] += 1
    today = timezone.localtime(now, _council_tz()).date().isoformat()
    with transaction.atomic():
        if Notification.objects.filter(template="scheduling_digest", context__day=today).exists():
            return sent
        stale_minutes = list(
            Meeting.objects.filter(status=MeetingStatus.HELD, ends_at__lt=now - dt.timedelta(days=14))
            .filter(Q(minutes__isnull=True) | Q(minutes__status=MinutesStatus.DRAFT))
            .select_related("body")
            .order_by("starts_at")[:200]
        )
        unrecorded = list(
            Meeting.objects.filter(status=MeetingStatus.SCHEDULED, ends_at__lt=now)
            .select_related("body")
            .order_by("starts_at")[:200]
        )
        if not stale_minutes and not unrecorded:
            return sent
        secretariat = get_user_model().objects.filter(role=Role.SECRETARIAT, is_active=True).order_by("pk")
        notify(
            users=secretariat,
            template="scheduling_digest",
            context={
                "day": today,
                "minutes_pending": [
                    {"meeting_id": m.pk, "body": m.body.code, "title": m.title, "starts": _fmt(m.starts_at)}
                    for m in stale_minutes
                ],
                "unrecorded": [
                    {"meeting_id": m.pk, "body": m.body.code, "title": m.title, "starts": _fmt(m.starts_at)}
                    for m in unrecorded
                ],
            },
        )
        sent["digest"] = 1
    return sent
