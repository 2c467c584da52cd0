"""Pages: scheduling. Views parse the request, call one service and respond."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from committees.models import Role
from committees.selectors import bodies_visible_to
from nrc.errors import ValidationError
from nrc.jobs import job_start
from nrc.pagination import paginate
from nrc.permissions import has_role

from ..forms import scheduling as forms
from ..ical import meetings_calendar
from ..jobs_scheduling import SERIES_JOB, series_job_params
from ..models import AgendaItem, MeetingStatus, Minutes, MinutesStatus
from ..selectors import scheduling as selectors
from ..services import scheduling as services


def roles_required(*roles):
    """Only the listed roles get in; the others get 403 (anonymous users were sent to log in already)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


secretariat_only = roles_required(Role.SECRETARIAT)


def _call(form, fn, **kwargs):
    """Run a service; put its errors on the form's fields (or the form itself). Returns (ok, result)."""
    try:
        return True, fn(**kwargs)
    except ValidationError as exc:  # includes Conflict
        errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
        for field, errs in errors.items():
            for err in errs:
                for message in err.messages:
                    form.add_error(field if field in form.fields else None, message)
        return False, None


def _parse_day(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


# --- calendar and list ---------------------------------------------------------------------------------------

LIST_PAGE_SIZE = 50


@require_GET
def calendar(request):
    view = request.GET.get("view", "month")
    if view not in ("month", "week", "list"):
        view = "month"
    day = _parse_day(request.GET.get("date"))
    filterset = selectors.MeetingFilter(
        {k: v for k, v in request.GET.items() if k in ("body", "level", "area", "member")},
        queryset=selectors.meeting_list(user=request.user),
        user=request.user,
    )
    queryset = filterset.qs if filterset.is_valid() else selectors.meeting_list(user=request.user).none()
    context = {"view": view, "filter": filterset, "day": day}
    if view == "month":
        first = day.replace(day=1)
        grid_start = first - dt.timedelta(days=first.weekday())
        days = selectors.meetings_by_day(
            queryset=queryset,
            start=grid_start,
            end=grid_start + dt.timedelta(days=42),
            per_day=selectors.MONTH_CELL_MEETINGS,
        )
        prev_month = (first - dt.timedelta(days=1)).replace(day=1)
        next_month = (first + dt.timedelta(days=32)).replace(day=1)
        context |= {
            "weeks": selectors.month_weeks(year=first.year, month=first.month, days=days),
            "period_start": first,
            "prev": prev_month,
            "next": next_month,
            "count": sum(cell["total"] for cell in days.values()),
        }
    elif view == "week":
        monday = day - dt.timedelta(days=day.weekday())
        days = selectors.meetings_by_day(
            queryset=queryset,
            start=monday,
            end=monday + dt.timedelta(days=7),
            per_day=selectors.WEEK_DAY_MEETINGS,
        )
        context |= {
            "days": selectors.week_days(monday=monday, days=days),
            "period_start": monday,
            "period_end": monday + dt.timedelta(days=6),
            "prev": monday - dt.timedelta(days=7),
            "next": monday + dt.timedelta(days=7),
            "count": sum(cell["total"] for cell in days.values()),
        }
    else:
        meetings = selectors.MeetingsFrom(
            queryset.filter(starts_at__lt=_local_midnight(day + dt.timedelta(days=31))), _local_midnight(day)
        )
        page = Paginator(meetings, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
        context |= {
            "meetings": page.object_list,
            "page": page,
            "period_start": day,
            "period_end": day + dt.timedelta(days=30),
            "prev": day - dt.timedelta(days=31),
            "next": day + dt.timedelta(days=31),
            "count": page.paginator.count,
        }
    query = request.GET.copy()
    for key in ("date", "view", "page"):
        query.pop(key, None)
    context["filter_query"] = query.urlencode()
    context["page_query"] = f"view=list&date={day.isoformat()}&{context['filter_query']}"
    context["can_edit"] = has_role(request.user, Role.SECRETARIAT)
    return render(request, "meetings/scheduling/calendar.html", context)


@require_GET
def meeting_list(request):
    data = request.GET.copy()
    if not data.get("from") and not data.get("to"):
        data["from"] = timezone.localdate().isoformat()  # by default, what is coming
    filterset = selectors.MeetingPageFilter(data, queryset=selectors.meeting_list(user=request.user), user=request.user)
    if filterset.is_valid():
        start = filterset.form.cleaned_data.get("from")
        queryset = filterset.qs
        if start is not None:  # the coming meetings, read from the start of the day on (see MeetingsFrom)
            queryset = selectors.MeetingsFrom(queryset, _local_midnight(start))
        else:
            queryset = queryset.only(*selectors.LIST_FIELDS)
    else:
        queryset = selectors.meeting_list(user=request.user).none()
    page, query = paginate(request, queryset, LIST_PAGE_SIZE)
    return render(
        request,
        "meetings/scheduling/meeting_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query,
            "can_edit": has_role(request.user, Role.SECRETARIAT),
        },
    )


@require_GET
def meeting_detail(request, pk: int):
    meeting = selectors.meeting_detail(user=request.user, pk=pk)
    user = request.user
    is_secretariat = has_role(user, Role.SECRETARIAT)
    minutes = meeting.minutes_or_none
    return render(
        request,
        "meetings/scheduling/meeting_detail.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "same_day": selectors.same_day_meetings(meeting=meeting),
            "can_edit": is_secretariat and meeting.status == MeetingStatus.SCHEDULED,
            "can_cancel": has_role(user, Role.SECRETARIAT, Role.CHAIR) and meeting.status == MeetingStatus.SCHEDULED,
            "can_record": is_secretariat and meeting.status == MeetingStatus.HELD,
            "can_mark_held": is_secretariat
            and meeting.status == MeetingStatus.SCHEDULED
            and meeting.starts_at <= timezone.now(),
            "can_agenda": is_secretariat and meeting.status != MeetingStatus.CANCELLED,
            "can_draft_minutes": is_secretariat
            and meeting.status == MeetingStatus.HELD
            and (minutes is None or minutes.status == MinutesStatus.DRAFT),
            "can_approve": has_role(user, Role.CHAIR) and minutes is not None and minutes.status == MinutesStatus.DRAFT,
            "agenda_form": forms.AgendaItemForm(),
        },
    )


# --- create and change ---------------------------------------------------------------------------------------


def _form_page(request, form, *, title, submit, meeting=None, multipart=False, intro=""):
    return render(
        request,
        "meetings/scheduling/form.html",
        {"form": form, "title": title, "submit": submit, "meeting": meeting, "multipart": multipart, "intro": intro},
    )


@secretariat_only
def meeting_create(request):
    form = forms.MeetingForm(request.POST or None, user=request.user, initial={"kind": "regular"})
    if request.method == "POST" and form.is_valid():
        ok, meeting = _call(form, services.meeting_create, acting_user=request.user, **form.cleaned_data)
        if ok:
            messages.success(request, _("The meeting was scheduled."))
            if selectors.same_day_meetings(meeting=meeting):
                messages.warning(request, _("%(body)s has another meeting the same day.") % {"body": meeting.body.code})
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return _form_page(request, form, title=_("Schedule a meeting"), submit=_("Schedule"))


@secretariat_only
def meeting_edit(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    initial = {"title": meeting.title, "kind": meeting.kind, "chair": meeting.chair, "notes": meeting.notes}
    form = forms.MeetingEditForm(request.POST or None, initial=initial, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("title", "kind", "chair", "notes")}
        ok, _r = _call(
            form, services.meeting_update, meeting=meeting, acting_user=request.user, following=form.following, **data
        )
        if ok:
            messages.success(request, _("The meeting was updated."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return _form_page(request, form, title=_("Edit the meeting"), submit=_("Save"), meeting=meeting)


@secretariat_only
def meeting_reschedule(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    initial = {
        "starts_at": timezone.localtime(meeting.starts_at),
        "ends_at": timezone.localtime(meeting.ends_at),
        "venue": meeting.venue_id,
    }
    form = forms.RescheduleForm(request.POST or None, initial=initial, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        ok, _r = _call(
            form,
            services.meeting_reschedule,
            meeting=meeting,
            acting_user=request.user,
            starts_at=form.cleaned_data["starts_at"],
            ends_at=form.cleaned_data["ends_at"],
            venue=form.cleaned_data["venue"],
            reason=form.cleaned_data["reason"],
            following=form.following,
        )
        if ok:
            messages.success(request, _("The meeting was rescheduled; participants will be told."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return _form_page(request, form, title=_("Reschedule the meeting"), submit=_("Reschedule"), meeting=meeting)


@roles_required(Role.SECRETARIAT, Role.CHAIR)
def meeting_cancel(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    form = forms.CancelForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        ok, _r = _call(
            form,
            services.meeting_cancel,
            meeting=meeting,
            acting_user=request.user,
            reason=form.cleaned_data["reason"],
            following=form.following,
        )
        if ok:
            messages.success(request, _("The meeting was cancelled; participants will be told."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return _form_page(request, form, title=_("Cancel the meeting"), submit=_("Cancel the meeting"), meeting=meeting)


def _post_action(request, fn, success: str, **kwargs):
    try:
        fn(acting_user=request.user, **kwargs)
        messages.success(request, success)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)


def _confirm_page(request, *, title, submit, meeting=None, intro="", form=None):
    return _form_page(request, form or forms.ConfirmForm(), title=title, submit=submit, meeting=meeting, intro=intro)


@secretariat_only
def meeting_mark_held(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    if request.method != "POST":
        return _confirm_page(
            request,
            title=_("Record the meeting as held"),
            submit=_("Mark held"),
            meeting=meeting,
            intro=_("Attendance and minutes can be recorded once the meeting is marked held."),
        )
    _post_action(request, services.meeting_mark_held, _("The meeting is recorded as held."), meeting=meeting)
    return redirect("meetings:meeting_detail", pk=pk)


@secretariat_only
def meeting_attendance(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    roster = selectors.attendance_roster(meeting=meeting)
    form = forms.AttendanceForm(request.POST or None, roster=roster)
    if request.method == "POST" and form.is_valid():
        ok, _r = _call(
            form, services.attendance_record, meeting=meeting, acting_user=request.user, rows=form.attendance_rows()
        )
        if ok:
            messages.success(request, _("Attendance was recorded."))
            return redirect("meetings:meeting_detail", pk=pk)
    return render(request, "meetings/scheduling/attendance.html", {"meeting": meeting, "form": form})


@roles_required(Role.SECRETARIAT, Role.CHAIR)
def meeting_minutes(request, pk: int):
    """The minutes: the secretariat drafts them, the chair's office approves them; approved minutes are read-only."""
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if has_role(request.user, Role.CHAIR):
        if minutes is None:
            raise Http404
        if request.method == "POST":
            _post_action(request, services.minutes_approve, _("The minutes are approved."), minutes=minutes)
            return redirect("meetings:meeting_detail", pk=pk)
        return render(request, "meetings/scheduling/minutes_approve.html", {"meeting": meeting, "minutes": minutes})
    if minutes is not None and minutes.status == MinutesStatus.APPROVED:
        raise PermissionDenied
    form = forms.MinutesForm(request.POST or None, initial={"text": minutes.text if minutes else ""})
    if request.method == "POST" and form.is_valid():
        ok, _r = _call(
            form, services.minutes_save, meeting=meeting, acting_user=request.user, text=form.cleaned_data["text"]
        )
        if ok:
            messages.success(request, _("The draft minutes were saved."))
            return redirect("meetings:meeting_detail", pk=pk)
    return _form_page(request, form, title=_("Draft the minutes"), submit=_("Save the draft"), meeting=meeting)


# --- agenda and papers ---------------------------------------------------------------------------------------


@secretariat_only
def agenda_item_add(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    form = forms.AgendaItemForm(request.POST or None)
    if request.method != "POST":
        return _form_page(request, form, title=_("Add an agenda item"), submit=_("Add to the agenda"), meeting=meeting)
    if form.is_valid():
        _post_action(
            request,
            services.agenda_item_add,
            _("The item was added to the agenda."),
            meeting=meeting,
            **form.cleaned_data,
        )
    else:
        messages.error(request, _("Give the agenda item a title."))
    return redirect(reverse("meetings:meeting_detail", args=[pk]) + "#agenda")


def _item(request, pk: int, item_pk: int) -> AgendaItem:
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    return get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=item_pk, meeting=meeting)


@secretariat_only
@require_POST
def agenda_item_move(request, pk: int, item_pk: int, direction: str):
    item = _item(request, pk, item_pk)
    _post_action(request, services.agenda_item_move, _("The agenda was reordered."), item=item, direction=direction)
    return redirect(reverse("meetings:meeting_detail", args=[pk]) + "#agenda")


@secretariat_only
@require_POST
def agenda_item_delete(request, pk: int, item_pk: int):
    item = _item(request, pk, item_pk)
    _post_action(request, services.agenda_item_delete, _("The item was removed from the agenda."), item=item)
    return redirect(reverse("meetings:meeting_detail", args=[pk]) + "#agenda")


@secretariat_only
def paper_upload(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    year = timezone.localtime(meeting.starts_at).year
    form = forms.PaperForm(request.POST or None, request.FILES or None, initial={"reference": ""})
    if request.method == "POST" and form.is_valid():
        ok, _r = _call(form, services.paper_upload, meeting=meeting, acting_user=request.user, **form.cleaned_data)
        if ok:
            messages.success(request, _("The paper was added."))
            return redirect(reverse("meetings:meeting_detail", args=[pk]) + "#papers")
    return _form_page(
        request,
        form,
        title=_("Add a paper"),
        submit=_("Upload"),
        meeting=meeting,
        multipart=True,
        intro=_("References are unique for %(body)s in %(year)d.") % {"body": meeting.body.code, "year": year},
    )


@require_GET
def paper_download(request, paper_pk: int):
    paper = selectors.papers_visible_to(request.user).filter(pk=paper_pk).first()
    if paper is None:
        raise Http404
    response = FileResponse(
        paper.file.open("rb"),
        as_attachment=True,
        filename=paper.file.name.rsplit("/", 1)[-1],
        content_type=paper.content_type or "application/octet-stream",
    )
    return response


# --- series --------------------------------------------------------------------------------------------------


SERIES_IN_BACKGROUND = 100  # longer series are created by Celery, with a progress page


def _occurrence_count(form, common) -> int:
    try:
        return len(selectors.rrule_occurrences(rrule=common["rrule"], first_starts_at=common["first_starts_at"]))
    except ValidationError:
        return 0  # the synchronous path reports the error on the field


@secretariat_only
def series_create(request):
    form = forms.SeriesForm(request.POST or None, user=request.user, initial={"kind": "regular"})
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {
            "body": data["body"],
            "rrule": data["rrule"],
            "first_starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "venue": data["venue"],
        }
        if "save" in request.POST and _occurrence_count(form, common) > SERIES_IN_BACKGROUND:
            job = job_start(kind=SERIES_JOB, params=series_job_params(data=data), acting_user=request.user)
            return redirect("job_detail", pk=job.pk)
        if "save" in request.POST:
            ok, series = _call(
                form,
                services.series_create,
                acting_user=request.user,
                title=data["title"],
                kind=data["kind"],
                chair=data["chair"],
                skip_conflicts=data["skip_conflicts"],
                **common,
            )
            if ok:
                messages.success(
                    request, _("The series was created with %(n)d meetings.") % {"n": series.meetings.count()}
                )
                return redirect("meetings:series_detail", pk=series.pk)
        ok, preview = _call(form, selectors.series_preview, **common)
    return render(request, "meetings/scheduling/series_form.html", {"form": form, "preview": preview})


@require_GET
def series_detail(request, pk: int):
    series = selectors.series_get(user=request.user, pk=pk)
    meetings = list(series.meetings.select_related("venue").order_by("starts_at"))
    return render(
        request,
        "meetings/scheduling/series_detail.html",
        {
            "series": series,
            "meetings": meetings,
            "cancel_form": forms.SeriesCancelForm(),
            "can_edit": has_role(request.user, Role.SECRETARIAT),
        },
    )


@secretariat_only
def series_cancel_rest(request, pk: int):
    series = selectors.series_get(user=request.user, pk=pk)
    form = forms.SeriesCancelForm(request.POST or None)
    if request.method != "POST":
        return _form_page(
            request, form, title=_("Cancel the rest of the series"), submit=_("Cancel every meeting still to come")
        )
    if not form.is_valid():
        messages.error(request, _("Give the reason for the cancellation."))
    else:
        try:
            n = services.series_cancel_rest(series=series, reason=form.cleaned_data["reason"], acting_user=request.user)
            messages.success(request, _("%(n)d meetings were cancelled.") % {"n": n})
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    return redirect("meetings:series_detail", pk=pk)


# --- subscriptions and feeds ---------------------------------------------------------------------------------


def subscriptions(request):
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue":
            services.calendar_token_issue(user=user, acting_user=user)
            messages.success(request, _("New private feed addresses were issued; the old ones no longer work."))
        elif action == "revoke":
            services.calendar_token_revoke(user=user, acting_user=user)
            messages.success(request, _("Your private feed addresses were revoked."))
        elif action in ("follow", "unfollow"):
            body = bodies_visible_to(user).filter(pk=request.POST.get("body") or 0).first()
            if body is None:
                raise Http404
            services.body_follow(user=user, body=body, follow=action == "follow", acting_user=user)
            messages.success(
                request,
                (_("You follow %(body)s.") if action == "follow" else _("You no longer follow %(body)s."))
                % {"body": body.code},
            )
        return redirect("meetings:subscriptions")
    bodies = list(bodies_visible_to(user).order_by("rank", "code"))
    followed = set(user.followed_bodies.values_list("pk", flat=True))
    token = user.calendar_token
    feeds = None
    if token:
        base = request.build_absolute_uri("/")[:-1]
        feeds = {
            "all": base + reverse("meetings:feed_all", args=[token]),
            "followed": base + reverse("meetings:feed_followed", args=[token]),
        }
        for body in bodies:
            body.feed_url = base + reverse("meetings:feed_body", args=[token, body.pk])
    return render(
        request,
        "meetings/scheduling/subscriptions.html",
        {"bodies": bodies, "followed": followed, "feeds": feeds},
    )


def _feed_response(request, token: str, scope: str, body_pk: int | None = None):
    user = selectors.user_by_calendar_token(token)
    if user is None:
        raise Http404
    body = None
    if scope == "body":
        body = bodies_visible_to(user).filter(pk=body_pk).first()
        if body is None:
            raise Http404
    meetings = selectors.feed_meetings(user=user, scope=scope, body=body)
    names = {"all": _("NRC meetings"), "followed": _("NRC meetings: followed bodies")}
    name = names.get(scope) or f"NRC meetings: {body.code}"
    base = request.build_absolute_uri("/")[:-1]
    data = meetings_calendar(
        meetings, name=name, url_for=lambda m: base + reverse("meetings:meeting_detail", args=[m.pk])
    )
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="nrc-meetings.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_not_required
@never_cache
@require_GET
def feed_all(request, token: str):
    return _feed_response(request, token, "all")


@login_not_required
@never_cache
@require_GET
def feed_followed(request, token: str):
    return _feed_response(request, token, "followed")


@login_not_required
@never_cache
@require_GET
def feed_body(request, token: str, body_pk: int):
    return _feed_response(request, token, "body", body_pk)


urlpatterns = [
    path("", meeting_list, name="meeting_list"),
    path("calendar/", calendar, name="calendar"),
    path("new/", meeting_create, name="meeting_create"),
    path("<int:pk>/", meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", meeting_edit, name="meeting_edit"),
    path("<int:pk>/reschedule/", meeting_reschedule, name="meeting_reschedule"),
    path("<int:pk>/cancel/", meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/held/", meeting_mark_held, name="meeting_mark_held"),
    path("<int:pk>/attendance/", meeting_attendance, name="meeting_attendance"),
    path("<int:pk>/minutes/", meeting_minutes, name="meeting_minutes"),
    path("<int:pk>/agenda/", agenda_item_add, name="agenda_item_add"),
    path("<int:pk>/agenda/<int:item_pk>/move/<str:direction>/", agenda_item_move, name="agenda_item_move"),
    path("<int:pk>/agenda/<int:item_pk>/delete/", agenda_item_delete, name="agenda_item_delete"),
    path("<int:pk>/papers/new/", paper_upload, name="paper_upload"),
    path("papers/<int:paper_pk>/", paper_download, name="paper_download"),
    path("series/new/", series_create, name="series_create"),
    path("series/<int:pk>/", series_detail, name="series_detail"),
    path("series/<int:pk>/cancel/", series_cancel_rest, name="series_cancel_rest"),
    path("subscriptions/", subscriptions, name="subscriptions"),
    path("feeds/<str:token>/all.ics", feed_all, name="feed_all"),
    path("feeds/<str:token>/followed.ics", feed_followed, name="feed_followed"),
    path("feeds/<str:token>/body-<int:body_pk>.ics", feed_body, name="feed_body"),
]
