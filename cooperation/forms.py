"""Forms: co-operation areas and work programmes. Forms parse and validate input; services write."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from nrc.widgets import model_choice_rows, quick_selects

from .models import WorkItemStatus


def form_apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class CrispyForm(forms.Form):
    submit_label = _("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", self.submit_label))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AreaAddForm(CrispyForm):
    submit_label = _("Add the area")

    code = forms.SlugField(label=_("Code"), max_length=16)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200, required=False)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    decision = forms.ModelChoiceField(
        label=_("Decision agreeing the area"), queryset=None, help_text=_("The adopted joint decision.")
    )

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions
        # Every adopted decision (1,200 and more), labelled as JointDecision.__str__ labels it.
        model_choice_rows(self.fields["decision"], lambda: decisions.values_list("pk", "reference"))
        quick_selects(self)


class WorkProgrammeForm(CrispyForm):
    submit_label = _("Create the work programme")

    year = forms.IntegerField(label=_("Year"), min_value=2002, max_value=2100)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class WorkItemForm(CrispyForm):
    submit_label = _("Add the item")

    title = forms.CharField(label=_("Title"), max_length=300)
    lead_body = forms.TypedChoiceField(label=_("Lead body"), required=False, coerce=int, empty_value=None)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=WorkItemStatus.choices, initial=WorkItemStatus.PLANNED)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, initial=0)

    def __init__(self, *args, bodies, **kwargs):
        """``bodies``: a list evaluated once by the caller, so that many forms on one page cost no query."""
        super().__init__(*args, **kwargs)
        self._bodies = {body.pk: body for body in bodies}
        self.fields["lead_body"].choices = [("", "—"), *((body.pk, body.code) for body in bodies)]

    def clean_lead_body(self):
        pk = self.cleaned_data.get("lead_body")
        return self._bodies.get(pk) if pk is not None else None


class WorkItemUpdateForm(CrispyForm):
    submit_label = _("Update")

    status = forms.ChoiceField(label=_("Status"), choices=WorkItemStatus.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
