"""Pages: extraordinary-session requests. Views parse, call one service, and respond."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from committees.models import Role
from nrc.pagination import paginate
from nrc.permissions import require_role

from ..forms.session_requests import (
    ConveneForm,
    DeclineForm,
    ProposedSlotFormSet,
    SessionRequestFilter,
    SessionRequestForm,
    WithdrawForm,
)
from ..models import SessionRequestStatus
from ..selectors.session_requests import (
    bodies_extraordinary_settings,
    bodies_for_request,
    session_request_get,
    session_request_list,
    session_request_paper_get,
    session_request_queue,
    session_request_statistics,
)
from ..services.session_requests import (
    body_allow_extraordinary,
    requester_label,
    session_request_allowed_actions,
    session_request_convene,
    session_request_decline,
    session_request_may_ever,
    session_request_submit,
    session_request_withdraw,
)

LIST_PAGE_SIZE = 50


def _errors_to_form(form, exc: ValidationError, fallback: str | None = None) -> None:
    """Show a service's error on the field it names (or above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else fallback
            for error in errors:
                form.add_error(target, error.messages[0] if error.messages else str(error))
    else:
        for message in exc.messages:
            form.add_error(None, message)


@require_GET
def request_list(request):
    filters = SessionRequestFilter(request.GET or None, queryset=session_request_list(user=request.user))
    rows = filters.qs if filters.is_bound and filters.is_valid() else filters.queryset
    page, query = paginate(request, rows, LIST_PAGE_SIZE)
    return render(
        request,
        "meetings/requests/list.html",
        {
            "filter": filters,
            "rows": list(page.object_list),
            "page": page,
            "query": query,
            "may_request": request.user.role in (Role.DELEGATION, Role.CHAIR),
            "is_staff_role": request.user.role in (Role.SECRETARIAT, Role.CHAIR),
        },
    )


MAY_REQUEST = (Role.DELEGATION, Role.CHAIR)


@require_http_methods(["GET", "POST"])
def request_create(request):
    """Delegations (for their member) and the chair's office (for the Secretary General) get the form; the other
    roles are told who may ask, and a POST from them is refused."""
    may_request = request.user.role in MAY_REQUEST
    if request.method == "POST":
        require_role(request.user, *MAY_REQUEST)
    bodies = bodies_for_request(user=request.user)
    form = SessionRequestForm(request.POST or None, request.FILES or None, bodies=bodies)
    slots = ProposedSlotFormSet(request.POST or None, prefix="slots")
    if request.method == "POST" and form.is_valid() and slots.is_valid():
        try:
            created = session_request_submit(
                body=form.cleaned_data["body"],
                grounds=form.cleaned_data["grounds"],
                urgency=form.cleaned_data["urgency"],
                slots=slots.slots(),
                papers=form.cleaned_data["papers"],
                on_behalf_of=request.user.member,
                acting_user=request.user,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Your request #%(id)d was submitted. Every delegation and the secretariat are being notified.")
                % {"id": created.pk},
            )
            return HttpResponseRedirect(reverse("meetings:request_detail", args=[created.pk]))
    return render(
        request,
        "meetings/requests/form.html",
        {
            "may_request": may_request,
            "form": form,
            "slots": slots,
            "on_behalf_of": request.user.member.name if request.user.member_id else _("NATO Secretary General"),
            "no_body": may_request and not bodies.exists(),
        },
    )


DECISION_FORMS = {
    SessionRequestStatus.CONVENED: ConveneForm,
    SessionRequestStatus.DECLINED: DeclineForm,
    SessionRequestStatus.WITHDRAWN: WithdrawForm,
}


def _convene_initial(obj) -> dict:
    """Offer the first proposed date (in the reader's time zone) as the starting point."""
    slots = list(obj.proposed_slots.all())  # prefetched
    if not slots:
        return {}
    start, end = timezone.localtime(slots[0].starts_at), timezone.localtime(slots[0].ends_at)
    if end.date() != start.date():
        end = start + dt.timedelta(hours=2)
    return {"date": start.date(), "start_time": start.time(), "end_time": end.time()}


def _detail_response(request, obj, *, bound=None, status: int = 200):
    """The request's page, with a form for each move the user may make now (``bound`` keeps a submitted one)."""
    actions = session_request_allowed_actions(request=obj, user=request.user)
    labels = dict(SessionRequestStatus.choices)
    for step in obj.transitions.all():  # prefetched: labels in the reader's language, no query
        step.from_label, step.to_label = labels.get(step.from_status, ""), labels.get(step.to_status, step.to_status)
    forms = {
        to: (
            bound
            if bound is not None and bound.prefix == to
            else DECISION_FORMS[to](
                prefix=to, initial=_convene_initial(obj) if to == SessionRequestStatus.CONVENED else None
            )
        )
        for to in actions
    }
    return render(
        request,
        "meetings/requests/detail.html",
        {
            "req": obj,
            "requester": requester_label(obj),
            "actions": actions,
            "convene_form": forms.get(SessionRequestStatus.CONVENED),
            "decline_form": forms.get(SessionRequestStatus.DECLINED),
            "withdraw_form": forms.get(SessionRequestStatus.WITHDRAWN),
            "refused": bound.non_field_errors() if bound is not None and bound.prefix not in forms else None,
        },
        status=status,
    )


def request_detail(request, pk: int):
    return _detail_response(request, session_request_get(user=request.user, pk=pk))


@require_POST
def request_status(request, pk: int):
    """Move the request: ``to`` is convened, declined or withdrawn; the matching form's fields come with it."""
    obj = session_request_get(user=request.user, pk=pk)
    to = request.POST.get("to", "")
    if to not in DECISION_FORMS:
        return _detail_response(request, obj, status=400)
    if not session_request_may_ever(request=obj, user=request.user, to_status=to):
        raise PermissionDenied
    form = DECISION_FORMS[to](request.POST, prefix=to)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if to == SessionRequestStatus.CONVENED:
                meeting = session_request_convene(
                    request=obj,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    venue=data["venue"],
                    title=data["title"],
                    note=data["note"],
                    acting_user=request.user,
                )
                done = _("The extraordinary session is convened: %(title)s.") % {"title": meeting.title}
            elif to == SessionRequestStatus.DECLINED:
                session_request_decline(request=obj, reasons=data["reasons"], acting_user=request.user)
                done = _("The request was declined.")
            else:
                session_request_withdraw(request=obj, note=data["note"], acting_user=request.user)
                done = _("Your request was withdrawn.")
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(reverse("meetings:request_detail", args=[obj.pk]))
    return _detail_response(request, session_request_get(user=request.user, pk=pk), bound=form)


def request_paper(request, pk: int, paper_pk: int):
    paper = session_request_paper_get(user=request.user, request_pk=pk, paper_pk=paper_pk)
    return FileResponse(
        paper.file.open("rb"),
        as_attachment=True,
        filename=paper.file.name.rsplit("/", 1)[-1],
        content_type=paper.content_type or "application/octet-stream",
    )


def request_queue(request):
    require_role(request.user, Role.SECRETARIAT, Role.CHAIR)
    return render(
        request,
        "meetings/requests/queue.html",
        {
            "rows": session_request_queue(user=request.user),
            "statistics": session_request_statistics(user=request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def request_bodies(request):
    """The secretariat's setting: which bodies allow extraordinary sessions (POST ``body`` and ``allowed``)."""
    require_role(request.user, Role.SECRETARIAT)
    bodies = bodies_extraordinary_settings(user=request.user)
    if request.method == "POST":
        body_id = request.POST.get("body", "")
        body = bodies.filter(pk=body_id).first() if body_id.isdigit() else None
        if body is None:
            return render(request, "meetings/requests/bodies.html", {"bodies": bodies}, status=400)
        allowed = request.POST.get("allowed") == "1"
        body_allow_extraordinary(body=body, allowed=allowed, acting_user=request.user)
        if allowed:
            messages.success(request, _("%(body)s now allows extraordinary sessions.") % {"body": body.code})
        else:
            messages.success(request, _("%(body)s no longer allows extraordinary sessions.") % {"body": body.code})
        return HttpResponseRedirect(reverse("meetings:request_bodies"))
    return render(request, "meetings/requests/bodies.html", {"bodies": bodies})


urlpatterns = [
    path("requests/", request_list, name="request_list"),
    path("requests/new/", request_create, name="request_create"),
    path("requests/queue/", request_queue, name="request_queue"),
    path("requests/bodies/", request_bodies, name="request_bodies"),
    path("requests/<int:pk>/", request_detail, name="request_detail"),
    path("requests/<int:pk>/status/", request_status, name="request_status"),
    path("requests/<int:pk>/papers/<int:paper_pk>/download/", request_paper, name="request_paper"),
]
