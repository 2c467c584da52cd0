"""Pages: joint decisions, silence procedures, reservations and implementation issues."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from committees.models import Role
from committees.selectors import bodies_visible_to
from cooperation.forms import form_apply_errors
from nrc.pagination import paginate
from nrc.permissions import require_role

from ..forms.decisions import (
    DecisionFilterForm,
    DecisionRecordForm,
    IssueAgendaForm,
    IssueAnswerForm,
    IssueRaiseForm,
    ReservationForm,
    SilenceBreakForm,
)
from ..models import DecisionMethod, DecisionStatus, IssueStatus
from ..selectors.decisions import (
    decision_get,
    decision_list,
    issue_get,
    issue_list,
    meetings_for_agenda,
    meetings_held_for_decisions,
    meetings_offered_for_decisions,
)
from ..services.decisions import (
    decision_record,
    issue_answer,
    issue_put_on_agenda,
    issue_raise,
    reservation_enter,
    silence_break,
)

PAGE_SIZE = 25


@require_GET
def decision_list_view(request):
    form = DecisionFilterForm(request.GET or None, bodies=bodies_visible_to(request.user).order_by("rank", "code"))
    filters = form.selector_kwargs() if form.is_valid() else {}
    page, query = paginate(request, decision_list(user=request.user, **filters), PAGE_SIZE)
    return render(
        request,
        "meetings/decisions/decision_list.html",
        {"form": form, "page": page, "decisions": list(page.object_list), "query": query},
    )


@require_http_methods(["GET", "POST"])
def decision_create_view(request):
    require_role(request.user, Role.SECRETARIAT)
    meetings = meetings_held_for_decisions(user=request.user)
    initial = {"method": DecisionMethod.CONSENSUS}
    if request.GET.get("meeting", "").isdigit():
        initial["meeting"] = int(request.GET["meeting"])
    chosen = request.POST.get("meeting", "") if request.method == "POST" else ""
    selected = int(chosen) if chosen.isdigit() else initial.get("meeting")
    offered = meetings_offered_for_decisions(user=request.user, selected=selected)
    form = DecisionRecordForm(request.POST or None, initial=initial, meetings=meetings, offered=offered)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = decision_record(
                meeting=data["meeting"],
                reference=data["reference"],
                title=data["title"],
                text=data["text"],
                areas=data["areas"],
                method=data["method"],
                silence_deadline=data["silence_deadline"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Decision %(reference)s recorded.") % {"reference": decision.reference})
            return redirect("meetings:decision_detail", pk=decision.pk)
    return render(request, "meetings/decisions/decision_form.html", {"form": form})


def _decision_page(request, decision, *, status=200, **forms):
    user = request.user
    context = {"decision": decision}
    if user.role == Role.DELEGATION:
        member_id = user.member_id
        broke = any(b.member_id == member_id for b in decision.silence_breaks.all())
        reserved = any(r.member_id == member_id for r in decision.reservations.all())
        if decision.method == DecisionMethod.SILENCE and decision.status != DecisionStatus.ADOPTED and not broke:
            context["break_form"] = forms.get("break_form") or SilenceBreakForm()
        if decision.status != DecisionStatus.SILENCE_BROKEN and not reserved:
            context["reservation_form"] = forms.get("reservation_form") or ReservationForm()
        if decision.status == DecisionStatus.ADOPTED:
            context["issue_form"] = forms.get("issue_form") or IssueRaiseForm()
    return render(request, "meetings/decisions/decision_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def decision_detail_view(request, pk: int):
    """The decision page; delegations post their break of silence, reservation or issue to it."""
    if request.method == "POST":
        handler = {
            "break_silence": _silence_break,
            "reservation": _reservation,
            "raise_issue": _issue_raise,
        }.get(request.POST.get("action"))
        if handler is None:
            return HttpResponseBadRequest(_("Unknown action."))
        return handler(request, pk)
    return _decision_page(request, decision_get(user=request.user, pk=pk))


def _delegation_post(request, pk, form_class, form_key, call):
    require_role(request.user, Role.DELEGATION)
    decision = decision_get(user=request.user, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            message = call(decision, form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("meetings:decision_detail", pk=decision.pk)
    return _decision_page(request, decision_get(user=request.user, pk=pk), status=400, **{form_key: form})


def _silence_break(request, pk: int):
    def call(decision, data):
        silence_break(
            decision=decision, member=request.user.member, statement=data["statement"], acting_user=request.user
        )
        return _("Your delegation broke silence.")

    return _delegation_post(request, pk, SilenceBreakForm, "break_form", call)


def _reservation(request, pk: int):
    def call(decision, data):
        reservation_enter(decision=decision, member=request.user.member, text=data["text"], acting_user=request.user)
        return _("Your reservation was entered.")

    return _delegation_post(request, pk, ReservationForm, "reservation_form", call)


def _issue_raise(request, pk: int):
    def call(decision, data):
        issue_raise(
            decision=decision,
            member=request.user.member,
            title=data["title"],
            description=data["description"],
            acting_user=request.user,
        )
        return _("The implementation issue was raised.")

    return _delegation_post(request, pk, IssueRaiseForm, "issue_form", call)


@require_GET
def issue_list_view(request):
    status = request.GET.get("status") if request.GET.get("status") in IssueStatus.values else None
    page = Paginator(issue_list(user=request.user, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/decisions/issue_list.html",
        {"page": page, "issues": list(page.object_list), "status": status, "statuses": IssueStatus.choices},
    )


def _issue_page(request, issue, *, status=200, answer_form=None, agenda_form=None):
    context = {"issue": issue}
    if request.user.role == Role.SECRETARIAT:
        context["answer_form"] = answer_form or IssueAnswerForm(initial={"status": issue.status})
        if issue.status != IssueStatus.RESOLVED:
            context["agenda_form"] = agenda_form or IssueAgendaForm(meetings=meetings_for_agenda(user=request.user))
    return render(request, "meetings/decisions/issue_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def issue_detail_view(request, pk: int):
    """The issue page; the secretariat posts its answer, or the meeting to put the issue on, to it."""
    if request.method == "POST":
        handler = {"answer": _issue_answer, "agenda": _issue_agenda}.get(request.POST.get("action"))
        if handler is None:
            return HttpResponseBadRequest(_("Unknown action."))
        return handler(request, pk)
    return _issue_page(request, issue_get(user=request.user, pk=pk))


def _issue_answer(request, pk: int):
    require_role(request.user, Role.SECRETARIAT)
    issue = issue_get(user=request.user, pk=pk)
    form = IssueAnswerForm(request.POST)
    if form.is_valid():
        try:
            issue_answer(
                issue=issue,
                text=form.cleaned_data["text"],
                status=form.cleaned_data["status"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("The answer was sent."))
            return redirect("meetings:issue_detail", pk=issue.pk)
    return _issue_page(request, issue_get(user=request.user, pk=pk), status=400, answer_form=form)


def _issue_agenda(request, pk: int):
    require_role(request.user, Role.SECRETARIAT)
    issue = issue_get(user=request.user, pk=pk)
    form = IssueAgendaForm(request.POST, meetings=meetings_for_agenda(user=request.user))
    if form.is_valid():
        try:
            item = issue_put_on_agenda(issue=issue, meeting=form.cleaned_data["meeting"], acting_user=request.user)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("The issue is item %(position)s on the agenda of %(meeting)s.")
                % {"position": item.position, "meeting": f"{item.meeting.body.code} {item.meeting.title}"},
            )
            return redirect("meetings:issue_detail", pk=issue.pk)
    return _issue_page(request, issue_get(user=request.user, pk=pk), status=400, agenda_form=form)


urlpatterns = [
    path("decisions/", decision_list_view, name="decision_list"),
    path("decisions/new/", decision_create_view, name="decision_create"),
    path("decisions/<int:pk>/", decision_detail_view, name="decision_detail"),
    path("issues/", issue_list_view, name="issue_list"),
    path("issues/<int:pk>/", issue_detail_view, name="issue_detail"),
]
