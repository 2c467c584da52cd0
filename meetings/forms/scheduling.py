"""Forms: scheduling. Forms parse and validate input; the service does the write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from committees.selectors import bodies_visible_to, body_choice_rows
from cooperation.models import CooperationArea
from nrc.widgets import model_choice_rows, quick_selects

from ..models import AttendanceStatus, Classification, MeetingKind, PaperLanguage, Venue

DATETIME_WIDGET = {"attrs": {"type": "datetime-local"}, "format": "%Y-%m-%dT%H:%M"}


def _datetime(label):
    return forms.DateTimeField(label=label, widget=forms.DateTimeInput(**DATETIME_WIDGET))


def _venue_field(required=False):
    return forms.ModelChoiceField(
        label=_("Venue"), queryset=Venue.objects.order_by("name"), required=required, empty_label=_("No venue")
    )


class _SlotMixin:
    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        return data


class MeetingForm(_SlotMixin, forms.Form):
    body = forms.ModelChoiceField(label=_("Body"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices, initial=MeetingKind.REGULAR)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = _datetime(_("Starts"))
    ends_at = _datetime(_("Ends"))
    venue = _venue_field()
    chair = forms.CharField(label=_("Chair"), max_length=200, required=False, help_text=_("Empty: the body's chair."))
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = self.fields["body"].queryset = bodies_visible_to(user).order_by("rank", "code")
        model_choice_rows(self.fields["body"], lambda: body_choice_rows(bodies))
        quick_selects(self)


SCOPE_CHOICES = [("this", _("This meeting only")), ("following", _("This and the following meetings of the series"))]


class _ScopeMixin:
    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting is None or meeting.series_id is None:
            del self.fields["scope"]

    @property
    def following(self) -> bool:
        return self.cleaned_data.get("scope") == "following"


class MeetingEditForm(_ScopeMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    chair = forms.CharField(label=_("Chair"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    scope = forms.ChoiceField(label=_("Apply to"), choices=SCOPE_CHOICES, initial="this", widget=forms.RadioSelect)


class RescheduleForm(_ScopeMixin, _SlotMixin, forms.Form):
    starts_at = _datetime(_("New start"))
    ends_at = _datetime(_("New end"))
    venue = _venue_field()
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    scope = forms.ChoiceField(label=_("Apply to"), choices=SCOPE_CHOICES, initial="this", widget=forms.RadioSelect)


class CancelForm(_ScopeMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for the cancellation"), widget=forms.Textarea(attrs={"rows": 2}))
    scope = forms.ChoiceField(label=_("Apply to"), choices=SCOPE_CHOICES, initial="this", widget=forms.RadioSelect)


class SeriesCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the cancellation"), widget=forms.Textarea(attrs={"rows": 2}))


class SeriesForm(_SlotMixin, forms.Form):
    body = forms.ModelChoiceField(label=_("Body"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices, initial=MeetingKind.REGULAR)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = _datetime(_("First meeting starts"))
    ends_at = _datetime(_("First meeting ends"))
    rrule = forms.CharField(
        label=_("Recurrence rule (RFC 5545)"),
        max_length=500,
        help_text=_(
            "For example FREQ=MONTHLY;BYDAY=2TU;UNTIL=20271231 (second Tuesday of every month) or "
            "FREQ=MONTHLY;BYDAY=2TU,4TU;COUNT=24. At most 500 occurrences."
        ),
    )
    venue = _venue_field()
    chair = forms.CharField(label=_("Chair"), max_length=200, required=False, help_text=_("Empty: the body's chair."))
    skip_conflicts = forms.BooleanField(
        label=_("Leave out the occurrences that clash with a booked venue"), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = self.fields["body"].queryset = bodies_visible_to(user).order_by("rank", "code")
        model_choice_rows(self.fields["body"], lambda: body_choice_rows(bodies))
        quick_selects(self)


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    area = forms.ModelChoiceField(
        label=_("Co-operation area"),
        queryset=CooperationArea.objects.order_by("position"),
        required=False,
        empty_label=_("None"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class PaperForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"), max_length=64, help_text=_("For example NRC(PC)D(2027)0001; unique per body and year.")
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, DOCX, XLSX, ODT or TXT, at most %(mb)d MB.") % {"mb": settings.PAPER_MAX_BYTES // 2**20},
    )
    classification = forms.ChoiceField(label=_("Classification"), choices=Classification.choices)
    language = forms.ChoiceField(label=_("Language"), choices=PaperLanguage.choices)


class MinutesForm(forms.Form):
    text = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 12}))


class AttendanceForm(forms.Form):
    """One status, representative and level per member sitting in the body that day."""

    def __init__(self, *args, roster: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for entry in roster:
            member, recorded = entry["member"], entry["attendance"]
            pk = member.pk
            self.fields[f"status_{pk}"] = forms.ChoiceField(
                label=_("Attendance of %(member)s") % {"member": member.name},
                choices=[("", _("Not recorded")), *AttendanceStatus.choices],
                required=False,
                initial=recorded.status if recorded else "",
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"representative_{pk}"] = forms.CharField(
                label=_("%(member)s represented by") % {"member": member.name},
                max_length=200,
                required=False,
                initial=recorded.representative if recorded else "",
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )
            self.fields[f"level_{pk}"] = forms.CharField(
                label=_("%(member)s: level") % {"member": member.name},
                max_length=120,
                required=False,
                initial=recorded.representation_level if recorded else "",
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )
            self.rows.append(
                {
                    "member": member,
                    "status": self[f"status_{pk}"],
                    "representative": self[f"representative_{pk}"],
                    "level": self[f"level_{pk}"],
                }
            )

    def attendance_rows(self) -> list[dict]:
        rows = []
        for row in self.rows:
            pk = row["member"].pk
            status = self.cleaned_data.get(f"status_{pk}")
            if status:
                rows.append(
                    {
                        "member": pk,
                        "status": status,
                        "representative": self.cleaned_data.get(f"representative_{pk}", ""),
                        "representation_level": self.cleaned_data.get(f"level_{pk}", ""),
                    }
                )
        return rows


class ConfirmForm(forms.Form):
    """No fields: a confirmation step for an action that changes a meeting."""
