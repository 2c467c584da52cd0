"""Pages: extraordinary-session requests. Views parse, call one service, and respond."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from committees.models import Role
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

LIST_LIMIT = 200


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


def request_list(request):
    filters = SessionRequestFilter(request.GET or None, queryset=session_request_list(user=request.user))
    rows = filters.qs[:LIST_LIMIT] if filters.is_bound and filters.is_valid() else filters.queryset[:LIST_LIMIT]
    rows = list(rows)
    return render(
        request,
        "meetings/requests/list.html",
        {
            "filter": filters,
            "rows": rows,
            "limit": LIST_LIMIT,
            "may_request": request.user.role in (Role.DELEGATION, Role.CHAIR),
            "is_staff_role": request.user.role in (Role.SECRETARIAT, Role.CHAIR),
        },
    )


@require_http_methods(["GET", "POST"])
def request_create(request):
    require_role(request.user, Role.DELEGATION, Role.CHAIR)
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
            "form": form,
            "slots": slots,
            "on_behalf_of": request.user.member.name if request.user.member_id else _("NATO Secretary General"),
            "no_body": not bodies.exists(),
        },
    )


def request_detail(request, pk: int):
    obj = session_request_get(user=request.user, pk=pk)
    actions = session_request_allowed_actions(request=obj, user=request.user)
    labels = dict(SessionRequestStatus.choices)
    for step in obj.transitions.all():  # prefetched: labels in the reader's language, no query
        step.from_label, step.to_label = labels.get(step.from_status, ""), labels.get(step.to_status, step.to_status)
    return render(
        request,
        "meetings/requests/detail.html",
        {
            "req": obj,
            "requester": requester_label(obj),
            "actions": actions,
            "withdraw_form": WithdrawForm() if "withdrawn" in actions else None,
        },
    )


def request_paper(request, pk: int, paper_pk: int):
    paper = session_request_paper_get(user=request.user, request_pk=pk, paper_pk=paper_pk)
    return FileResponse(
        paper.file.open("rb"),
        as_attachment=True,
        filename=paper.file.name.rsplit("/", 1)[-1],
        content_type=paper.content_type or "application/octet-stream",
    )


def _decision_page(request, pk: int, *, action: str, form_class, template: str, run):
    obj = session_request_get(user=request.user, pk=pk)
    if not session_request_may_ever(request=obj, user=request.user, to_status=action):
        raise PermissionDenied
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run(obj, form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return HttpResponseRedirect(reverse("meetings:request_detail", args=[obj.pk]))
    return render(
        request,
        template,
        {
            "req": obj,
            "requester": requester_label(obj),
            "form": form,
            "allowed": action in session_request_allowed_actions(request=obj, user=request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def request_convene(request, pk: int):
    def run(obj, data):
        meeting = session_request_convene(
            request=obj,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            venue=data["venue"],
            title=data["title"],
            note=data["note"],
            acting_user=request.user,
        )
        messages.success(request, _("The extraordinary session is convened: %(title)s.") % {"title": meeting.title})

    return _decision_page(
        request, pk, action="convened", form_class=ConveneForm, template="meetings/requests/convene.html", run=run
    )


@require_http_methods(["GET", "POST"])
def request_decline(request, pk: int):
    def run(obj, data):
        session_request_decline(request=obj, reasons=data["reasons"], acting_user=request.user)
        messages.success(request, _("The request was declined."))

    return _decision_page(
        request, pk, action="declined", form_class=DeclineForm, template="meetings/requests/decline.html", run=run
    )


@require_http_methods(["GET", "POST"])
def request_withdraw(request, pk: int):
    def run(obj, data):
        session_request_withdraw(request=obj, note=data["note"], acting_user=request.user)
        messages.success(request, _("Your request was withdrawn."))

    return _decision_page(
        request, pk, action="withdrawn", form_class=WithdrawForm, template="meetings/requests/withdraw.html", run=run
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


def request_bodies(request):
    require_role(request.user, Role.SECRETARIAT)
    return render(
        request, "meetings/requests/bodies.html", {"bodies": bodies_extraordinary_settings(user=request.user)}
    )


@require_POST
def request_body_allow(request, body_pk: int):
    require_role(request.user, Role.SECRETARIAT)
    body = get_object_or_404(bodies_extraordinary_settings(user=request.user), pk=body_pk)
    allowed = request.POST.get("allowed") == "1"
    body_allow_extraordinary(body=body, allowed=allowed, acting_user=request.user)
    if allowed:
        messages.success(request, _("%(body)s now allows extraordinary sessions.") % {"body": body.code})
    else:
        messages.success(request, _("%(body)s no longer allows extraordinary sessions.") % {"body": body.code})
    return HttpResponseRedirect(reverse("meetings:request_bodies"))


urlpatterns = [
    path("requests/", request_list, name="request_list"),
    path("requests/new/", request_create, name="request_create"),
    path("requests/queue/", request_queue, name="request_queue"),
    path("requests/bodies/", request_bodies, name="request_bodies"),
    path("requests/bodies/<int:body_pk>/allow/", request_body_allow, name="request_body_allow"),
    path("requests/<int:pk>/", request_detail, name="request_detail"),
    path("requests/<int:pk>/papers/<int:paper_pk>/", request_paper, name="request_paper"),
    path("requests/<int:pk>/convene/", request_convene, name="request_convene"),
    path("requests/<int:pk>/decline/", request_decline, name="request_decline"),
    path("requests/<int:pk>/withdraw/", request_withdraw, name="request_withdraw"),
]
