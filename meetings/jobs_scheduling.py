"""Background job: a long series is created by Celery while the page shows progress (see nrc/jobs.py).
The result to download is the new series as an iCalendar file. Importing this module registers the runner
(the series page imports it, so the runner exists wherever the page does)."""

from __future__ import annotations

import datetime as dt

from committees.models import Body
from nrc.jobs import job_kind

from .ical import meetings_calendar
from .models import Venue
from .services import scheduling as services

SERIES_JOB = "meetings.series_create"


def series_job_params(*, data: dict) -> dict:
    """JSON-ready parameters of a series (ids and ISO times), from the series form's cleaned data."""
    return {
        "body": data["body"].pk,
        "title": data["title"],
        "kind": data["kind"],
        "rrule": data["rrule"],
        "starts_at": data["starts_at"].isoformat(),
        "ends_at": data["ends_at"].isoformat(),
        "venue": data["venue"].pk if data.get("venue") else None,
        "chair": data.get("chair", ""),
        "skip_conflicts": bool(data.get("skip_conflicts")),
    }


@job_kind(SERIES_JOB)
def series_create_job(*, job, progress):
    params = job.params
    progress(5, "")
    series = services.series_create(
        body=Body.objects.get(pk=params["body"]),
        title=params["title"],
        kind=params["kind"],
        rrule=params["rrule"],
        first_starts_at=dt.datetime.fromisoformat(params["starts_at"]),
        ends_at=dt.datetime.fromisoformat(params["ends_at"]),
        venue=Venue.objects.get(pk=params["venue"]) if params["venue"] else None,
        chair=params["chair"],
        skip_conflicts=params["skip_conflicts"],
        acting_user=job.user,
    )
    progress(90, series.title)
    data = meetings_calendar(series.meetings.select_related("body", "venue").order_by("starts_at"), name=series.title)
    return f"series-{series.pk}.ics", "text/calendar", data
