"""Writes on committees and working groups. Every function is keyword-only, takes the acting user, runs in
one transaction and records the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from cooperation.models import CooperationArea
from nrc.audit import audit_record, snapshot
from nrc.errors import Conflict, ValidationError
from nrc.permissions import require_role

from .models import Basis, Body, BodyKind, CadenceRule, Member, Period, Role

GROUP_KINDS = (BodyKind.COMMITTEE, BodyKind.WORKING_GROUP, BodyKind.EXPERT_GROUP)


def _body_after(body: Body) -> dict:
    data = snapshot(body)
    data["areas"] = sorted(body.areas.values_list("code", flat=True))
    data["participants"] = sorted(body.participants.values_list("iso2", flat=True))
    data["established_by"] = sorted(body.established_by.values_list("reference", flat=True))
    return data


@transaction.atomic
def body_create(
    *,
    code: str,
    name_en: str,
    kind: str,
    parent: Body | None,
    basis: str,
    existed_from: dt.date,
    acting_user,
    existed_to: dt.date | None = None,
    mandate: str = "",
    name_fr: str = "",
    name_ru: str = "",
    chair: str = "",
    co_chair: str = "",
    areas: Iterable[CooperationArea] = (),
    participants: Iterable[Member] = (),
    cadence_min: int | None = None,
    cadence_period: str = "",
    established_by=None,
) -> Body:
    """Set up a committee or working group under a parent body that exists on ``existed_from``.

    Ad hoc groups need both a mandate and an end date; permanent ones may have neither end nor mandate.
    """
    from meetings.models import DecisionStatus

    require_role(acting_user, Role.SECRETARIAT)
    code = code.strip()
    errors: dict[str, str] = {}
    if not code:
        errors["code"] = _("A code is required.")
    elif Body.objects.filter(code=code).exists():
        errors["code"] = _("A body with the code %(code)s already exists.") % {"code": code}
    if not name_en.strip():
        errors["name_en"] = _("A name is required.")
    if kind not in GROUP_KINDS:
        errors["kind"] = _("Only committees, working groups and expert groups can be set up here.")
    if basis not in Basis.values:
        errors["basis"] = _("Choose permanent or ad hoc.")
    if parent is None:
        errors["parent"] = _("A committee or working group is set up under a parent body.")
    elif not parent.exists_on(existed_from):
        errors["parent"] = _("%(parent)s did not exist on %(day)s.") % {"parent": parent.code, "day": existed_from}
    if basis == Basis.AD_HOC:
        if not mandate.strip():
            errors["mandate"] = _("An ad hoc group needs a mandate.")
        if existed_to is None:
            errors["existed_to"] = _("An ad hoc group needs an end date.")
    if existed_to is not None and existed_to < existed_from:
        errors["existed_to"] = _("The end date must not be before the start date.")
    if parent is not None and existed_to is not None and parent.existed_to and existed_to > parent.existed_to:
        errors["existed_to"] = _("The group cannot outlast its parent body (until %(day)s).") % {
            "day": parent.existed_to
        }
    if cadence_min is not None:
        if cadence_min < 0:
            errors["cadence_min"] = _("The minimum number of meetings cannot be negative.")
        elif cadence_min > 0 and cadence_period not in Period.values:
            errors["cadence_period"] = _("Choose the period of the cadence rule.")
    if established_by is not None and established_by.status != DecisionStatus.ADOPTED:
        errors["established_by"] = _("Only an adopted decision can establish a body.")
    if errors:
        raise ValidationError(errors)

    body = Body(
        code=code,
        name_en=name_en.strip(),
        name_fr=name_fr.strip(),
        name_ru=name_ru.strip(),
        kind=kind,
        level="experts" if kind != BodyKind.COMMITTEE else "",
        rank=max(parent.rank + 1, 200),
        parent=parent,
        chair=chair.strip(),
        co_chair=co_chair.strip(),
        basis=basis,
        mandate=mandate.strip(),
        existed_from=existed_from,
        existed_to=existed_to,
    )
    body.full_clean()
    body.save()
    body.areas.set(list(areas))
    body.participants.set(list(participants))
    if established_by is not None:
        established_by.establishes.add(body)
    if cadence_min is not None:
        rule = CadenceRule.objects.create(
            body=body,
            min_meetings=cadence_min,
            period=cadence_period if cadence_min else "",
            effective_from=existed_from,
            effective_to=existed_to,
        )
        audit_record(actor=acting_user, action="cadence_rule.create", obj=rule, after=snapshot(rule))
    audit_record(actor=acting_user, action="body.create", obj=body, after=_body_after(body))
    return body


@transaction.atomic
def body_dissolve(*, body: Body, dissolved_on: dt.date, reason: str, acting_user) -> Body:
    """Dissolve a committee or working group: it exists until ``dissolved_on``; its cadence rules end then."""
    from meetings.models import Meeting, MeetingStatus

    require_role(acting_user, Role.SECRETARIAT)
    body = Body.objects.select_for_update().get(pk=body.pk)
    if body.kind not in GROUP_KINDS:
        raise ValidationError({"body": _("Only committees and working groups can be dissolved here.")})
    if body.dissolution_reason:
        raise Conflict({"dissolved_on": _("This body was already dissolved on %(day)s.") % {"day": body.existed_to}})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the dissolution.")})
    if dissolved_on < body.existed_from:
        raise ValidationError({"dissolved_on": _("The body did not exist yet on that date.")})
    if body.existed_to is not None and dissolved_on > body.existed_to:
        raise ValidationError(
            {"dissolved_on": _("The body's mandate already ended on %(day)s.") % {"day": body.existed_to}}
        )
    later = (
        Meeting.objects.filter(body=body, status=MeetingStatus.SCHEDULED, starts_at__date__gt=dissolved_on)
        .order_by("starts_at")
        .first()
    )
    if later is not None:
        raise Conflict(
            {
                "dissolved_on": _("A meeting is still scheduled after that date (%(day)s): cancel it first.")
                % {"day": later.starts_at.date()}
            }
        )
    before = snapshot(body)
    body.existed_to = dissolved_on
    body.dissolution_reason = reason.strip()
    body.save(update_fields=["existed_to", "dissolution_reason"])
    for rule in body.cadence_rules.select_for_update().order_by("effective_from"):
        if rule.effective_from > dissolved_on:
            continue  # a rule that never took effect stays as it was: its history is kept
        if rule.effective_to is None or rule.effective_to > dissolved_on:
            rule_before = snapshot(rule)
            rule.effective_to = dissolved_on
            rule.save(update_fields=["effective_to"])
            audit_record(
                actor=acting_user, action="cadence_rule.end", obj=rule, before=rule_before, after=snapshot(rule)
            )
    audit_record(actor=acting_user, action="body.dissolve", obj=body, before=before, after=snapshot(body))
    return body
