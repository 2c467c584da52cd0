"""Shared API pieces: pagination and the one exception handler that turns domain errors into 400/403/409."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import CharFilter
from django_filters.rest_framework import BooleanFilter, DjangoFilterBackend
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import Conflict


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


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter silently ignores an empty value of a typed filter (date, choice, number) and a boolean it
    cannot read; the API answers 400 naming the parameter instead, like every other bad input."""

    BOOLEAN_VALUES = frozenset({"true", "false", "1", "0"})

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            errors = {}
            for name, field in filterset_class.base_filters.items():
                for value in request.query_params.getlist(name):
                    if value == "" and not isinstance(field, CharFilter):
                        errors[name] = [_("This value may not be empty.")]
                    elif isinstance(field, BooleanFilter) and value.lower() not in self.BOOLEAN_VALUES:
                        errors[name] = [_("Enter true or false.")]
            if errors:
                raise exceptions.ValidationError(errors)
        return super().filter_queryset(request, queryset, view)


class StrictCharField(serializers.CharField):
    """A text field that refuses numbers and booleans instead of turning them into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


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
