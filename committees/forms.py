"""Forms: committees and working groups. Forms parse and validate input; services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cooperation.forms import CrispyForm, DateInput
from nrc.widgets import model_choice_rows, quick_selects

from .models import Basis, BodyKind, Period
from .selectors import body_choice_rows

GROUP_KIND_CHOICES = [
    (BodyKind.WORKING_GROUP, BodyKind.WORKING_GROUP.label),
    (BodyKind.COMMITTEE, BodyKind.COMMITTEE.label),
    (BodyKind.EXPERT_GROUP, BodyKind.EXPERT_GROUP.label),
]


class BodyCreateForm(CrispyForm):
    submit_label = _("Set up the group")

    code = forms.CharField(label=_("Code"), max_length=32, help_text=_("For example NRC(TMD-2)."))
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200, required=False)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=GROUP_KIND_CHOICES)
    parent = forms.ModelChoiceField(label=_("Parent body"), queryset=None)
    basis = forms.ChoiceField(label=_("Basis"), choices=Basis.choices)
    mandate = forms.CharField(
        label=_("Mandate"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required for an ad hoc group."),
    )
    existed_from = forms.DateField(label=_("Set up on"), widget=DateInput())
    existed_to = forms.DateField(
        label=_("Ends on"), widget=DateInput(), required=False, help_text=_("Required for an ad hoc group.")
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Co-operation areas"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participating members"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty when every member of the Council takes part."),
    )
    chair = forms.CharField(label=_("Chair"), max_length=200, required=False)
    co_chair = forms.CharField(label=_("Co-chair"), max_length=200, required=False)
    cadence_min = forms.IntegerField(
        label=_("Cadence: at least (meetings)"),
        min_value=0,
        max_value=50,
        required=False,
        help_text=_("Leave empty for no cadence rule; 0 means “as appropriate”."),
    )
    cadence_period = forms.ChoiceField(label=_("Cadence: per"), choices=[("", "—"), *Period.choices], required=False)
    established_by = forms.ModelChoiceField(label=_("Established by decision"), queryset=None, required=False)

    def __init__(self, *args, parents, areas, members, decisions, offered_decisions=None, **kwargs):
        """``decisions``: every decision a group may be established by (what a submitted choice is checked
        against); ``offered_decisions``: the ones the select lists (the latest, not every decision ever)."""
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        model_choice_rows(self.fields["parent"], lambda: body_choice_rows(parents))
        self.fields["areas"].queryset = areas
        self.fields["participants"].queryset = members
        field = self.fields["established_by"]
        field.queryset = decisions
        if offered_decisions is not None:
            field.choices = [("", field.empty_label), *((d.pk, str(d)) for d in offered_decisions)]
        quick_selects(self)


class BodyDissolveForm(CrispyForm):
    submit_label = _("Dissolve")

    dissolved_on = forms.DateField(label=_("Dissolved on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
