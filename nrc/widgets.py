"""Form widgets that render long selects in Python.

Django renders each ``<option>`` of a select through a template of its own: about 0.2 ms an option, so a filter
form with every body (300 and more) costs tens of milliseconds before the page shows anything. ``QuickSelect``
writes the same markup directly (attributes of the ``<select>`` built as Django builds them, options escaped).
"""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join

SELECTED = format_html(" {}", "selected")


class QuickSelect(forms.Select):
    """A single-choice select, rendered without a template per option (no option groups)."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        selected = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option_value, SELECTED if str(option_value) in selected else "", label)
                for option_value, label in ((self._value(v), lab) for v, lab in self.choices)
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, _attributes(final_attrs), options)

    @staticmethod
    def _value(value) -> str:
        value = getattr(value, "value", value)  # ModelChoiceIteratorValue
        return "" if value is None else str(value)


def _attributes(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html writes them: in order, ``True`` as a bare name, ``False`` left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", key) if value is True else format_html(' {}="{}"', key, value),)
            for key, value in attrs.items()
            if value is not False and value is not None
        ),
    )


def quick_selects(form: forms.Form) -> forms.Form:
    """Swap the form's single-choice selects for ``QuickSelect`` (same attributes and choices)."""
    for field in form.fields.values():
        widget = field.widget
        if type(widget) is forms.Select:
            quick = QuickSelect(attrs=widget.attrs)
            quick.choices = widget.choices
            quick.is_required = widget.is_required
            field.widget = quick
    return form
