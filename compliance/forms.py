"""Forms: parse and validate input; the services do the writing."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Period
from committees.selectors import bodies_visible_to, body_choice_rows
from nrc.widgets import model_choice_rows, quick_selects

from .evaluation import COUNCIL_ESTABLISHED
from .models import WaiverKind
from .selectors import GridParams

MAX_YEARS = 50


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class GridFilterForm(forms.Form):
    """The report's filters, shared by the pages and the API (the same parameter names: from, to, body,
    granularity, as_of). Errors name the field at fault."""

    granularity = forms.ChoiceField(label=_("Periods"), choices=Period.choices, required=False)
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Evaluate as at the end of this day; empty: now."),
    )

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        # "from" is a Python keyword: these fields are added here rather than declared above.
        self.fields = {
            "from": forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})),
            "to": forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})),
            "body": forms.MultipleChoiceField(
                label=_("Bodies"),
                required=False,
                help_text=_("None selected: every body."),
                widget=forms.SelectMultiple(attrs={"size": 6}),
            ),
            **self.fields,
        }
        self.user = user
        self.fields["body"].choices = [
            (body.code, f"{body.code} – {body.name}")
            for body in bodies_visible_to(user).order_by("rank", "code").only("code", "name_en", "name_fr", "name_ru")
        ]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        as_of = data.get("as_of")
        if as_of and as_of < COUNCIL_ESTABLISHED:
            self.add_error("as_of", _("The Council did not exist before 28 May 2002."))
            return data
        reference = as_of or today
        date_to = data.get("to") or reference
        date_from = data.get("from") or dt.date(reference.year - 2, 1, 1)
        if "from" in self.errors or "to" in self.errors:
            return data
        if date_to < date_from:
            self.add_error("to", _("The range ends before it starts."))
        elif date_to > _years_after(date_from, MAX_YEARS):
            self.add_error("to", _("The range spans more than %(n)s years.") % {"n": MAX_YEARS})
        elif date_to < COUNCIL_ESTABLISHED:
            self.add_error("to", _("The Council did not exist before 28 May 2002."))
        elif date_from > reference:
            self.add_error("from", _("The range starts after the evaluation date."))
        data["from"], data["to"] = max(date_from, dt.date(2002, 5, 1)), date_to
        data["granularity"] = data.get("granularity") or Period.MONTH
        return data

    def params(self) -> GridParams:
        data = self.cleaned_data
        return GridParams.build(
            date_from=data["from"],
            date_to=data["to"],
            granularity=data["granularity"],
            body_codes=data.get("body") or (),
            as_of=data.get("as_of"),
        )


class WaiverProposeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=WaiverKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    bodies = forms.ModelMultipleChoiceField(label=_("Bodies covered"), queryset=None)
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Last day covered; empty: open-ended."),
    )
    justification = forms.CharField(label=_("Justification"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = self.fields["bodies"].queryset = bodies_visible_to(user).order_by("rank", "code")
        model_choice_rows(self.fields["bodies"], lambda: body_choice_rows(bodies))
        quick_selects(self)


class WaiverDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject")), ("withdraw", _("Withdraw"))]
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FlagAcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))
