"""Domain errors. Services raise django.core.exceptions.ValidationError (keyed by field where one is at
fault) or PermissionDenied; forms show them on the field, the API turns them into 400 / 403."""

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["Conflict", "PermissionDenied", "ValidationError"]


class Conflict(ValidationError):
    """A clash with existing data (a booked venue, a transition no longer allowed): 409 in the API."""
