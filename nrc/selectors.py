"""The home page of each role: the next meetings, pending requests, and the panels each capability adds."""

from __future__ import annotations

from django.utils.module_loading import import_string

from meetings.selectors import meetings_upcoming, session_requests_pending

# Each capability contributes its own panels (flags, minutes to approve, open issues…): a function
# ``dashboard_panels(*, user) -> list[dict]`` returning dicts with ``template`` and ``context``.
PANEL_PROVIDERS = (
    "meetings.selectors.scheduling.dashboard_panels",
    "meetings.selectors.session_requests.dashboard_panels",
    "meetings.selectors.decisions.dashboard_panels",
    "committees.selectors.dashboard_panels",
    "cooperation.selectors.dashboard_panels",
    "compliance.selectors.dashboard_panels",
)


def dashboard(*, user) -> dict:
    panels: list[dict] = []
    for provider in PANEL_PROVIDERS:
        panels.extend(import_string(provider)(user=user))
    return {
        "upcoming_meetings": meetings_upcoming(user=user, limit=8),
        "pending_requests": session_requests_pending(user=user, limit=8),
        "panels": panels,
    }
