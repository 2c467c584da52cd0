"""Writes: joint decisions, silence procedures, reservations and implementation issues. Every function is
keyword-only, takes the acting user, runs in one transaction and records the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Body, Member, Role, User
from cooperation.models import CooperationArea
from nrc.audit import audit_record, snapshot
from nrc.errors import Conflict, PermissionDenied, ValidationError
from nrc.notifications import notify
from nrc.permissions import require_role

from ..models import (
    AgendaItem,
    DecisionMethod,
    DecisionStatus,
    ImplementationIssue,
    IssueAnswer,
    IssueStatus,
    JointDecision,
    Meeting,
    MeetingStatus,
    Reservation,
    SilenceBreak,
)

# Allowed status changes. Anything else is refused with a clear error.
DECISION_TRANSITIONS: dict[str, set[str]] = {
    DecisionStatus.CIRCULATED: {DecisionStatus.ADOPTED, DecisionStatus.SILENCE_BROKEN},
    DecisionStatus.ADOPTED: set(),
    DecisionStatus.SILENCE_BROKEN: set(),
}
ISSUE_TRANSITIONS: dict[str, set[str]] = {
    IssueStatus.OPEN: {IssueStatus.UNDER_DISCUSSION, IssueStatus.RESOLVED},
    IssueStatus.UNDER_DISCUSSION: {IssueStatus.RESOLVED},
    IssueStatus.RESOLVED: {IssueStatus.UNDER_DISCUSSION},  # reopened when the issue comes back
}


def _decision_transition(decision: JointDecision, to_status: str) -> None:
    if to_status not in DECISION_TRANSITIONS[decision.status]:
        raise Conflict(
            {
                "status": _("A decision that is “%(from)s” cannot become “%(to)s”.")
                % {"from": decision.get_status_display(), "to": DecisionStatus(to_status).label}
            }
        )
    decision.status = to_status


def _issue_transition(issue: ImplementationIssue, to_status: str) -> None:
    if to_status not in ISSUE_TRANSITIONS[issue.status]:
        raise Conflict(
            {
                "status": _("An issue that is “%(from)s” cannot become “%(to)s”.")
                % {"from": issue.get_status_display(), "to": IssueStatus(to_status).label}
            }
        )
    issue.status = to_status


def _decision_after(decision: JointDecision) -> dict:
    data = snapshot(decision)
    data["areas"] = sorted(decision.areas.values_list("code", flat=True))
    return data


def _delegates():
    return User.objects.filter(role=Role.DELEGATION, is_active=True)


def _secretariat():
    return User.objects.filter(role=Role.SECRETARIAT, is_active=True)


def _decision_context(decision: JointDecision) -> dict:
    return {
        "decision_id": decision.pk,
        "reference": decision.reference,
        "title": decision.title,
        "status": decision.status,
        "deadline": decision.silence_deadline.isoformat() if decision.silence_deadline else "",
    }


@transaction.atomic
def decision_record(
    *,
    meeting: Meeting,
    reference: str,
    title: str,
    text: str,
    acting_user,
    areas: Iterable[CooperationArea] = (),
    method: str = DecisionMethod.CONSENSUS,
    silence_deadline: dt.datetime | None = None,
    establishes: Iterable[Body] = (),
    now: dt.datetime | None = None,
) -> JointDecision:
    """Record a joint decision taken at a held meeting: adopted by consensus there, or circulated under a
    silence procedure that ends at ``silence_deadline``."""
    require_role(acting_user, Role.SECRETARIAT)
    now = now or timezone.now()
    reference = reference.strip()
    errors: dict[str, str] = {}
    if meeting.status != MeetingStatus.HELD:
        errors["meeting"] = _("Decisions are recorded at a meeting that was held.")
    if not reference:
        errors["reference"] = _("A reference is required.")
    elif JointDecision.objects.filter(reference=reference).exists():
        errors["reference"] = _("The reference %(reference)s is already taken.") % {"reference": reference}
    if not title.strip():
        errors["title"] = _("A title is required.")
    if not text.strip():
        errors["text"] = _("The text of the decision is required.")
    if method not in DecisionMethod.values:
        errors["method"] = _("Choose consensus or silence procedure.")
    elif method == DecisionMethod.SILENCE:
        if silence_deadline is None:
            errors["silence_deadline"] = _("A silence procedure needs a deadline.")
        elif timezone.is_naive(silence_deadline):
            errors["silence_deadline"] = _("The deadline must carry a time zone.")
        elif silence_deadline <= now:
            errors["silence_deadline"] = _("The deadline must be in the future.")
    elif silence_deadline is not None:
        errors["silence_deadline"] = _("Only a silence procedure has a deadline.")
    if errors:
        raise ValidationError(errors)
    decision = JointDecision(
        meeting=meeting,
        reference=reference,
        title=title.strip(),
        text=text.strip(),
        method=method,
        recorded_by=acting_user,
        recorded_at=now,
    )
    if method == DecisionMethod.SILENCE:
        decision.status = DecisionStatus.CIRCULATED
        decision.silence_deadline = silence_deadline
    else:
        decision.status = DecisionStatus.ADOPTED
        decision.adopted_at = min(meeting.ends_at, now)
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError as exc:  # two secretaries recording the same reference at once
        raise Conflict(
            {"reference": _("The reference %(reference)s is already taken.") % {"reference": reference}}
        ) from exc
    decision.areas.set(list(areas))
    if establishes:
        decision.establishes.set(list(establishes))
    audit_record(actor=acting_user, action="decision.record", obj=decision, after=_decision_after(decision))
    if method == DecisionMethod.SILENCE:
        notify(users=_delegates(), template="decision_circulated", context=_decision_context(decision))
    return decision


@transaction.atomic
def silence_break(
    *, decision: JointDecision, member: Member, statement: str, acting_user, now: dt.datetime | None = None
) -> SilenceBreak:
    """A delegation breaks silence on behalf of its own member, before the deadline."""
    require_role(acting_user, Role.DELEGATION)
    if member.pk != acting_user.member_id:
        raise PermissionDenied(_("A delegation speaks only for its own member."))
    now = now or timezone.now()
    decision = JointDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.method != DecisionMethod.SILENCE:
        raise ValidationError({"decision": _("This decision was not circulated under a silence procedure.")})
    if decision.silence_deadline is not None and now >= decision.silence_deadline:
        raise ValidationError(
            {
                "silence_deadline": _("The silence procedure ended on %(deadline)s: silence can no longer be broken.")
                % {"deadline": timezone.localtime(decision.silence_deadline).strftime("%Y-%m-%d %H:%M")}
            }
        )
    if not statement.strip():
        raise ValidationError({"statement": _("Say why silence is broken.")})
    if decision.status == DecisionStatus.SILENCE_BROKEN and decision.silence_breaks.filter(member=member).exists():
        raise Conflict({"decision": _("Your delegation already broke silence on this decision.")})
    before = snapshot(decision)
    if decision.status != DecisionStatus.SILENCE_BROKEN:
        _decision_transition(decision, DecisionStatus.SILENCE_BROKEN)
        decision.save(update_fields=["status"])
    brk = SilenceBreak.objects.create(
        decision=decision, member=member, statement=statement.strip(), broken_by=acting_user, broken_at=now
    )
    audit_record(
        actor=acting_user, action="decision.silence_break", obj=decision, before=before, after=snapshot(decision)
    )
    context = _decision_context(decision) | {"member": member.name_en}
    notify(users=_secretariat(), template="decision_silence_broken", context=context)
    return brk


@transaction.atomic
def silence_procedure_close(*, decision_id: int, now: dt.datetime | None = None) -> bool:
    """Adopt one decision whose silence procedure ended unbroken. Returns False when there is nothing to do
    (already closed, broken, or not yet at its deadline), so running it twice changes nothing."""
    now = now or timezone.now()
    decision = (
        JointDecision.objects.select_for_update()
        .filter(pk=decision_id, status=DecisionStatus.CIRCULATED, silence_deadline__lte=now)
        .first()
    )
    if decision is None:
        return False
    before = snapshot(decision)
    _decision_transition(decision, DecisionStatus.ADOPTED)
    decision.adopted_at = decision.silence_deadline
    decision.save(update_fields=["status", "adopted_at"])
    audit_record(actor=None, action="decision.adopt_by_silence", obj=decision, before=before, after=snapshot(decision))
    notify(users=_delegates(), template="decision_adopted", context=_decision_context(decision))
    return True


def silence_procedures_due(*, now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        JointDecision.objects.filter(status=DecisionStatus.CIRCULATED, silence_deadline__lte=now)
        .order_by("silence_deadline", "pk")
        .values_list("pk", flat=True)
    )


def silence_procedures_close(*, now: dt.datetime | None = None) -> int:
    """Adopt every decision whose silence procedure has ended unbroken; each in its own transaction."""
    return sum(silence_procedure_close(decision_id=pk, now=now) for pk in silence_procedures_due(now=now))


@transaction.atomic
def reservation_enter(*, decision: JointDecision, member: Member, text: str, acting_user) -> Reservation:
    """A delegation enters its member's reservation on a decision (once per member)."""
    require_role(acting_user, Role.DELEGATION)
    if member.pk != acting_user.member_id:
        raise PermissionDenied(_("A delegation speaks only for its own member."))
    if decision.status == DecisionStatus.SILENCE_BROKEN:
        raise ValidationError({"decision": _("Silence was broken: this decision was not adopted.")})
    if not text.strip():
        raise ValidationError({"text": _("The text of the reservation is required.")})
    if Reservation.objects.filter(decision=decision, member=member).exists():
        raise Conflict({"text": _("Your delegation already entered a reservation on this decision.")})
    try:
        with transaction.atomic():
            reservation = Reservation.objects.create(
                decision=decision, member=member, text=text.strip(), entered_by=acting_user
            )
    except IntegrityError as exc:
        raise Conflict({"text": _("Your delegation already entered a reservation on this decision.")}) from exc
    audit_record(actor=acting_user, action="decision.reservation", obj=reservation, after=snapshot(reservation))
    return reservation


@transaction.atomic
def issue_raise(
    *, decision: JointDecision, member: Member, title: str, description: str, acting_user
) -> ImplementationIssue:
    """A delegation raises an issue about the implementation of an adopted decision, for its own member."""
    require_role(acting_user, Role.DELEGATION)
    if member.pk != acting_user.member_id:
        raise PermissionDenied(_("A delegation raises issues only on behalf of its own member."))
    errors: dict[str, str] = {}
    if decision.status != DecisionStatus.ADOPTED:
        errors["decision"] = _("Issues are raised on the implementation of adopted decisions.")
    if not title.strip():
        errors["title"] = _("A title is required.")
    if not description.strip():
        errors["description"] = _("Describe the issue.")
    if errors:
        raise ValidationError(errors)
    issue = ImplementationIssue.objects.create(
        decision=decision, member=member, raised_by=acting_user, title=title.strip(), description=description.strip()
    )
    audit_record(actor=acting_user, action="issue.raise", obj=issue, after=snapshot(issue))
    notify(
        users=_secretariat(),
        template="decision_issue_raised",
        context={"issue_id": issue.pk, "title": issue.title, "member": member.name_en, "reference": decision.reference},
    )
    return issue


@transaction.atomic
def issue_answer(*, issue: ImplementationIssue, text: str, acting_user, status: str | None = None) -> IssueAnswer:
    """The secretariat answers an issue, optionally moving it on (open → under discussion → resolved)."""
    require_role(acting_user, Role.SECRETARIAT)
    issue = ImplementationIssue.objects.select_for_update().get(pk=issue.pk)
    if not text.strip():
        raise ValidationError({"text": _("The answer is required.")})
    before = snapshot(issue)
    if status and status != issue.status:
        if status not in IssueStatus.values:
            raise ValidationError({"status": _("Unknown status.")})
        _issue_transition(issue, status)
        issue.save(update_fields=["status"])
    answer = IssueAnswer.objects.create(issue=issue, author=acting_user, text=text.strip())
    audit_record(
        actor=acting_user,
        action="issue.answer",
        obj=issue,
        before=before,
        after=snapshot(issue) | {"answer": answer.text},
    )
    notify(
        users=User.objects.filter(role=Role.DELEGATION, member_id=issue.member_id, is_active=True),
        template="decision_issue_answered",
        context={"issue_id": issue.pk, "title": issue.title, "status": issue.status},
    )
    return answer


@transaction.atomic
def issue_status_change(*, issue: ImplementationIssue, status: str, acting_user) -> ImplementationIssue:
    require_role(acting_user, Role.SECRETARIAT)
    issue = ImplementationIssue.objects.select_for_update().get(pk=issue.pk)
    if status not in IssueStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    before = snapshot(issue)
    _issue_transition(issue, status)
    issue.save(update_fields=["status"])
    audit_record(actor=acting_user, action="issue.status", obj=issue, before=before, after=snapshot(issue))
    return issue


@transaction.atomic
def issue_put_on_agenda(
    *, issue: ImplementationIssue, meeting: Meeting, acting_user, now: dt.datetime | None = None
) -> AgendaItem:
    """Put an issue on a later meeting's agenda: a new last agenda item linked to the issue. An open issue
    is then under discussion."""
    require_role(acting_user, Role.SECRETARIAT)
    now = now or timezone.now()
    meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
    issue = ImplementationIssue.objects.select_for_update().select_related("decision__meeting").get(pk=issue.pk)
    if meeting.status != MeetingStatus.SCHEDULED or meeting.starts_at <= now:
        raise ValidationError({"meeting": _("Choose a scheduled meeting that is still to come.")})
    if meeting.starts_at <= issue.decision.meeting.starts_at:
        raise ValidationError({"meeting": _("Choose a meeting after the one that took the decision.")})
    if issue.status == IssueStatus.RESOLVED:
        raise Conflict({"issue": _("This issue is resolved.")})
    if AgendaItem.objects.filter(meeting=meeting, implementation_issue=issue).exists():
        raise Conflict({"meeting": _("This issue is already on that meeting's agenda.")})
    before = snapshot(issue)
    position = (AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("position"))["m"] or 0) + 1
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=position,
        title=(_("Implementation issue: %(title)s") % {"title": issue.title})[:300],
        description=f"{issue.decision.reference}: {issue.description}",
        area=issue.decision.areas.order_by("position").first(),
        implementation_issue=issue,
    )
    if issue.status == IssueStatus.OPEN:
        _issue_transition(issue, IssueStatus.UNDER_DISCUSSION)
        issue.save(update_fields=["status"])
    audit_record(actor=acting_user, action="agenda_item.create", obj=item, after=snapshot(item))
    audit_record(actor=acting_user, action="issue.put_on_agenda", obj=issue, before=before, after=snapshot(issue))
    notify(
        users=User.objects.filter(role=Role.DELEGATION, member_id=issue.member_id, is_active=True),
        template="decision_issue_on_agenda",
        context={
            "issue_id": issue.pk,
            "title": issue.title,
            "meeting": f"{meeting.body.code} {meeting.title}",
            "starts_at": meeting.starts_at.isoformat(),
        },
    )
    return item
