"""Members, the bodies that meet, their cadence rules, and the people who use the system."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cooperation.models import CooperationArea, TranslatedNameMixin
from nrc.choices import ChoiceDisplayMixin


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secretariat")
    CHAIR = "chair", _("Chair's office")
    DELEGATION = "delegation", _("Delegation")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


class MemberQuerySet(models.QuerySet):
    def active_on_q(self, day: dt.date, prefix: str = "") -> Q:
        return Q(**{f"{prefix}joined_on__lte": day}) & (
            Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": day})
        )

    def active_on(self, day: dt.date) -> MemberQuerySet:
        return self.filter(self.active_on_q(day))


class Member(TranslatedNameMixin, models.Model):
    """A state sitting in the Council: an Ally, or Russia."""

    iso2 = models.CharField(_("ISO 3166 alpha-2"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO 3166 alpha-3"), max_length=3, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    former_name = models.CharField(_("former name"), max_length=100, blank=True)
    joined_on = models.DateField(_("joined"))
    left_on = models.DateField(_("left"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gt=models.F("joined_on")),
                name="member_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person using the system, in exactly one role; a delegation user belongs to exactly one member."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.AUDITOR)
    member = models.ForeignKey(
        Member, verbose_name=_("member"), null=True, blank=True, on_delete=models.PROTECT, related_name="delegates"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Brussels")
    language = models.CharField(_("language"), max_length=8, default="en")
    followed_bodies = models.ManyToManyField(
        "committees.Body", verbose_name=_("followed bodies"), blank=True, related_name="followers"
    )
    calendar_token = models.CharField(_("calendar feed token"), max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="delegation") & Q(member__isnull=False))
                | (~Q(role="delegation") & Q(member__isnull=True)),
                name="user_member_iff_delegation",
            ),
        ]

    @property
    def is_secretariat(self) -> bool:
        return self.role == Role.SECRETARIAT

    @property
    def is_chair(self) -> bool:
        return self.role == Role.CHAIR

    @property
    def is_delegation(self) -> bool:
        return self.role == Role.DELEGATION

    @property
    def is_auditor(self) -> bool:
        return self.role == Role.AUDITOR

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR


class BodyKind(models.TextChoices):
    COUNCIL = "council", _("Council format")
    COMMITTEE = "committee", _("Committee")
    MILITARY = "military", _("Military format")
    WORKING_GROUP = "working_group", _("Working group")
    EXPERT_GROUP = "expert_group", _("Expert group")


class Basis(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    AD_HOC = "ad_hoc", _("Ad hoc")


class BodyQuerySet(models.QuerySet):
    def existing_on_q(self, day: dt.date, prefix: str = "") -> Q:
        return Q(**{f"{prefix}existed_from__lte": day}) & (
            Q(**{f"{prefix}existed_to__isnull": True}) | Q(**{f"{prefix}existed_to__gte": day})
        )

    def existing_on(self, day: dt.date) -> BodyQuerySet:
        return self.filter(self.existing_on_q(day))

    def working_groups(self) -> BodyQuerySet:
        return self.filter(kind__in=[BodyKind.WORKING_GROUP, BodyKind.COMMITTEE, BodyKind.EXPERT_GROUP])


class Body(ChoiceDisplayMixin, TranslatedNameMixin, models.Model):
    """Anything that meets: the Council at each level, its committees, military formats and working groups."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=BodyKind.choices)
    level = models.CharField(_("level"), max_length=120, blank=True)
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=100, help_text=_("Order of precedence: lower ranks are listed first.")
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent body"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    chair = models.CharField(_("chair"), max_length=200, blank=True)
    co_chair = models.CharField(_("co-chair"), max_length=200, blank=True)
    basis = models.CharField(_("basis"), max_length=16, choices=Basis.choices, default=Basis.PERMANENT)
    mandate = models.TextField(_("mandate"), blank=True)
    areas = models.ManyToManyField(
        CooperationArea, verbose_name=_("co-operation areas"), blank=True, related_name="bodies"
    )
    participants = models.ManyToManyField(
        Member,
        verbose_name=_("participating members"),
        blank=True,
        related_name="bodies",
        help_text=_("Leave empty when every member of the Council takes part."),
    )
    existed_from = models.DateField(_("existed from"))
    existed_to = models.DateField(_("existed to"), null=True, blank=True)
    dissolution_reason = models.TextField(_("reason for dissolution"), blank=True)
    allows_extraordinary = models.BooleanField(_("allows extraordinary sessions"), default=False)
    note = models.TextField(_("note"), blank=True)

    objects = BodyQuerySet.as_manager()

    class Meta:
        ordering = ["rank", "code"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        constraints = [
            models.CheckConstraint(
                condition=Q(existed_to__isnull=True) | Q(existed_to__gte=models.F("existed_from")),
                name="body_existed_to_after_from",
            ),
            models.CheckConstraint(
                condition=~Q(basis="ad_hoc") | Q(existed_to__isnull=False) | ~Q(mandate=""),
                name="body_ad_hoc_has_mandate_or_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def exists_on(self, day: dt.date) -> bool:
        return self.existed_from <= day and (self.existed_to is None or day <= self.existed_to)


class Period(models.TextChoices):
    MONTH = "month", _("month")
    QUARTER = "quarter", _("quarter")
    HALF_YEAR = "half_year", _("half-year")
    YEAR = "year", _("year")


class CadenceRule(models.Model):
    """At least ``min_meetings`` qualifying meetings in every calendar ``period`` (Europe/Brussels)."""

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="cadence_rules")
    min_meetings = models.PositiveSmallIntegerField(_("at least"))
    period = models.CharField(_("per"), max_length=16, choices=Period.choices, blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True, help_text=_("Last day the rule applies."))
    source_text = models.TextField(_("the Declaration's words"), blank=True)

    class Meta:
        ordering = ["body__rank", "body__code", "effective_from"]
        verbose_name = _("cadence rule")
        verbose_name_plural = _("cadence rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_meetings=0) | ~Q(period=""), name="cadence_rule_period_when_required"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="cadence_rule_to_after_from",
            ),
            models.UniqueConstraint(fields=["body", "effective_from"], name="cadence_rule_unique_start"),
        ]

    def __str__(self) -> str:
        if self.min_meetings == 0:
            return f"{self.body.code}: {_('as appropriate')}"
        return f"{self.body.code}: ≥{self.min_meetings}/{self.get_period_display()}"
