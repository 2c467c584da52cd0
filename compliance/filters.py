"""Filters of the flag lists (pages and API)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from committees.models import Period

from .models import Flag, FlagState, Verdict


class FlagFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=FlagState.choices)
    verdict = django_filters.ChoiceFilter(
        label=_("Verdict"), choices=[(Verdict.BREACH, Verdict.BREACH.label), (Verdict.AT_RISK, Verdict.AT_RISK.label)]
    )
    period = django_filters.ChoiceFilter(label=_("Period"), choices=Period.choices)
    body = django_filters.CharFilter(field_name="body__code", label=_("Body code"))

    class Meta:
        model = Flag
        fields = ["state", "verdict", "period", "body"]
