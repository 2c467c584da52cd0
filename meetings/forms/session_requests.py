"""Forms: extraordinary-session requests. Forms parse and validate input; the service does the write."""

from __future__ import annotations

import datetime as dt

import django_filters
from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Body
from nrc.widgets import quick_selects

from ..models import SessionRequest, SessionRequestStatus, Urgency, Venue
from ..services.session_requests import MAX_PROPOSED_SLOTS, SlotInput

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format=DATETIME_LOCAL)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.odt,.txt"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class _NoTagHelper(FormHelper):
    form_tag = False
    disable_csrf = True


class SessionRequestForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.none(), empty_label=None)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    grounds = forms.CharField(
        label=_("Grounds"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why the Council should meet in extraordinary session."),
    )
    papers = MultipleFileField(
        label=_("Papers"),
        required=False,
        help_text=_("Optional. PDF, DOCX, ODT or plain text; several files may be selected."),
    )

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies
        self.helper = _NoTagHelper()


class ProposedSlotForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("From"), widget=DateTimeLocalInput(), input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"]
    )
    ends_at = forms.DateTimeField(
        label=_("Until"), widget=DateTimeLocalInput(), input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"]
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and start < timezone.now():
            self.add_error("starts_at", _("A proposed date cannot be in the past."))
        if start and end and end <= start:
            self.add_error("ends_at", _("A proposed window must end after it starts."))
        return data


class BaseProposedSlotFormSet(forms.BaseFormSet):
    def slots(self) -> list[SlotInput]:
        return [
            SlotInput(starts_at=f.cleaned_data["starts_at"], ends_at=f.cleaned_data["ends_at"])
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


ProposedSlotFormSet = forms.formset_factory(
    ProposedSlotForm,
    formset=BaseProposedSlotFormSet,
    extra=2,
    max_num=MAX_PROPOSED_SLOTS,
    validate_max=True,
    min_num=1,
    validate_min=True,
)


class ConveneForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start_time = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=Venue.objects.order_by("name"), required=False)
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("Leave empty for the standard title.")
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _NoTagHelper()

    def clean(self):
        """Date and times are read in the user's time zone (the one the page is shown in)."""
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            zone = timezone.get_current_timezone()
            data["starts_at"] = timezone.make_aware(dt.datetime.combine(day, start), zone)
            data["ends_at"] = timezone.make_aware(dt.datetime.combine(day, end), zone)
            if data["ends_at"] <= data["starts_at"]:
                raise ValidationError({"end_time": _("The session must end after it starts.")})
        return data


class DeclineForm(forms.Form):
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _NoTagHelper()


class WithdrawForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _NoTagHelper()


class _QuickSelectsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        quick_selects(self)


class SessionRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SessionRequestStatus.choices)
    body = django_filters.ModelChoiceFilter(
        label=_("Body"), queryset=Body.objects.filter(session_requests__isnull=False).distinct().order_by("code")
    )
    year = django_filters.NumberFilter(label=_("Year"), field_name="submitted_at", lookup_expr="year")

    class Meta:
        model = SessionRequest
        fields = ["status", "body", "year"]
        form = _QuickSelectsForm
