"""``{% pk_url %}``: ``{% url name pk %}`` for the rows of a list, without a full reverse per row.

``reverse()`` matches the view's patterns and checks the result against them on every call (30–50 µs): a month
of the calendar links 126 meetings. ``pk_url`` reverses the view once per process (per URL configuration and
script prefix) with a marker key, then writes each row's key in the marker's place: the same URL.
"""

from __future__ import annotations

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

MARKER = 987654321987
_SPLIT: dict = {}


def _split(viewname: str) -> tuple[str, str] | None:
    key = (viewname, get_urlconf(), get_script_prefix())
    if key not in _SPLIT:
        url = reverse(viewname, args=[MARKER])
        head, marker, tail = url.partition(str(MARKER))
        _SPLIT[key] = (head, tail) if marker and str(MARKER) not in tail else None
    return _SPLIT[key]


@register.simple_tag
def pk_url(viewname: str, pk) -> str:
    """The URL of ``viewname`` for the integer key ``pk`` (``{% url viewname pk %}``)."""
    parts = _split(viewname) if type(pk) is int and pk >= 0 else None
    if parts is None:
        return reverse(viewname, args=[pk])
    return f"{parts[0]}{pk}{parts[1]}"
