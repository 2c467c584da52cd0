"""Form widgets that render long selects in Python.

Django renders each ``<option>`` of a select through a template of its own: about 0.1–0.2 ms an option, so a form
with every body (300 and more), every time zone (~430) or every adopted decision (1,200) costs tens of
milliseconds before the page shows anything. ``QuickSelect`` and ``QuickSelectMultiple`` write the same markup
directly: the attributes of the ``<select>`` as Django's ``attrs.html`` writes them, each option's value and label
escaped as the template escapes them, ``selected`` where Django puts it. A select with option groups is left to
Django's templates.

Crispy forms adds the widget's class name to its ``class`` attribute (``select``, ``selectmultiple``):
``CRISPY_CLASS_CONVERTERS`` in the settings maps these widgets to the names of the widgets they replace, so the
markup classes stay the same.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe


def _escape(value) -> str:
    """As the template engine's autoescape writes ``{{ value }}``: plain strings escaped, safe strings as they are."""
    if type(value) is str:
        return html.escape(value)
    if value is None:
        return "None"
    if isinstance(value, SafeData):
        return str(value)
    return conditional_escape(value)


def _attributes(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html writes them: in order, ``True`` as a bare name, ``False`` left out."""
    return "".join(
        f" {key}" if value is True else f' {key}="{_escape(value)}"'
        for key, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """A select rendered without a template per option (the same markup as Django's)."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(iter(self.choices))  # not list(self.choices): a model choice iterator would count its rows first
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)  # option groups: Django's templates
        final_attrs = self.build_attrs(self.attrs, attrs)
        multiple = self.allow_multiple_selected
        if multiple:
            final_attrs["multiple"] = True
        wanted = set(self.format_value(value))
        options = []
        append = options.append
        found = False
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)  # as ``stringformat:'s'`` writes it
            # Django selects the first option with a wanted value (every one in a multiple select).
            selected = (multiple or not found) and text in wanted
            found |= selected
            append(f'<option value="{_escape(text)}"{" selected" if selected else ""}>{_escape(label)}</option>')
        # Reviewed: the name, every attribute, value and label are escaped above; the rest is constant markup.
        return mark_safe(  # nosec B308 B703
            f'<select name="{_escape(name)}"{_attributes(final_attrs)}>{"".join(options)}</select>'
        )


class QuickSelectMultiple(QuickSelect, forms.SelectMultiple):
    """A multiple select rendered without a template per option (the same markup as Django's)."""


def quick_selects(form: forms.Form) -> forms.Form:
    """Swap the form's selects for quick ones (same attributes and choices)."""
    for field in form.fields.values():
        widget = field.widget
        quick_class = {forms.Select: QuickSelect, forms.SelectMultiple: QuickSelectMultiple}.get(type(widget))
        if quick_class is not None:
            quick = quick_class(attrs=widget.attrs)
            quick.choices = widget.choices
            quick.is_required = widget.is_required
            field.widget = quick
    return form


class _Rows(BaseChoiceIterator):
    """The empty choice, then the rows: read when the select renders (not to decide on ``required``)."""

    def __init__(self, empty: list, rows: Callable[[], Iterable[tuple]]):
        self.empty, self.rows = empty, rows

    def __iter__(self):
        yield from self.empty
        yield from self.rows()


def model_choice_rows(field: forms.ModelChoiceField, rows: Callable[[], Iterable[tuple]]) -> None:
    """Render the model choice ``field`` with ``rows()``: its ``(pk, label)`` pairs, read as values (building a
    model instance per option costs ten times more: 10 ms for 1,200 decisions), after its empty choice. The
    labels must be what ``label_from_instance`` gives. The field's queryset still checks a submitted value.
    Call it after the field's queryset is set (setting it resets the widget's choices)."""
    empty = [] if field.empty_label is None else [("", field.empty_label)]
    field.widget.choices = _Rows(empty, rows)
