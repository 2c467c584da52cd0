"""Reads: scheduling, scoped to the user. Every list runs a fixed number of queries whatever its size."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import zoneinfo
from itertools import islice

import django_filters
from dateutil.rrule import rrulestr
from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber, TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from committees.levels import level_label
from committees.models import Body, Member, Role
from committees.selectors import bodies_visible_to, body_choice_rows, body_members_on
from cooperation.models import CooperationArea, name_choice_rows
from nrc.errors import ValidationError
from nrc.widgets import model_choice_rows, quick_selects

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
        fields = form.fields
        model_choice_rows(fields["body"], lambda: body_choice_rows(fields["body"].queryset))
        model_choice_rows(fields["area"], lambda: name_choice_rows(fields["area"].queryset, code=True))
        model_choice_rows(fields["member"], lambda: name_choice_rows(fields["member"].queryset))
        return quick_selects(form)

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


class MeetingPageFilter(MeetingFilter):
    """The meeting list page's filters: ``from`` is applied by ``MeetingsFrom`` (which pages through the coming
    meetings along the ``starts_at`` index), not as a condition on ``ends_at``."""

    def filter_from(self, queryset, name, value):
        return queryset


def meeting_list(*, user) -> QuerySet[Meeting]:
    """Meetings the user may see, with what a list row shows (two tables joined, no per-row query)."""
    return meetings_visible_to(user).select_related("body", "venue").order_by("starts_at", "id")


LIST_FIELDS = ("id", "body__code", "venue__name", "kind", "status", "title", "starts_at", "ends_at")


class MeetingsFrom:
    """The meetings of ``queryset`` that end after ``start``, in (start, id) order, for a ``Paginator``: those
    under way at ``start`` (few), then those starting at or after it (a range of the ``starts_at`` index).

    ``queryset.filter(ends_at__gt=start).order_by("starts_at")[:50]`` gives the same rows, but PostgreSQL reads
    it by walking the ``starts_at`` index from the first meeting ever and dropping every one that ended before
    ``start``: 100,000 rows for the coming meetings. Three queries per page: the meetings under way, the count
    and the page of the others."""

    def __init__(self, queryset: QuerySet[Meeting], start: dt.datetime):
        ordered = queryset.only(*LIST_FIELDS).order_by("starts_at", "id")
        self._under_way_qs = ordered.filter(starts_at__lt=start, ends_at__gt=start)
        self._later = ordered.filter(starts_at__gte=start)
        self._under_way: list[Meeting] | None = None
        self._count: int | None = None

    @property
    def under_way(self) -> list[Meeting]:
        if self._under_way is None:
            self._under_way = list(self._under_way_qs)
        return self._under_way

    def count(self) -> int:
        if self._count is None:
            self._count = len(self.under_way) + self._later.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Meeting]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("MeetingsFrom supports plain slices only")
        lo, hi = index.start or 0, index.stop if index.stop is not None else self.count()
        first = self.under_way[lo:hi]
        n = len(self.under_way)
        rest = list(self._later[max(lo - n, 0) : hi - n]) if hi > n else []
        return first + rest


def meeting_get(*, user, pk: int) -> Meeting:
    """One meeting the user may see (404 otherwise, so that ids of hidden meetings reveal nothing)."""
    meeting = meetings_visible_to(user).select_related("body", "venue", "series").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def meeting_detail(*, user, pk: int) -> Meeting:
    """A meeting with its agenda, papers, attendance, reschedules and minutes, in a fixed number of queries (the
    minutes joined to the meeting: five queries)."""
    meeting = (
        meetings_visible_to(user)
        .select_related("body", "venue", "series", "minutes__approved_by")
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
    try:
        meeting.minutes_or_none = meeting.minutes
    except Minutes.DoesNotExist:
        meeting.minutes_or_none = None
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


MONTH_CELL_MEETINGS = 3  # a month view's day cell lists this many meetings, then "+N more"
WEEK_DAY_MEETINGS = 8  # a week view's day lists this many


def meetings_by_day(*, queryset: QuerySet[Meeting], start: dt.date, end: dt.date, per_day: int) -> dict:
    """The first ``per_day`` meetings of each day from ``start`` (inclusive) to ``end`` (exclusive), with the
    number of meetings of each day, by their start in the user's time zone. One query, whatever the number of
    meetings: the database numbers and counts each day's meetings (window functions) and returns only the first
    ``per_day`` of each day. Returns {day: {"meetings": [...], "total": n}}."""
    tz = timezone.get_current_timezone()
    day = TruncDate("starts_at", tzinfo=tz)
    rows = (
        queryset.filter(starts_at__gte=_day_start(start), starts_at__lt=_day_start(end))
        .only(*LIST_FIELDS)
        .annotate(
            day_rank=Window(RowNumber(), partition_by=[day], order_by=[F("starts_at").asc(), F("id").asc()]),
            day_total=Window(Count("id"), partition_by=[day]),
        )
        .filter(day_rank__lte=per_day)
        .order_by("starts_at", "id")
    )
    days: dict[dt.date, dict] = {}
    for m in rows:
        cell = days.setdefault(timezone.localtime(m.starts_at).date(), {"meetings": [], "total": m.day_total})
        cell["meetings"].append(m)
    return days


def _cell(days: dict, d: dt.date) -> dict:
    found = days.get(d) or {"meetings": [], "total": 0}
    return {
        "day": d,
        "meetings": found["meetings"],
        "total": found["total"],
        "more": found["total"] - len(found["meetings"]),
    }


def month_weeks(*, year: int, month: int, days: dict) -> list[list[dict]]:
    """Weeks (Monday first) of day cells for a month, each with its first meetings (``meetings_by_day``), the
    number of meetings that day and how many are not listed (``more``)."""
    today = timezone.localdate()
    return [
        [_cell(days, d) | {"in_month": d.month == month, "today": d == today} for d in week]
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]


def week_days(*, monday: dt.date, days: dict) -> list[dict]:
    today = timezone.localdate()
    return [_cell(days, d) | {"today": d == today} for d in (monday + dt.timedelta(days=i) for i in range(7))]


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
