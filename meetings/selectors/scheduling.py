"""Reads: scheduling, scoped to the user. Every list runs a fixed number of queries whatever its size."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import zoneinfo
from itertools import islice

import django_filters
from dateutil.rrule import rrulestr
from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from committees.levels import level_label
from committees.models import Body, Member, Role
from committees.selectors import bodies_visible_to, body_members_on
from cooperation.models import CooperationArea
from nrc.errors import ValidationError

from ..models import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingSlotChange,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    Paper,
    Venue,
)
from . import meetings_visible_to, of_visible_meetings


def _tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.COUNCIL_TIME_ZONE)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _level_choices() -> list[tuple[str, str]]:
    return [(lv, level_label(lv)) for lv in sorted(set(Body.objects.exclude(level="").values_list("level", flat=True)))]


class MeetingFilter(django_filters.FilterSet):
    """Filters shared by the calendar, the meeting list and the API: body, level, co-operation area, member,
    status, kind, and a date range (``from`` inclusive, ``to`` inclusive, in the user's time zone)."""

    body = django_filters.ModelChoiceFilter(
        queryset=Body.objects.none(), label=_("Body"), field_name="body", empty_label=_("All bodies")
    )
    level = django_filters.ChoiceFilter(label=_("Level"), field_name="body__level", empty_label=_("All levels"))
    area = extend_schema_field(OpenApiTypes.INT)(django_filters.ModelChoiceFilter)(
        queryset=CooperationArea.objects.none(),
        label=_("Co-operation area"),
        method="filter_area",
        empty_label=_("All areas"),
    )
    member = extend_schema_field(OpenApiTypes.INT)(django_filters.ModelChoiceFilter)(
        queryset=Member.objects.none(), label=_("Member"), method="filter_member", empty_label=_("All members")
    )
    status = django_filters.ChoiceFilter(choices=MeetingStatus.choices, label=_("Status"), empty_label=_("Any status"))
    kind = django_filters.ChoiceFilter(choices=MeetingKind.choices, label=_("Kind"), empty_label=_("Any kind"))
    locals()["from"] = django_filters.DateFilter(label=_("From"), method="filter_from")
    to = django_filters.DateFilter(label=_("To"), method="filter_to")

    class Meta:
        model = Meeting
        fields = ["body", "level", "area", "member", "status", "kind"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        user = user or getattr(self.request, "user", None)
        bodies = bodies_visible_to(user).order_by("rank", "code")
        self.filters["body"].queryset = bodies
        self.filters["area"].queryset = CooperationArea.objects.order_by("position")
        self.filters["member"].queryset = Member.objects.order_by("name_en")
        self.filters["level"].extra["choices"] = _level_choices

    @property
    def form(self):
        form = super().form
        for name, field in form.fields.items():
            css = "form-control form-control-sm" if name in ("from", "to") else "form-select form-select-sm"
            field.widget.attrs.setdefault("class", css)
            if name in ("from", "to"):
                field.widget.input_type = "date"
        return form

    def filter_area(self, queryset, name, value):
        return queryset.filter(body__in=Body.objects.filter(areas=value).values("pk"))

    def filter_member(self, queryset, name, value):
        bodies = Body.objects.filter(Q(participants__isnull=True) | Q(participants=value)).values("pk")
        return queryset.filter(body__in=bodies)

    def filter_from(self, queryset, name, value):
        return queryset.filter(ends_at__gt=_day_start(value))

    def filter_to(self, queryset, name, value):
        if value == dt.date.max:  # no day after it: nothing is left out
            return queryset
        return queryset.filter(starts_at__lt=_day_start(value + dt.timedelta(days=1)))


def meeting_list(*, user) -> QuerySet[Meeting]:
    """Meetings the user may see, with what a list row shows (two tables joined, no per-row query)."""
    return meetings_visible_to(user).select_related("body", "venue").order_by("starts_at", "id")


def meetings_between(*, user, start: dt.datetime, end: dt.datetime, queryset=None) -> list[Meeting]:
    qs = queryset if queryset is not None else meeting_list(user=user)
    return list(qs.filter(starts_at__lt=end, ends_at__gt=start).order_by("starts_at", "id"))


def meeting_get(*, user, pk: int) -> Meeting:
    """One meeting the user may see (404 otherwise, so that ids of hidden meetings reveal nothing)."""
    meeting = meetings_visible_to(user).select_related("body", "venue", "series").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def meeting_detail(*, user, pk: int) -> Meeting:
    """A meeting with its agenda, papers, attendance, reschedules and minutes, in a fixed number of queries."""
    meeting = (
        meetings_visible_to(user)
        .select_related("body", "venue", "series")
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("area").order_by("position")),
            Prefetch("papers", queryset=Paper.objects.order_by("reference")),
            Prefetch("attendance", queryset=Attendance.objects.select_related("member").order_by("member__name_en")),
            Prefetch(
                "slot_changes",
                queryset=MeetingSlotChange.objects.select_related("previous_venue", "new_venue", "changed_by"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    meeting.minutes_or_none = Minutes.objects.filter(meeting=meeting).select_related("approved_by").first()
    return meeting


def same_day_meetings(*, meeting: Meeting) -> list[Meeting]:
    """Other meetings of the same body on the same day (in the Council's time zone): a warning, not an error."""
    tz = _tz()
    day = timezone.localtime(meeting.starts_at, tz).date()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return list(
        Meeting.objects.filter(
            body_id=meeting.body_id, starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1)
        )
        .exclude(pk=meeting.pk)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at")
    )


def attendance_roster(*, meeting: Meeting) -> list[dict]:
    """Each member sitting in the body on the day of the meeting, with what is recorded for it (if anything)."""
    day = timezone.localtime(meeting.starts_at, _tz()).date()
    recorded = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    return [{"member": m, "attendance": recorded.get(m.pk)} for m in body_members_on(body=meeting.body, day=day)]


def series_get(*, user, pk: int) -> MeetingSeries:
    series = MeetingSeries.objects.select_related("body", "venue").filter(pk=pk).first()
    if series is None or not bodies_visible_to(user).filter(pk=series.body_id).exists():
        raise Http404
    return series


def series_list(*, user) -> QuerySet[MeetingSeries]:
    return MeetingSeries.objects.filter(body__in=bodies_visible_to(user).values("pk")).select_related("body", "venue")


def papers_visible_to(user) -> QuerySet[Paper]:
    return of_visible_meetings(Paper.objects.select_related("body", "meeting"), user)


def agenda_items_visible_to(user) -> QuerySet[AgendaItem]:
    return of_visible_meetings(AgendaItem.objects.select_related("area"), user)


def attendance_visible_to(user) -> QuerySet[Attendance]:
    return of_visible_meetings(Attendance.objects.select_related("member"), user)


# --- series -------------------------------------------------------------------------------------------------

SERIES_MAX_OCCURRENCES = 500


def rrule_occurrences(*, rrule: str, first_starts_at: dt.datetime) -> list[dt.datetime]:
    """The start of every occurrence (aware, UTC) of an RFC 5545 rule, on the Council's wall clock.

    Refuses a rule that does not parse, yields nothing, or more than ``SERIES_MAX_OCCURRENCES``
    (an unbounded rule is refused as well)."""
    text = (rrule or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if not text or "\n" in text or "DTSTART" in text.upper():
        raise ValidationError({"rrule": gettext("Enter one recurrence rule, for example FREQ=MONTHLY;COUNT=12.")})
    tz = _tz()
    local_start = timezone.localtime(first_starts_at, tz)
    try:
        try:
            rule = rrulestr(text, dtstart=local_start)
            starts = list(islice(iter(rule), SERIES_MAX_OCCURRENCES + 1))
        except ValueError as exc:
            if "UNTIL" not in str(exc):
                raise
            # UNTIL written as a local date-time: read the rule on the naive wall clock.
            rule = rrulestr(text, dtstart=local_start.replace(tzinfo=None))
            starts = [s.replace(tzinfo=tz) for s in islice(iter(rule), SERIES_MAX_OCCURRENCES + 1)]
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise ValidationError(
            {"rrule": gettext("This is not a valid recurrence rule: %(error)s") % {"error": exc}}
        ) from exc
    if not starts:
        raise ValidationError({"rrule": gettext("This rule yields no occurrence.")})
    if len(starts) > SERIES_MAX_OCCURRENCES:
        raise ValidationError(
            {"rrule": gettext("This rule yields more than %(max)d occurrences.") % {"max": SERIES_MAX_OCCURRENCES}}
        )
    # Re-attach the zone so the UTC offset follows the wall-clock date (summer and winter time).
    return [s.replace(tzinfo=None).replace(tzinfo=tz).astimezone(dt.UTC) for s in starts]


def series_preview(
    *,
    body: Body,
    rrule: str,
    first_starts_at: dt.datetime,
    ends_at: dt.datetime,
    venue: Venue | None,
) -> list[dict]:
    """Every occurrence of a would-be series with what it clashes with: a booked venue (``conflict``), the body
    not existing that day (``invalid``), or another meeting of the body the same day (``warning``).
    Two queries whatever the number of occurrences."""
    if ends_at <= first_starts_at:
        raise ValidationError({"ends_at": gettext("The meeting must end after it starts.")})
    duration = ends_at - first_starts_at
    starts = rrule_occurrences(rrule=rrule, first_starts_at=first_starts_at)
    tz = _tz()
    lo, hi = starts[0] - dt.timedelta(days=1), starts[-1] + duration + dt.timedelta(days=1)
    booked = []
    if venue is not None:
        booked = list(
            Meeting.objects.filter(venue=venue, starts_at__lt=hi, ends_at__gt=lo)
            .exclude(status=MeetingStatus.CANCELLED)
            .select_related("body")
            .order_by("starts_at")
        )
    same_body: dict[dt.date, list[Meeting]] = {}
    for m in (
        Meeting.objects.filter(body=body, starts_at__lt=hi, ends_at__gt=lo)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at")
    ):
        same_body.setdefault(timezone.localtime(m.starts_at, tz).date(), []).append(m)
    rows = []
    for start in starts:
        end = start + duration
        day = timezone.localtime(start, tz).date()
        clash = next((m for m in booked if m.starts_at < end and m.ends_at > start), None)
        rows.append(
            {
                "starts_at": start,
                "ends_at": end,
                "day": day,
                "invalid": ""
                if body.exists_on(day)
                else gettext("%(body)s does not exist on that day.") % {"body": body.code},
                "conflict": (
                    gettext("%(venue)s is booked by %(meeting)s.")
                    % {"venue": venue.name, "meeting": f"{clash.body.code} {clash.title}"}
                    if clash
                    else ""
                ),
                "warning": (
                    gettext("%(body)s already meets that day.") % {"body": body.code} if same_body.get(day) else ""
                ),
            }
        )
    return rows


# --- calendar layout -----------------------------------------------------------------------------------------


def month_weeks(*, year: int, month: int, meetings: list[Meeting]) -> list[list[dict]]:
    """Weeks (Monday first) of day cells for a month, each with the meetings starting that day (user's zone)."""
    by_day: dict[dt.date, list[Meeting]] = {}
    for m in meetings:
        by_day.setdefault(timezone.localtime(m.starts_at).date(), []).append(m)
    today = timezone.localdate()
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [{"day": d, "in_month": d.month == month, "today": d == today, "meetings": by_day.get(d, [])} for d in week]
        )
    return weeks


def week_days(*, monday: dt.date, meetings: list[Meeting]) -> list[dict]:
    by_day: dict[dt.date, list[Meeting]] = {}
    for m in meetings:
        by_day.setdefault(timezone.localtime(m.starts_at).date(), []).append(m)
    today = timezone.localdate()
    return [
        {"day": d, "today": d == today, "meetings": by_day.get(d, [])}
        for d in (monday + dt.timedelta(days=i) for i in range(7))
    ]


# --- feeds ---------------------------------------------------------------------------------------------------

FEED_PAST_DAYS = 400


def user_by_calendar_token(token: str):
    from django.contrib.auth import get_user_model

    if not token or len(token) < 20:
        return None
    return get_user_model().objects.filter(calendar_token=token, is_active=True).select_related("member").first()


def feed_meetings(*, user, scope: str, body: Body | None = None, now: dt.datetime | None = None) -> list[Meeting]:
    """Meetings for a calendar feed: the last ~13 months and everything ahead, one query."""
    now = now or timezone.now()
    qs = meeting_list(user=user).filter(ends_at__gte=now - dt.timedelta(days=FEED_PAST_DAYS))
    if scope == "body":
        qs = qs.filter(body=body)
    elif scope == "followed":
        qs = qs.filter(body__in=user.followed_bodies.values("pk"))
    return list(qs)


# --- home page -----------------------------------------------------------------------------------------------


def dashboard_panels(*, user) -> list[dict]:
    """The secretariat sees meetings to record and minutes to draft; the chair's office minutes to approve."""
    if not user.is_authenticated:
        return []
    now = timezone.now()
    panels = []
    if user.role == Role.SECRETARIAT:
        unrecorded = list(
            Meeting.objects.filter(status=MeetingStatus.SCHEDULED, ends_at__lt=now)
            .select_related("body")
            .order_by("-starts_at")[:8]
        )
        panels.append(
            {
                "template": "meetings/scheduling/panel_meetings.html",
                "context": {
                    "id": "unrecorded",
                    "title": _("Past meetings to record"),
                    "meetings": unrecorded,
                    "empty": _("Every past meeting is recorded."),
                },
            }
        )
    if user.role in (Role.SECRETARIAT, Role.CHAIR):
        drafts = list(
            Meeting.objects.filter(minutes__status=MinutesStatus.DRAFT)
            .select_related("body")
            .order_by("-starts_at")[:8]
        )
        panels.append(
            {
                "template": "meetings/scheduling/panel_meetings.html",
                "context": {
                    "id": "minutes-draft",
                    "title": _("Minutes awaiting approval"),
                    "meetings": drafts,
                    "empty": _("No minutes await approval."),
                },
            }
        )
    return panels
