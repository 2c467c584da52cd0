"""QuickSelect writes the markup Django's Select writes, without a template per option."""

import re

import pytest
from django import forms

from committees.models import Body
from nrc.widgets import QuickSelect, quick_selects

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    body = forms.ModelChoiceField(queryset=Body.objects.order_by("rank", "code"), required=False)
    kind = forms.ChoiceField(choices=[("a", "A & <b>"), ("b", "B")])
    many = forms.MultipleChoiceField(choices=[("a", "A")], required=False)


def _squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("data", [{}, {"body": "2", "kind": "b"}, {"body": "999999", "kind": "x"}])
def test_quick_select_renders_what_django_renders(reference, data):
    # Given the same form rendered with Django's selects and with quick selects
    plain, quick = _Form(data or None), quick_selects(_Form(data or None))
    plain.is_bound and plain.is_valid()
    quick.is_bound and quick.is_valid()
    # then the single-choice selects are swapped (the multiple one is left alone) and the markup is the same
    assert [type(f.widget) for f in quick.fields.values()] == [QuickSelect, QuickSelect, forms.SelectMultiple]
    for name in ("body", "kind"):
        assert _squeeze(quick[name]) == _squeeze(plain[name])
    assert Body.objects.count() > 10
    assert "A &amp; &lt;b&gt;" in str(quick["kind"])
