"""Writes: extraordinary-session requests. Every function is keyword-only, takes the acting user, runs in one
transaction and records the audit trail.

"Extraordinary meetings ... will take place at the request of any Member or the NATO Secretary General."
A delegation asks on behalf of its own member; the chair's office asks on behalf of the Secretary General
(``on_behalf_of`` is empty). A request moves only along ``ALLOWED_TRANSITIONS``; every move is recorded as a
``SessionRequestTransition`` with its actor and time, audited, and announced to every delegation and the
secretariat through the notification outbox (delivered by Celery after commit, swept if the broker was down).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from committees.models import Body, Member, Role, User
from committees.selectors import bodies_visible_to
from nrc.audit import audit_record, snapshot
from nrc.errors import Conflict, PermissionDenied, ValidationError
from nrc.notifications import notify
from nrc.permissions import require_role

from ..models import (
    Meeting,
    MeetingKind,
    Paper,
    ProposedSlot,
    SessionRequest,
    SessionRequestStatus,
    SessionRequestTransition,
    Urgency,
    Venue,
)
from .scheduling import meeting_create

Status = SessionRequestStatus

# The workflow. Each allowed move names the roles that may make it; any other move is refused.
# Withdrawal is further limited to the requester (see ``_may_act``): the requesting member's delegation,
# or the chair's office for a request made on behalf of the Secretary General.
ALLOWED_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (Status.SUBMITTED, Status.CONVENED): frozenset({Role.CHAIR, Role.SECRETARIAT}),
    (Status.SUBMITTED, Status.DECLINED): frozenset({Role.CHAIR}),
    (Status.SUBMITTED, Status.WITHDRAWN): frozenset({Role.DELEGATION, Role.CHAIR}),
}
REQUESTER_ONLY = frozenset({Status.WITHDRAWN})

MAX_PROPOSED_SLOTS = 10
MAX_PAPERS = 10
# Papers for a request: what the Council's registry accepts, checked by extension and by the file's first bytes.
PAPER_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".txt": ("text/plain", ()),
}


@dataclass(frozen=True)
class SlotInput:
    starts_at: dt.datetime
    ends_at: dt.datetime


SECRETARY_GENERAL = gettext_noop("NATO Secretary General")


def requester_label(request: SessionRequest) -> str:
    return request.on_behalf_of.name if request.on_behalf_of_id else _(SECRETARY_GENERAL)


def _is_requester(request: SessionRequest, user) -> bool:
    if request.on_behalf_of_id is None:
        return user.role == Role.CHAIR
    return user.role == Role.DELEGATION and user.member_id == request.on_behalf_of_id


def _may_act(request: SessionRequest, user, to_status: str) -> bool:
    roles = ALLOWED_TRANSITIONS.get((request.status, to_status))
    if not roles or not (user and user.is_authenticated and user.role in roles):
        return False
    return not (to_status in REQUESTER_ONLY and not _is_requester(request, user))


def session_request_allowed_actions(*, request: SessionRequest, user) -> list[str]:
    """The moves ``user`` may make on ``request`` now (``convened``, ``declined``, ``withdrawn``). No query."""
    return [to for (frm, to) in ALLOWED_TRANSITIONS if frm == request.status and _may_act(request, user, to)]


def _role_may_ever(user, to_status: str) -> bool:
    return any(user.role in roles for (_frm, to), roles in ALLOWED_TRANSITIONS.items() if to == to_status)


def session_request_may_ever(*, request: SessionRequest, user, to_status: str) -> bool:
    """Whether ``user`` could make this move at all (its role is in the table, and it is the requester where
    that is required), whatever the request's present status."""
    if not (user and user.is_authenticated and _role_may_ever(user, to_status)):
        return False
    return not (to_status in REQUESTER_ONLY and not _is_requester(request, user))


def _transition_check(locked: SessionRequest, to_status: str, acting_user) -> None:
    """Refuse a move the table does not allow: 403 for a role (or a non-requester) that may never make it,
    409 for a move the request's present status no longer allows."""
    if not session_request_may_ever(request=locked, user=acting_user, to_status=to_status):
        if to_status in REQUESTER_ONLY:
            raise PermissionDenied(_("Only the requester may withdraw a request."))
        raise PermissionDenied(_("Your role may not do this."))
    if not _may_act(locked, acting_user, to_status):
        raise Conflict(
            {
                "status": _("This request is %(status)s; it can no longer be %(action)s.")
                % {"status": locked.get_status_display().lower(), "action": Status(to_status).label.lower()}
            }
        )


def _lock(request: SessionRequest) -> SessionRequest:
    return (
        SessionRequest.objects.select_for_update(of=("self",)).select_related("body", "on_behalf_of").get(pk=request.pk)
    )


def _transition(
    *, locked: SessionRequest, to_status: str, acting_user, note: str = "", **changes
) -> SessionRequestTransition:
    """Apply a checked move to a locked request, record it with its actor and time, and audit it."""
    _transition_check(locked, to_status, acting_user)
    before = snapshot(locked)
    from_status = locked.status
    locked.status = to_status
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.save(update_fields=["status", *changes.keys()])
    transition = SessionRequestTransition.objects.create(
        request=locked, from_status=from_status, to_status=to_status, actor=acting_user, at=timezone.now(), note=note
    )
    audit_record(
        actor=acting_user, action=f"session_request.{to_status}", obj=locked, before=before, after=snapshot(locked)
    )
    return transition


def _check_slots(slots: Sequence[SlotInput], now: dt.datetime) -> None:
    if not slots:
        raise ValidationError({"proposed_slots": _("Propose at least one date or window.")})
    if len(slots) > MAX_PROPOSED_SLOTS:
        raise ValidationError({"proposed_slots": _("Propose at most %(n)d dates.") % {"n": MAX_PROPOSED_SLOTS}})
    for slot in slots:
        if timezone.is_naive(slot.starts_at) or timezone.is_naive(slot.ends_at):
            raise ValidationError({"proposed_slots": _("Times must carry a time zone.")})
        if slot.starts_at < now:
            raise ValidationError({"proposed_slots": _("A proposed date cannot be in the past.")})
        if slot.ends_at <= slot.starts_at:
            raise ValidationError({"proposed_slots": _("A proposed window must end after it starts.")})


def paper_file_check(upload) -> str:
    """Refuse a paper that is empty, too large or of a type the registry does not accept; return its type."""
    name = os.path.basename(getattr(upload, "name", "") or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in PAPER_TYPES:
        raise ValidationError(
            {"papers": _("%(name)s: only PDF, DOCX, ODT or plain-text papers are accepted.") % {"name": name}}
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"papers": _("%(name)s is empty.") % {"name": name}})
    if size > settings.PAPER_MAX_BYTES:
        raise ValidationError(
            {
                "papers": _("%(name)s is larger than %(limit)d MB.")
                % {"name": name, "limit": settings.PAPER_MAX_BYTES // (1024 * 1024)}
            }
        )
    content_type, magics = PAPER_TYPES[extension]
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if magics and not any(head.startswith(m) for m in magics):
        raise ValidationError({"papers": _("%(name)s is not a valid %(ext)s file.") % {"name": name, "ext": extension}})
    if not magics and b"\x00" in head:
        raise ValidationError({"papers": _("%(name)s is not a plain-text file.") % {"name": name}})
    return content_type


def _paper_save(*, request: SessionRequest, upload, title: str, acting_user, number: int) -> Paper:
    content_type = paper_file_check(upload)
    year = timezone.localdate(request.submitted_at).year
    paper = Paper(
        body=request.body,
        year=year,
        reference=f"{request.body.code}/ESR({year})/{request.pk:04d}-{number}",
        title=(title or os.path.splitext(os.path.basename(upload.name))[0])[:300],
        session_request=request,
        content_type=content_type,
        size=upload.size,
        uploaded_by=acting_user,
        uploaded_at=timezone.now(),
    )
    paper.file.save(os.path.basename(upload.name), upload, save=False)
    paper.save()
    audit_record(actor=acting_user, action="paper.create", obj=paper, after=snapshot(paper))
    return paper


def _recipients() -> Iterable[User]:
    """Every delegation user and the secretariat (and the chair's office, who decides)."""
    return User.objects.filter(is_active=True, role__in=[Role.DELEGATION, Role.SECRETARIAT, Role.CHAIR]).order_by("pk")


def _announce(request: SessionRequest, template: str, **extra) -> None:
    """Queue the notice for every recipient. The context is language-neutral (codes, English names, ISO times):
    each email is rendered in its recipient's language."""
    context = {
        "request_id": request.pk,
        "body_code": request.body.code,
        "body_name": request.body.name_en,
        "requester": request.on_behalf_of.name_en if request.on_behalf_of_id else SECRETARY_GENERAL,
        "urgency": request.urgency,
        "status": request.status,
        "grounds": request.grounds,
        "url": reverse("meetings:request_detail", args=[request.pk]),
        **extra,
    }
    extra_emails = [settings.SECRETARIAT_EMAIL] if getattr(settings, "SECRETARIAT_EMAIL", "") else []
    notify(users=_recipients(), template=template, context=context, extra_emails=extra_emails)


def _body_check(body: Body, acting_user, today: dt.date) -> None:
    if not body.allows_extraordinary:
        raise ValidationError({"body": _("%(body)s does not hold extraordinary sessions.") % {"body": body.code}})
    if not body.exists_on(today):
        raise ValidationError({"body": _("%(body)s no longer exists.") % {"body": body.code}})
    if not bodies_visible_to(acting_user).filter(pk=body.pk).exists():
        raise ValidationError({"body": _("Your member does not sit in %(body)s.") % {"body": body.code}})


@transaction.atomic
def session_request_submit(
    *,
    body: Body,
    grounds: str,
    slots: Sequence[SlotInput],
    acting_user,
    on_behalf_of: Member | None = None,
    urgency: str = Urgency.ROUTINE,
    papers: Sequence = (),
) -> SessionRequest:
    """Request an extraordinary session: a delegation for its own member, the chair's office for the
    Secretary General. The request is saved and announced even when the broker is down (outbox)."""
    require_role(acting_user, Role.DELEGATION, Role.CHAIR)
    if acting_user.role == Role.DELEGATION:
        on_behalf_of = on_behalf_of or acting_user.member
        if on_behalf_of.pk != acting_user.member_id:
            raise ValidationError({"on_behalf_of": _("A delegation may only ask on behalf of its own member.")})
    elif on_behalf_of is not None:
        raise ValidationError(
            {"on_behalf_of": _("The chair's office asks on behalf of the Secretary General: leave this empty.")}
        )
    now = timezone.now()
    _body_check(body, acting_user, timezone.localdate(now))
    grounds = (grounds or "").strip()
    if not grounds:
        raise ValidationError({"grounds": _("State the grounds for the request.")})
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Choose a valid urgency.")})
    _check_slots(slots, now)
    if len(papers) > MAX_PAPERS:
        raise ValidationError({"papers": _("Attach at most %(n)d papers.") % {"n": MAX_PAPERS}})
    for upload in papers:
        paper_file_check(upload)

    request = SessionRequest.objects.create(
        body=body,
        requested_by=acting_user,
        on_behalf_of=on_behalf_of,
        grounds=grounds,
        urgency=urgency,
        status=Status.SUBMITTED,
        submitted_at=now,
    )
    ProposedSlot.objects.bulk_create(
        [ProposedSlot(request=request, starts_at=s.starts_at, ends_at=s.ends_at) for s in slots]
    )
    SessionRequestTransition.objects.create(
        request=request, from_status="", to_status=Status.SUBMITTED, actor=acting_user, at=now
    )
    audit_record(
        actor=acting_user,
        action="session_request.submit",
        obj=request,
        after={
            **snapshot(request),
            "proposed_slots": [[s.starts_at.isoformat(), s.ends_at.isoformat()] for s in slots],
        },
    )
    for number, upload in enumerate(papers, start=1):
        _paper_save(request=request, upload=upload, title="", acting_user=acting_user, number=number)
    _announce(
        request,
        "session_request_submitted",
        proposed=[_slot_text(s.starts_at, s.ends_at) for s in slots],
    )
    return request


def _slot_text(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    zone = timezone.get_default_timezone()
    start, end = timezone.localtime(starts_at, zone), timezone.localtime(ends_at, zone)
    end_format = "%H:%M" if start.date() == end.date() else "%Y-%m-%d %H:%M"
    return f"{start:%Y-%m-%d %H:%M}–{end.strftime(end_format)} ({settings.COUNCIL_TIME_ZONE})"


@transaction.atomic
def session_request_paper_add(*, request: SessionRequest, upload, acting_user, title: str = "") -> Paper:
    """Add a paper to a pending request (the requester only)."""
    locked = _lock(request)
    if not _is_requester(locked, acting_user):
        raise PermissionDenied(_("Only the requester may add papers to a request."))
    if locked.status != Status.SUBMITTED:
        raise Conflict({"status": _("Papers can only be added while the request awaits a decision.")})
    count = locked.papers.count()
    if count >= MAX_PAPERS:
        raise ValidationError({"papers": _("Attach at most %(n)d papers.") % {"n": MAX_PAPERS}})
    return _paper_save(request=locked, upload=upload, title=title, acting_user=acting_user, number=count + 1)


@transaction.atomic
def session_request_convene(
    *,
    request: SessionRequest,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    acting_user,
    venue: Venue | None = None,
    title: str = "",
    note: str = "",
) -> Meeting:
    """Convene the session: create the extraordinary meeting (it shows in the calendar and counts for
    cadence) and link it to the request."""
    locked = _lock(request)
    # Check the move first, so that a refused one creates no meeting.
    _transition_check(locked, Status.CONVENED, acting_user)
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValidationError({"starts_at": _("Times must carry a time zone.")})
    if starts_at < timezone.now():
        raise ValidationError({"starts_at": _("The session cannot start in the past.")})
    meeting = meeting_create(
        body=locked.body,
        title=(title or "").strip()
        or _("Extraordinary session requested by %(requester)s") % {"requester": requester_label(locked)},
        starts_at=starts_at,
        ends_at=ends_at,
        acting_user=acting_user,
        kind=MeetingKind.EXTRAORDINARY,
        venue=venue,
        notes=locked.grounds,
    )
    _transition(
        locked=locked,
        to_status=Status.CONVENED,
        acting_user=acting_user,
        note=(note or "").strip(),
        meeting=meeting,
        decided_at=timezone.now(),
        decided_by=acting_user,
    )
    request.refresh_from_db()
    _announce(
        locked,
        "session_request_convened",
        meeting_id=meeting.pk,
        meeting_title=meeting.title,
        starts_at=meeting.starts_at.isoformat(),
        when=_slot_text(meeting.starts_at, meeting.ends_at),
        venue=venue.name if venue else "",
    )
    return meeting


@transaction.atomic
def session_request_decline(*, request: SessionRequest, reasons: str, acting_user) -> SessionRequest:
    """Decline the request, with reasons (the chair's office)."""
    locked = _lock(request)
    _transition_check(locked, Status.DECLINED, acting_user)
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("Give the reasons for declining.")})
    _transition(
        locked=locked,
        to_status=Status.DECLINED,
        acting_user=acting_user,
        note=reasons,
        decision_reason=reasons,
        decided_at=timezone.now(),
        decided_by=acting_user,
    )
    request.refresh_from_db()
    _announce(locked, "session_request_declined", reasons=reasons)
    return request


@transaction.atomic
def session_request_withdraw(*, request: SessionRequest, acting_user, note: str = "") -> SessionRequest:
    """Withdraw the request before a decision (the requester only)."""
    locked = _lock(request)
    note = (note or "").strip()
    _transition(locked=locked, to_status=Status.WITHDRAWN, acting_user=acting_user, note=note)
    request.refresh_from_db()
    _announce(locked, "session_request_withdrawn", note=note)
    return request


@transaction.atomic
def body_allow_extraordinary(*, body: Body, allowed: bool, acting_user) -> Body:
    """Allow (or stop allowing) extraordinary sessions of a body: the secretariat's setting."""
    require_role(acting_user, Role.SECRETARIAT)
    locked = Body.objects.select_for_update().get(pk=body.pk)
    if locked.allows_extraordinary == allowed:
        return locked
    before = snapshot(locked, ["allows_extraordinary"])
    locked.allows_extraordinary = allowed
    locked.save(update_fields=["allows_extraordinary"])
    audit_record(
        actor=acting_user,
        action="body.allow_extraordinary",
        obj=locked,
        before=before,
        after=snapshot(locked, ["allows_extraordinary"]),
    )
    body.allows_extraordinary = allowed
    return locked
