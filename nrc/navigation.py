"""The navigation bar: what each role may reach. Entries whose URL is not installed are left out."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from committees.models import Role

ALL = tuple(Role.values)
STAFF = (Role.SECRETARIAT, Role.CHAIR)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: tuple[str, ...]


NAVIGATION = (
    NavItem(_("Home"), "home", ALL),
    NavItem(_("Calendar"), "meetings:calendar", ALL),
    NavItem(_("Meetings"), "meetings:meeting_list", ALL),
    NavItem(_("Extraordinary sessions"), "meetings:request_list", ALL),
    NavItem(_("Decisions"), "meetings:decision_list", ALL),
    NavItem(_("Bodies"), "committees:body_list", ALL),
    NavItem(_("Co-operation areas"), "cooperation:area_list", ALL),
    NavItem(_("Compliance"), "compliance:report", ALL),
    NavItem(_("Flags"), "compliance:flag_list", (Role.SECRETARIAT, Role.CHAIR, Role.AUDITOR)),
    NavItem(_("Waivers"), "compliance:waiver_list", (Role.SECRETARIAT, Role.CHAIR, Role.AUDITOR)),
    NavItem(_("Audit trail"), "audit_list", (Role.AUDITOR, Role.ADMINISTRATOR)),
    NavItem(_("API tokens"), "token_list", ALL),
    NavItem(_("Administration"), "admin:index", (Role.ADMINISTRATOR,)),
)


def navigation_for(user, current_path: str) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = []
    for item in NAVIGATION:
        if user.role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": item.label, "url": url, "active": False})
    # One entry is the current page (aria-current): the longest URL the path is under, so that an extraordinary
    # session request (/meetings/requests/…) is not under "Meetings" (/meetings/) as well.
    under = [i for i in items if (current_path == "/" if i["url"] == "/" else current_path.startswith(i["url"]))]
    if under:
        max(under, key=lambda i: len(i["url"]))["active"] = True
    return items
