"""Who may do what: role checks shared by views (mixins) and the API (DRF permission classes)."""

from __future__ import annotations

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from rest_framework import permissions

from committees.models import Role

READ_ROLES = frozenset(Role.values)
STAFF_ROLES = frozenset({Role.SECRETARIAT, Role.CHAIR})


def has_role(user, *roles: str) -> bool:
    return bool(user and user.is_authenticated and user.role in roles)


def require_role(user, *roles: str) -> None:
    """Raise PermissionDenied unless the acting user holds one of ``roles``."""
    if not has_role(user, *roles):
        raise PermissionDenied


class RoleRequiredMixin(AccessMixin):
    """Class-based views: only the listed roles get in (403 for the others, login for anonymous)."""

    allowed_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.user.role not in self.allowed_roles:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RolePermission(permissions.BasePermission):
    """API: reads for ``read_roles`` (default every role), writes for ``write_roles`` (default secretariat).

    A view may set ``read_roles`` / ``write_roles`` attributes to change the defaults.
    """

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return user.role in getattr(view, "read_roles", READ_ROLES)
        return user.role in getattr(view, "write_roles", (Role.SECRETARIAT,))
