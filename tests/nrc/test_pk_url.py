"""``{% pk_url %}`` writes the URL ``{% url %}`` writes."""

import pytest
from django.template import engines
from django.urls import reverse, set_script_prefix

from nrc.templatetags import nrc_urls

NAMES = ["meetings:meeting_detail", "meetings:decision_detail", "meetings:request_detail", "committees:body_detail"]


def _render(source: str, **context) -> str:
    return engines["django"].from_string("{% load nrc_urls %}" + source).render(context)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pk", [1, 7, 42, 123456, 987654321987])
def test_pk_url_is_the_url_of_the_row(name, pk):
    # Given a view taking a key, when its URL is written for a row by both tags
    fast = _render("{% pk_url name pk %}", name=name, pk=pk)
    plain = _render("{% url name pk %}", name=name, pk=pk)
    # then the URLs are the same
    assert fast == plain == reverse(name, args=[pk])


def test_pk_url_follows_the_script_prefix():
    # Given the application served under a prefix
    nrc_urls._SPLIT.clear()
    try:
        set_script_prefix("/nrc/")
        # then the URL carries it, as reverse() gives it
        assert _render("{% pk_url 'meetings:meeting_detail' 5 %}") == "/nrc/meetings/5/"
        assert reverse("meetings:meeting_detail", args=[5]) == "/nrc/meetings/5/"
    finally:
        set_script_prefix("/")
    assert _render("{% pk_url 'meetings:meeting_detail' 5 %}") == "/meetings/5/"


def test_a_key_that_is_not_an_integer_is_reversed_as_the_url_tag_does():
    # Given a key passed as text (no shortcut): the URL is still the view's
    assert _render("{% pk_url 'meetings:meeting_detail' pk %}", pk="12") == "/meetings/12/"
