"""Forms: decisions. Forms parse and validate input; the service does the write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from committees.models import Body
from committees.selectors import body_choice_rows
from cooperation.forms import CrispyForm
from cooperation.models import CooperationArea, name_choice_rows
from nrc.widgets import model_choice_rows, quick_selects

from ..models import DecisionMethod, DecisionStatus, IssueStatus


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DecisionRecordForm(CrispyForm):
    submit_label = _("Record the decision")

    meeting = forms.ModelChoiceField(label=_("Meeting (held)"), queryset=None)
    reference = forms.CharField(label=_("Reference"), max_length=64, help_text=_("For example NRC-D(2026)001."))
    title = forms.CharField(label=_("Title"), max_length=300)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}))
    areas = forms.ModelMultipleChoiceField(
        label=_("Co-operation areas"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    method = forms.ChoiceField(label=_("Adopted by"), choices=DecisionMethod.choices, widget=forms.RadioSelect)
    silence_deadline = forms.DateTimeField(
        label=_("Silence deadline"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Silence procedure only: adopted at this time unless a member breaks silence."),
    )

    def __init__(self, *args, meetings, offered=(), **kwargs):
        """``meetings``: every meeting a decision may be recorded at (what a submitted choice is checked against);
        ``offered``: the meetings the select lists (the recent ones, not 25 years of them)."""
        super().__init__(*args, **kwargs)
        field = self.fields["meeting"]
        field.queryset = meetings
        field.choices = [("", field.empty_label), *((m.pk, _meeting_label(m)) for m in offered)]
        quick_selects(self)
        self.fields["areas"].queryset = CooperationArea.objects.order_by("position", "code")


def _meeting_label(m) -> str:
    return f"{m.body.code} · {m.starts_at:%Y-%m-%d} · {m.title}"


class SilenceBreakForm(CrispyForm):
    submit_label = _("Break silence")

    statement = forms.CharField(label=_("Statement"), widget=forms.Textarea(attrs={"rows": 3}))


class ReservationForm(CrispyForm):
    submit_label = _("Enter the reservation")

    text = forms.CharField(label=_("Reservation"), widget=forms.Textarea(attrs={"rows": 3}))


class IssueRaiseForm(CrispyForm):
    submit_label = _("Raise the issue")

    title = forms.CharField(label=_("Issue title"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))


class IssueAnswerForm(CrispyForm):
    submit_label = _("Send the answer")

    text = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}))
    status = forms.ChoiceField(label=_("Status after the answer"), choices=IssueStatus.choices)


class IssueAgendaForm(CrispyForm):
    submit_label = _("Put on the agenda")

    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=None)

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: f"{m.body.code} · {m.starts_at:%Y-%m-%d} · {m.title}"


class DecisionFilterForm(forms.Form):
    """The decision list's filters (GET)."""

    q = forms.CharField(label=_("Search"), required=False)
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=CooperationArea.objects.order_by("position"), to_field_name="code", required=False
    )
    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.order_by("rank", "code"), required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2002, max_value=2100, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("any")), *DecisionStatus.choices], required=False)

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bodies is not None:
            self.fields["body"].queryset = bodies
        bodies = self.fields["body"].queryset
        model_choice_rows(self.fields["body"], lambda: body_choice_rows(bodies))
        areas = self.fields["area"].queryset
        model_choice_rows(self.fields["area"], lambda: name_choice_rows(areas, key="code", code=True))
        quick_selects(self)
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "q": data.get("q") or None,
            "area": data["area"].code if data.get("area") else None,
            "body": data["body"].pk if data.get("body") else None,
            "year": data.get("year"),
            "status": data.get("status") or None,
        }
