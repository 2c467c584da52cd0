"""The quick selects write the markup Django's selects write, without a template per option."""

import re

import pytest
from crispy_forms.utils import render_crispy_form
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.safestring import mark_safe

from committees.models import Body, Member
from committees.selectors import body_choice_rows
from cooperation.models import CooperationArea, name_choice_rows
from nrc.forms import PreferencesForm
from nrc.widgets import QuickSelect, QuickSelectMultiple, model_choice_rows, quick_selects

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    body = forms.ModelChoiceField(queryset=Body.objects.order_by("rank", "code"), required=False)
    kind = forms.ChoiceField(choices=[("a", "A & <b>"), ("b", "B"), ("b", "B again"), ("c", mark_safe("<i>C</i>"))])
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", 'C "quoted"')], required=False)
    bodies = forms.ModelMultipleChoiceField(
        queryset=Body.objects.order_by("rank", "code"), widget=forms.SelectMultiple(attrs={"size": 6})
    )
    grouped = forms.ChoiceField(choices=[("Group", [("x", "X"), ("y", "Y")]), ("z", "Z")], required=False)


def _squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"body": "2", "kind": "b", "many": ["a", "c"], "bodies": ["1", "3"], "grouped": "y"},
        {"body": "999999", "kind": "x", "many": ["x"], "bodies": ["999999"], "grouped": "q"},
    ],
)
def test_quick_selects_render_what_django_renders(reference, data):
    # Given the same form rendered with Django's selects and with quick selects
    plain, quick = _Form(data or None), quick_selects(_Form(data or None))
    plain.is_bound and plain.is_valid()
    quick.is_bound and quick.is_valid()
    # then every select is swapped and the markup is the same (with errors, selections and option groups)
    assert [type(f.widget) for f in quick.fields.values()] == [
        QuickSelect,
        QuickSelect,
        QuickSelectMultiple,
        QuickSelectMultiple,
        QuickSelect,
    ]
    for name in ("body", "kind", "many", "bodies", "grouped"):
        assert _squeeze(quick[name]) == _squeeze(plain[name])
    assert Body.objects.count() > 10
    assert "A &amp; &lt;b&gt;" in str(quick["kind"])
    assert "<i>C</i>" in str(quick["kind"])


def test_a_single_select_selects_the_first_option_of_a_repeated_value(reference):
    # Given a choice whose value appears twice
    form = quick_selects(_Form({"kind": "b"}))
    # then only the first of them is selected, as Django does
    assert _squeeze(form["kind"]).count(" selected") == 1
    assert '<option value="b" selected>B</option><option value="b">B again</option>' in _squeeze(form["kind"])


def test_a_model_select_reads_its_rows_in_one_query(reference):
    # Given a form with a select of every body
    form = quick_selects(_Form())
    # when the select is rendered
    with CaptureQueriesContext(connection) as queries:
        html = str(form["body"])
    # then the rows are read once (no count before them)
    assert len(queries) == 1
    assert html.count("<option") == Body.objects.count() + 1


def test_crispy_forms_gives_quick_selects_the_classes_of_djangos(secretariat):
    # Given the preferences form (quick selects) rendered by crispy forms
    html = render_crispy_form(PreferencesForm(instance=secretariat))
    # then the selects carry the classes Django's Select carries there
    assert '<select name="language" class="select form-select" id="id_language">' in html
    assert '<select name="time_zone" class="select form-select" id="id_time_zone">' in html
    assert "quickselect" not in html


@pytest.mark.parametrize("language", ["en", "fr", "ru"])
def test_body_choice_rows_label_bodies_as_their_str(reference, language):
    # Given every body, in the order of a select
    bodies = Body.objects.order_by("rank", "code")
    # when they are read as a select's rows in a language
    with translation.override(language):
        rows = body_choice_rows(bodies)
        expected = [(body.pk, str(body)) for body in bodies]
    # then each row is the body's key and its label
    assert rows == expected
    assert len(rows) == Body.objects.count()


def test_a_select_of_model_rows_renders_what_the_model_select_renders(reference):
    # Given a model select as Django renders it and the same select given its rows as values
    bodies = Body.objects.order_by("rank", "code")
    chosen = bodies[3].pk
    plain = _Form({"body": str(chosen)})
    quick = _Form({"body": str(chosen)})
    model_choice_rows(quick.fields["body"], lambda: body_choice_rows(bodies))
    quick_selects(quick)
    plain.is_valid(), quick.is_valid()
    # when both are rendered
    with CaptureQueriesContext(connection) as queries:
        html = str(quick["body"])
    # then the markup is the same, read in one query
    assert _squeeze(html) == _squeeze(plain["body"])
    assert len(queries) == 1
    assert f'<option value="{chosen}" selected>' in html
    # and the queryset still decides what may be submitted
    assert quick.is_valid() is False  # "kind" and "bodies" are missing
    assert quick.cleaned_data["body"].pk == chosen
    refused = _Form({"body": "999999"})
    model_choice_rows(refused.fields["body"], lambda: [(999999, "Nowhere")])
    refused.is_valid()
    assert "body" in refused.errors


@pytest.mark.parametrize("language", ["en", "fr", "ru"])
def test_name_choice_rows_label_areas_and_members_as_their_str(reference, language):
    # Given the areas (keyed by code, as the decision filter keys them) and the members, in a language
    with translation.override(language):
        areas = CooperationArea.objects.order_by("position")
        members = Member.objects.order_by("name_en")
        # then their rows are their keys and their labels
        assert name_choice_rows(areas, key="code", code=True) == [(area.code, str(area)) for area in areas]
        assert name_choice_rows(members) == [(member.pk, str(member)) for member in members]
    assert len(name_choice_rows(members)) == Member.objects.count() > 20
