"""The areas of co-operation of the Rome Declaration and their work programmes."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def language_field(prefix: str) -> str:
    """The field that holds ``prefix`` in the active language (``name_fr``), English for any other language."""
    language = (get_language() or "en")[:2]
    return f"{prefix}_{language}" if language in ("fr", "ru") else f"{prefix}_en"


class TranslatedNameMixin:
    """Picks ``name_<language>`` for the active language, falling back to English."""

    translated_prefix = "name"

    def translated(self, prefix: str | None = None) -> str:
        prefix = prefix or self.translated_prefix
        return getattr(self, language_field(prefix), "") or getattr(self, f"{prefix}_en")

    @property
    def name(self) -> str:
        return self.translated("name")


def name_choice_rows(queryset, *, key: str = "pk", code: bool = False) -> list[tuple]:
    """``(key, label)`` for each row of ``queryset`` (a model with ``TranslatedNameMixin``), in its order, read as
    values: a select's options. The label is the name in the active language, else the English one, as
    ``TranslatedNameMixin.name`` gives it; with ``code``, ``"<code> – <name>"`` (as areas and bodies write
    themselves)."""
    column = language_field("name")
    if code:
        return [
            (value, f"{row_code} – {local or english}")
            for value, row_code, english, local in queryset.values_list(key, "code", "name_en", column)
        ]
    return [(value, local or english) for value, english, local in queryset.values_list(key, "name_en", column)]


class CooperationArea(TranslatedNameMixin, models.Model):
    code = models.SlugField(_("code"), max_length=16, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.TextField(_("description"), blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    is_reference = models.BooleanField(
        _("from the Rome Declaration"),
        default=False,
        help_text=_("The nine areas of the Declaration; further areas are added by mutual agreement."),
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("co-operation area")
        verbose_name_plural = _("co-operation areas")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class InitialStep(TranslatedNameMixin, models.Model):
    area = models.ForeignKey(CooperationArea, on_delete=models.CASCADE, related_name="initial_steps")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text_en = models.TextField(_("text (English)"))
    text_fr = models.TextField(_("text (French)"), blank=True)
    text_ru = models.TextField(_("text (Russian)"), blank=True)

    class Meta:
        ordering = ["area", "position"]
        verbose_name = _("initial step")
        verbose_name_plural = _("initial steps")
        constraints = [models.UniqueConstraint(fields=["area", "position"], name="initial_step_unique_position")]

    def __str__(self) -> str:
        return self.text_en[:80]

    @property
    def text(self) -> str:
        return self.translated("text")


class WorkProgramme(models.Model):
    area = models.ForeignKey(CooperationArea, on_delete=models.PROTECT, related_name="work_programmes")
    year = models.PositiveSmallIntegerField(_("year"))
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["area__position", "-year"]
        verbose_name = _("work programme")
        verbose_name_plural = _("work programmes")
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="work_programme_one_per_area_year"),
            models.CheckConstraint(condition=Q(year__gte=2002) & Q(year__lte=2100), name="work_programme_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.area.code} {self.year}"


class WorkItemStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    DEFERRED = "deferred", _("Deferred")
    CANCELLED = "cancelled", _("Cancelled")


class WorkProgrammeItem(models.Model):
    programme = models.ForeignKey(WorkProgramme, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=300)
    lead_body = models.ForeignKey(
        "committees.Body",
        verbose_name=_("lead body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_items",
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=WorkItemStatus.choices, default=WorkItemStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)

    class Meta:
        ordering = ["programme", "position", "id"]
        verbose_name = _("work programme item")
        verbose_name_plural = _("work programme items")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="work_item_progress_max_100"),
        ]

    def __str__(self) -> str:
        return self.title
