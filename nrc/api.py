"""Shared API pieces: pagination and the one exception handler that turns domain errors into 400/403/409."""

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.forms import ModelChoiceField
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import BooleanFilter, DjangoFilterBackend, NumberFilter
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import Conflict


class Router(SimpleRouter):
    """Every object of the API has an integer primary key: a detail URL whose id is not a whole number (``null``,
    ``1,2``, ``-1``) matches no route and answers 404, instead of reaching the database with a value it cannot
    read. A viewset keyed otherwise sets its own ``lookup_value_regex``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._default_value_pattern = r"[0-9]+"


class Pagination(PageNumberPagination):
    """Page numbers; a ``page`` or ``page_size`` that is not a positive whole number is a 400 naming it."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        errors = {}
        for name in (self.page_query_param, self.page_size_query_param):
            if name in request.query_params:
                value = request.query_params[name]
                if not (value.isascii() and value.isdigit() and int(value) >= 1):
                    errors[name] = [_("Enter a whole number of at least 1.")]
                elif name == self.page_size_query_param and int(value) > self.max_page_size:
                    errors[name] = [_("At most %(max)d per page.") % {"max": self.max_page_size}]
        if errors:
            raise exceptions.ValidationError(errors)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(NumberFilter):
    """A whole number (an id, a year): documented as an integer, and ``1.5`` is a 400 rather than rounded. An id
    that names nothing the user may see simply matches no row."""

    field_class = forms.IntegerField


@extend_schema_field({"type": "integer", "minimum": 2002, "maximum": 2100})
class YearFilter(IntegerFilter):
    """A year of the Council's life: the bounds are in the schema, and a year outside them is a 400."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 2002)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, with three rules that hold for every list of the API (and only for lists: an object read
    or changed by its id is not narrowed by them):

    - an empty value means "no filter", as in the pages' filter forms (a required filter left empty is a 400);
    - a value the filter cannot read (a date that is not one, an unknown choice, a boolean other than
      true/false/1/0, which django-filter would silently ignore) is a 400 naming the parameter;
    - a well-formed id that names no object the user may see (``?meeting=0``, a body of another delegation)
      matches no row: the answer is an empty list, the same for an id that does not exist and one that is hidden.
    """

    BOOLEAN_VALUES = frozenset({"true", "false", "1", "0"})

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "detail", False):  # one object by its id: the list's filters do not apply
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        errors = {}
        for name, field in filterset.filters.items():
            for value in request.query_params.getlist(name):
                if isinstance(field, BooleanFilter) and value and value.lower() not in self.BOOLEAN_VALUES:
                    errors[name] = [_("Enter true or false.")]
        if errors:
            raise exceptions.ValidationError(errors)
        return filterset.qs if filter_form_matches(filterset.form) else queryset.none()


def filter_form_matches(form) -> bool:
    """Validates the filter form of an API list. True when it is valid; False when its only faults are well-formed
    ids or codes that name no object the user may see (the list is then empty, whether the object does not exist
    or is hidden); a 400 naming each parameter it cannot read otherwise."""
    if form.is_valid():
        return True
    unreadable = {name: errors for name, errors in form.errors.items() if not _names_nothing(form, name)}
    if unreadable:
        raise exceptions.ValidationError(unreadable)
    return False


def _names_nothing(form, name: str) -> bool:
    """True when the only fault of this parameter is a value of the right form that matches no visible object."""
    field = form.fields.get(name)
    if not isinstance(field, ModelChoiceField):  # ModelMultipleChoiceField is one too
        return False
    if any(e.code not in ("invalid_choice", "invalid_pk_value") for e in form.errors.as_data()[name]):
        return False
    model = field.queryset.model
    key = model._meta.get_field(field.to_field_name) if field.to_field_name else model._meta.pk
    values = form.data.getlist(name) if hasattr(form.data, "getlist") else [form.data.get(name)]
    try:
        for value in values:
            key.to_python(value)
    except DjangoValidationError:
        return False
    return True


class BoundedCharField(serializers.CharField):
    """Text whose ``max_length`` holds for what was sent, as the schema's ``maxLength`` says, not only for what is
    left once the surrounding whitespace is trimmed."""

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().run_validation(data)


class StrictCharField(BoundedCharField):
    """A text field that refuses numbers and booleans instead of turning them into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A boolean that is one: JSON ``true``/``false`` (or the text ``true``/``false`` in a form), not ``0``, ``1``,
    ``"on"`` or ``"yes"``, which DRF would read as booleans although the schema says otherwise."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        if isinstance(data, str) and data.lower() in ("true", "false"):
            return data.lower() == "true"
        self.fail("invalid", input=data)


def _validation_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    if isinstance(exc, Conflict):
        return Response(_validation_detail(exc), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_validation_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
