"""The figures each role's home page shows."""

from __future__ import annotations

from meetings.selectors import meetings_upcoming, session_requests_pending


def dashboard(*, user) -> dict:
    return {
        "upcoming_meetings": meetings_upcoming(user=user, limit=8),
        "pending_requests": session_requests_pending(user=user, limit=8),
    }
