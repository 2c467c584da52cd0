"""Every write of the compliance app: waivers, flags, issued reports, exports."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass, field
from functools import partial

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Body, CadenceRule, Role
from nrc.audit import audit_record, snapshot
from nrc.errors import Conflict, ValidationError
from nrc.notifications import notify
from nrc.permissions import require_role

from . import cells
from .evaluation import COUNCIL_ESTABLISHED, FLAGGED_VERDICTS, cadence_evaluate
from .models import (
    Flag,
    FlagEvent,
    FlagEventKind,
    FlagState,
    IssuedReport,
    Waiver,
    WaiverKind,
    WaiverStatus,
)
from .selectors import GridParams, cadence_grid, canonical_json, content_sha256, grid_content

logger = logging.getLogger(__name__)
_FLAGS_LOCK_KEY = 7_310_005  # pg_advisory_xact_lock key of the flag refresh

# Waivers: (from, to) -> the role allowed to make the change.
WAIVER_TRANSITIONS = {
    (WaiverStatus.PROPOSED, WaiverStatus.APPROVED): Role.CHAIR,
    (WaiverStatus.PROPOSED, WaiverStatus.REJECTED): Role.CHAIR,
    (WaiverStatus.PROPOSED, WaiverStatus.WITHDRAWN): Role.SECRETARIAT,
}

# Flags: (from, to) -> who makes the change ("system" is the cadence job).
FLAG_TRANSITIONS = {
    (FlagState.OPEN, FlagState.ACKNOWLEDGED): (Role.SECRETARIAT, Role.CHAIR),
    (FlagState.OPEN, FlagState.RESOLVED): ("system",),
    (FlagState.ACKNOWLEDGED, FlagState.RESOLVED): ("system",),
    (FlagState.RESOLVED, FlagState.OPEN): ("system",),
}

SUSPENSION_2014_KEY = "suspension-2014-04-01"
# Dialogue was kept at ambassadorial level and above: these bodies are not covered.
SUSPENSION_2014_EXEMPT = ("NRC-HSG", "NRC-FM", "NRC-DM", "NRC-AMB")


# Waivers ---------------------------------------------------------------------------------------------------


@transaction.atomic
def waiver_propose(
    *,
    bodies: list[Body],
    starts_on: dt.date,
    ends_on: dt.date | None,
    justification: str,
    acting_user,
    title: str = "",
    kind: str = WaiverKind.WAIVER,
) -> Waiver:
    require_role(acting_user, Role.SECRETARIAT)
    errors = {}
    if not bodies:
        errors["bodies"] = _("Choose at least one body.")
    if ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The waiver cannot end before it starts.")
    if starts_on < COUNCIL_ESTABLISHED:
        errors["starts_on"] = _("The Council was established on 28 May 2002.")
    if not justification.strip():
        errors["justification"] = _("Give the justification.")
    if kind not in WaiverKind.values:
        errors["kind"] = _("Unknown kind.")
    if errors:
        raise ValidationError(errors)
    waiver = Waiver.objects.create(
        kind=kind,
        title=title.strip()
        or _("Waiver for %(bodies)s from %(start)s")
        % {"bodies": ", ".join(b.code for b in bodies[:4]), "start": starts_on.isoformat()},
        starts_on=starts_on,
        ends_on=ends_on,
        justification=justification.strip(),
        proposed_by=acting_user,
    )
    waiver.bodies.set(bodies)
    audit_record(
        actor=acting_user,
        action="waiver.propose",
        obj=waiver,
        after={**snapshot(waiver), "bodies": sorted(b.code for b in bodies)},
    )
    chairs = get_user_model().objects.filter(role=Role.CHAIR, is_active=True)
    notify(
        users=chairs,
        template="cadence_waiver_proposed",
        context={"waiver_id": waiver.pk, "title": waiver.title, "starts_on": starts_on.isoformat()},
    )
    return waiver


def _waiver_transition(*, waiver: Waiver, to: str, acting_user, note: str = "") -> Waiver:
    with transaction.atomic():
        locked = Waiver.objects.select_for_update().get(pk=waiver.pk)
        role = WAIVER_TRANSITIONS.get((locked.status, to))
        if role is None:
            raise Conflict(
                {
                    "status": _("A waiver that is %(current)s cannot become %(new)s.")
                    % {"current": locked.get_status_display(), "new": WaiverStatus(to).label}
                }
            )
        require_role(acting_user, role)
        before = snapshot(locked)
        locked.status = to
        if to in (WaiverStatus.APPROVED, WaiverStatus.REJECTED):
            locked.decided_by = acting_user
            locked.decided_at = timezone.now()
            locked.decision_note = note.strip()
        locked.save()
        audit_record(actor=acting_user, action=f"waiver.{to}", obj=locked, before=before, after=snapshot(locked))
        if to == WaiverStatus.APPROVED:
            cells.waiver_approved(waiver=locked)
            # Verdicts change at once; the flags follow after commit (and at the next hourly run anyway).
            transaction.on_commit(partial(_queue_flags_refresh), robust=True)
        return locked


def _queue_flags_refresh() -> None:
    from .tasks import cadence_flags_refresh

    try:
        cadence_flags_refresh.delay()
    except Exception:  # the broker is down: the hourly beat runs it anyway
        logger.warning("cadence flag refresh not queued", exc_info=True)


def waiver_approve(*, waiver: Waiver, acting_user, note: str = "") -> Waiver:
    return _waiver_transition(waiver=waiver, to=WaiverStatus.APPROVED, acting_user=acting_user, note=note)


def waiver_reject(*, waiver: Waiver, acting_user, note: str = "") -> Waiver:
    if not note.strip():
        raise ValidationError({"note": _("Give the reason for the rejection.")})
    return _waiver_transition(waiver=waiver, to=WaiverStatus.REJECTED, acting_user=acting_user, note=note)


def waiver_withdraw(*, waiver: Waiver, acting_user) -> Waiver:
    return _waiver_transition(waiver=waiver, to=WaiverStatus.WITHDRAWN, acting_user=acting_user)


@transaction.atomic
def waiver_seed_reference(*, acting_user=None) -> int:
    """The suspension of practical co-operation of 1 April 2014, as an approved waiver covering every body
    below the ambassadorial level. Idempotent: returns 1 when it created the waiver, else 0. Called by
    ``load_reference`` (after the bodies exist) and by the demo data set."""
    if Waiver.objects.filter(reference_key=SUSPENSION_2014_KEY).exists():
        return 0
    bodies = list(Body.objects.exclude(code__in=SUSPENSION_2014_EXEMPT))
    if not bodies:
        return 0
    waiver = Waiver.objects.create(
        reference_key=SUSPENSION_2014_KEY,
        kind=WaiverKind.SUSPENSION,
        title="Suspension of practical co-operation (1 April 2014)",
        starts_on=dt.date(2014, 4, 1),
        ends_on=None,
        justification=(
            "NATO Foreign Ministers suspended all practical civilian and military co-operation between NATO "
            "and Russia, while keeping political dialogue in the NATO-Russia Council at ambassadorial level "
            "and above."
        ),
        authority="NATO Foreign Ministers, statement of 1 April 2014",
        status=WaiverStatus.APPROVED,
        proposed_at=dt.datetime(2014, 4, 1, 12, tzinfo=dt.UTC),
        decided_at=dt.datetime(2014, 4, 1, 12, tzinfo=dt.UTC),
    )
    waiver.bodies.set(bodies)
    cells.waiver_approved(waiver=waiver)
    audit_record(
        actor=acting_user,
        action="waiver.seed",
        obj=waiver,
        after={**snapshot(waiver), "bodies": sorted(b.code for b in bodies)},
    )
    return 1


# Flags -----------------------------------------------------------------------------------------------------


@dataclass
class RefreshReport:
    raised: int = 0
    reopened: int = 0
    changed: int = 0
    resolved: int = 0
    unchanged: int = 0
    new_flag_ids: list[int] = field(default_factory=list)

    @property
    def as_dict(self) -> dict:
        return {
            "raised": self.raised,
            "reopened": self.reopened,
            "changed": self.changed,
            "resolved": self.resolved,
            "unchanged": self.unchanged,
        }


def _lock_flags() -> None:
    """Serialise refreshes: a second worker waits, then finds nothing left to do."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_FLAGS_LOCK_KEY])


def _event(flag: Flag, kind: str, *, note: str = "", actor=None, at=None) -> FlagEvent:
    return FlagEvent(flag=flag, kind=kind, verdict=flag.verdict, held=flag.held, note=note, actor=actor, at=at)


@transaction.atomic
def cadence_flags_refresh(*, at: dt.datetime | None = None) -> RefreshReport:
    """Evaluate every rule up to ``at`` (default now) and upsert one flag per (rule, period) in breach or at
    risk; resolve the flags whose period no longer is; reopen a resolved flag that is raised again.

    Idempotent: with the same data a second run changes nothing (no row, no event, no email). Two runs at
    once are serialised by an advisory lock (PostgreSQL) and the database refuses a second flag for the same
    (rule, period) anyway.
    """
    at = at or timezone.now()
    _lock_flags()
    bodies = list(
        Body.objects.prefetch_related(
            Prefetch("cadence_rules", queryset=CadenceRule.objects.filter(min_meetings__gt=0).exclude(period=""))
        )
    )
    evaluation = cadence_evaluate(at=at, bodies=bodies, all_bodies=True)
    wanted = {(u.rule.pk, u.period.kind, u.period.start): u for u in evaluation.units if u.verdict in FLAGGED_VERDICTS}
    existing = {(f.rule_id, f.period, f.period_start): f for f in Flag.objects.select_for_update()}
    report = RefreshReport()
    now = timezone.now()
    events: list[FlagEvent] = []
    for key, unit in wanted.items():
        flag = existing.get(key)
        scheduled = unit.counts.unconfirmed + unit.counts.upcoming
        if flag is None:
            flag = Flag(
                rule=unit.rule,
                body_id=unit.body_id,
                period=unit.period.kind,
                period_start=unit.period.start,
                period_end=unit.period.last_day,
                verdict=unit.verdict,
                required=unit.required,
                held=unit.counts.held,
                scheduled=scheduled,
                raised_at=now,
                updated_at=now,
            )
            flag.save()
            events.append(_event(flag, FlagEventKind.RAISED, at=now))
            audit_record(actor=None, action="flag.raise", obj=flag, after=snapshot(flag))
            report.raised += 1
            report.new_flag_ids.append(flag.pk)
            continue
        changes = {
            "verdict": unit.verdict,
            "held": unit.counts.held,
            "scheduled": scheduled,
            "required": unit.required,
        }
        reopen = flag.state == FlagState.RESOLVED
        if not reopen and all(getattr(flag, k) == v for k, v in changes.items()):
            report.unchanged += 1
            continue
        before = snapshot(flag)
        verdict_changed = flag.verdict != unit.verdict
        for k, v in changes.items():
            setattr(flag, k, v)
        flag.updated_at = now
        if reopen:
            flag.state, flag.resolved_at = FlagState.OPEN, None
            events.append(_event(flag, FlagEventKind.REOPENED, at=now))
            report.reopened += 1
            report.new_flag_ids.append(flag.pk)
        else:
            report.changed += 1
            if verdict_changed:
                events.append(_event(flag, FlagEventKind.VERDICT_CHANGED, at=now))
        flag.save()
        audit_record(actor=None, action="flag.update", obj=flag, before=before, after=snapshot(flag))
    verdicts = {(u.rule.pk, u.period.kind, u.period.start): u for u in evaluation.units}
    for key, flag in existing.items():
        if key in wanted or flag.state == FlagState.RESOLVED:
            continue
        unit = verdicts.get(key)
        before = snapshot(flag)
        flag.state, flag.resolved_at, flag.updated_at = FlagState.RESOLVED, now, now
        if unit is not None:
            flag.verdict, flag.held = unit.verdict, unit.counts.held
            flag.scheduled = unit.counts.unconfirmed + unit.counts.upcoming
            note = _("The period is now %(verdict)s.") % {"verdict": unit.verdict}
        else:
            note = _("The rule no longer applies to this period.")
        flag.save()
        events.append(_event(flag, FlagEventKind.RESOLVED, note=note, at=now))
        audit_record(actor=None, action="flag.resolve", obj=flag, before=before, after=snapshot(flag))
        report.resolved += 1
    FlagEvent.objects.bulk_create(events)
    # The stored grid: rebuild what changed around the services, add the year that just closed.
    cells.cells_repair()
    if report.new_flag_ids:
        flags = Flag.objects.filter(pk__in=report.new_flag_ids).select_related("body").order_by("period_start")
        notify(
            users=get_user_model().objects.filter(role=Role.SECRETARIAT, is_active=True),
            template="cadence_flags",
            context={
                "count": len(report.new_flag_ids),
                "flags": [
                    {"body": f.body.code, "period": f.period_start.isoformat(), "kind": f.period, "verdict": f.verdict}
                    for f in flags[:50]
                ],
            },
        )
    return report


@transaction.atomic
def flag_acknowledge(*, flag: Flag, note: str, acting_user) -> Flag:
    require_role(acting_user, Role.SECRETARIAT, Role.CHAIR)
    if not note.strip():
        raise ValidationError({"note": _("Say what is being done about it.")})
    locked = Flag.objects.select_for_update().get(pk=flag.pk)
    if (locked.state, FlagState.ACKNOWLEDGED) not in FLAG_TRANSITIONS:
        raise Conflict(
            {"state": _("A flag that is %(state)s cannot be acknowledged.") % {"state": locked.get_state_display()}}
        )
    before = snapshot(locked)
    locked.state, locked.note, locked.updated_at = FlagState.ACKNOWLEDGED, note.strip(), timezone.now()
    locked.save()
    FlagEvent.objects.create(
        flag=locked,
        kind=FlagEventKind.ACKNOWLEDGED,
        verdict=locked.verdict,
        held=locked.held,
        note=locked.note,
        actor=acting_user,
    )
    audit_record(actor=acting_user, action="flag.acknowledge", obj=locked, before=before, after=snapshot(locked))
    return locked


@transaction.atomic
def cadence_cells_rebuild() -> int:
    """Recompute the whole stored compliance grid (``manage.py rebuild_cadence_cells``); returns the cells
    written. Serialised with the cadence job by the same lock."""
    _lock_flags()
    return cells.cells_rebuild()


# Issued reports --------------------------------------------------------------------------------------------


@transaction.atomic
def report_issue(*, params: GridParams, acting_user) -> IssuedReport:
    """Freeze a report: its parameters, evaluation time, content and the SHA-256 of the content."""
    require_role(acting_user, Role.AUDITOR, Role.SECRETARIAT, Role.CHAIR)
    if params.as_of is None:
        params = GridParams.build(
            date_from=params.date_from,
            date_to=params.date_to,
            granularity=params.granularity,
            body_codes=params.body_codes,
            at=timezone.now(),
        )
    content = grid_content(cadence_grid(user=acting_user, params=params))
    report = IssuedReport.objects.create(
        issued_by=acting_user,
        evaluated_at=params.at,
        parameters=params.to_json(),
        content=canonical_json(content),
        sha256=content_sha256(content),
    )
    audit_record(
        actor=acting_user,
        action="compliance_report.issue",
        obj=report,
        after={"parameters": report.parameters, "sha256": report.sha256},
    )
    return report


@dataclass
class Verification:
    stored_intact: bool
    reproduced: bool
    recomputed_sha256: str
    differences: list[str]

    @property
    def ok(self) -> bool:
        return self.stored_intact and self.reproduced


def report_verify(*, report: IssuedReport) -> Verification:
    """Check the stored content against its hash, then recompute the report with the same parameters and
    evaluation time (with the report's issuer's scope) and compare."""
    stored_intact = hashlib.sha256(report.content.encode()).hexdigest() == report.sha256
    params = GridParams.from_json(report.parameters)
    content = grid_content(cadence_grid(user=report.issued_by, params=params))
    recomputed = content_sha256(content)
    differences: list[str] = []
    if recomputed != report.sha256:
        stored = json.loads(report.content)
        old = {(r["body"], c["period"]): c for r in stored.get("rows", []) for c in r["cells"]}
        new = {(r["body"], c["period"]): c for r in content["rows"] for c in r["cells"]}
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                was = (old.get(key) or {}).get("verdict", "absent")
                now = (new.get(key) or {}).get("verdict", "absent")
                differences.append(f"{key[0]} {key[1]}: {was} → {now}")
    return Verification(stored_intact, recomputed == report.sha256, recomputed, differences)
