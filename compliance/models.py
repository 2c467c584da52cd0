"""Cadence compliance: waivers and suspensions, flags (with their history) and issued reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Body, CadenceRule, Period


class Verdict(models.TextChoices):
    """The verdict of one rule over one calendar period (see docs/design.md, "Cadence compliance")."""

    COMPLIANT = "compliant", _("compliant")
    BREACH = "breach", _("breach")
    UNCONFIRMED = "unconfirmed", _("unconfirmed")
    WAIVED = "waived", _("waived")
    NOT_APPLICABLE = "not_applicable", _("not applicable")
    ON_TRACK = "on_track", _("on track")
    PENDING = "pending", _("pending")
    AT_RISK = "at_risk", _("at risk")


class WaiverKind(models.TextChoices):
    WAIVER = "waiver", _("Waiver")
    SUSPENSION = "suspension", _("Suspension")


class WaiverStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Waiver(models.Model):
    """Relief from the cadence rules of some bodies over a date range: proposed by the secretariat,
    approved (or rejected) by the chair's office. Only approved waivers change verdicts."""

    kind = models.CharField(_("kind"), max_length=16, choices=WaiverKind.choices, default=WaiverKind.WAIVER)
    title = models.CharField(_("title"), max_length=200)
    bodies = models.ManyToManyField(Body, verbose_name=_("bodies covered"), related_name="waivers")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Last day covered; empty: open-ended."))
    justification = models.TextField(_("justification"))
    status = models.CharField(
        _("status"), max_length=16, choices=WaiverStatus.choices, default=WaiverStatus.PROPOSED, db_index=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    authority = models.CharField(
        _("authority"), max_length=200, blank=True, help_text=_("Who decided it, when it predates this system.")
    )
    reference_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("waiver")
        verbose_name_plural = _("waivers")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="waiver_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def covers(self, first_day, last_day) -> bool:
        """True when the waiver's range includes every day from ``first_day`` to ``last_day``."""
        return self.starts_on <= first_day and (self.ends_on is None or self.ends_on >= last_day)


class FlagState(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class Flag(models.Model):
    """One (rule, period) that is in breach or at risk. Kept after it resolves, with its history."""

    rule = models.ForeignKey(CadenceRule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="flags")
    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="cadence_flags")
    period = models.CharField(_("period"), max_length=16, choices=Period.choices)
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"), help_text=_("Last day of the period."))
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices)
    state = models.CharField(_("state"), max_length=16, choices=FlagState.choices, default=FlagState.OPEN)
    required = models.PositiveSmallIntegerField(_("required"))
    held = models.PositiveSmallIntegerField(_("held"))
    scheduled = models.PositiveSmallIntegerField(_("scheduled or unconfirmed"))
    note = models.TextField(_("acknowledgement note"), blank=True)
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "body__rank", "body__code"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(fields=["rule", "period", "period_start"], name="flag_unique_rule_period"),
        ]
        indexes = [models.Index(fields=["state", "period_start"])]

    def __str__(self) -> str:
        return f"{self.body.code} {self.period_start:%Y-%m} {self.get_verdict_display()}"


class FlagEventKind(models.TextChoices):
    RAISED = "raised", _("raised")
    VERDICT_CHANGED = "verdict_changed", _("verdict changed")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    RESOLVED = "resolved", _("resolved")
    REOPENED = "reopened", _("reopened")


class FlagEvent(models.Model):
    """The history of a flag: raised, acknowledged, resolved by new data, reopened."""

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=FlagEventKind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices)
    held = models.PositiveSmallIntegerField(_("held"), default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["flag", "at", "id"]
        verbose_name = _("flag event")
        verbose_name_plural = _("flag events")

    def __str__(self) -> str:
        return f"{self.flag_id} {self.kind}"


class IssuedReport(models.Model):
    """A compliance report frozen at issue: its parameters, evaluation time, content and SHA-256."""

    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    evaluated_at = models.DateTimeField(_("evaluated as of"))
    parameters = models.JSONField(_("parameters"))
    content = models.TextField(_("content (canonical JSON)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("issued report")
        verbose_name_plural = _("issued reports")

    def __str__(self) -> str:
        return f"#{self.pk} {self.issued_at:%Y-%m-%d %H:%M}"


class CadenceStamp(models.Model):
    """What the stored cells of a body were computed from: a fingerprint of its existence dates, cadence rules
    and approved waivers, and the calendar years stored. Cells whose body's inputs no longer match are not
    used (the grid evaluates that body live) until the hourly job rebuilds them."""

    body = models.OneToOneField(
        Body, primary_key=True, on_delete=models.CASCADE, related_name="cadence_stamp", verbose_name=_("body")
    )
    fingerprint = models.CharField(_("fingerprint"), max_length=32)
    first_year = models.PositiveSmallIntegerField(_("first year stored"))
    last_year = models.PositiveSmallIntegerField(_("last year stored"))
    built_at = models.DateTimeField(_("built"), default=timezone.now)

    class Meta:
        verbose_name = _("cadence stamp")
        verbose_name_plural = _("cadence stamps")

    def __str__(self) -> str:
        return f"{self.body_id} {self.first_year}-{self.last_year}"


class CadenceCell(models.Model):
    """One cell of the compliance grid over a closed calendar year, as the live evaluation gives it: the grid
    of granularity ``kind``, the column starting on ``period_start``. Kept in step by the meeting and waiver
    services, repaired by the hourly cadence job, rebuilt by ``manage.py rebuild_cadence_cells``."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="+", verbose_name=_("body"))
    kind = models.CharField(_("granularity"), max_length=16, choices=Period.choices)
    period_start = models.DateField(_("period starts"))
    verdict = models.CharField(_("verdict"), max_length=16)
    held = models.PositiveSmallIntegerField(_("held"))
    unconfirmed = models.PositiveSmallIntegerField(_("unconfirmed"))
    required = models.PositiveSmallIntegerField(_("required"), null=True)
    waiver = models.ForeignKey(Waiver, null=True, on_delete=models.SET_NULL, related_name="+")
    compliant = models.PositiveSmallIntegerField(_("compliant periods"))
    assessed = models.PositiveSmallIntegerField(_("assessed periods"))

    class Meta:
        verbose_name = _("cadence cell")
        verbose_name_plural = _("cadence cells")
        constraints = [
            models.UniqueConstraint(fields=["kind", "period_start", "body"], name="cadence_cell_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.body_id} {self.kind} {self.period_start}"
