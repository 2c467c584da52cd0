"""Pages: committees and working groups."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cooperation.forms import form_apply_errors
from cooperation.models import CooperationArea
from nrc.permissions import require_role

from .forms import BodyCreateForm, BodyDissolveForm
from .models import Body, Member, Role
from .selectors import body_detail, body_get, group_list
from .services import body_create, body_dissolve


def _compliance_report_url(body: Body) -> str | None:
    try:
        return f"{reverse('compliance:report')}?body={body.pk}"
    except NoReverseMatch:
        return None


BODY_PAGE_SIZE = 50


@require_GET
def body_list(request):
    page = Paginator(group_list(user=request.user), BODY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "committees/body_list.html", {"bodies": list(page.object_list), "page": page, "query": ""})


@require_http_methods(["GET", "POST"])
def body_detail_view(request, pk: int):
    if request.method == "POST":
        return _body_dissolve(request, pk)
    body = body_get(user=request.user, pk=pk)
    context = body_detail(user=request.user, body=body)
    context["compliance_url"] = _compliance_report_url(body)
    if request.user.role == Role.SECRETARIAT and not body.dissolution_reason:
        context["dissolve_form"] = BodyDissolveForm()
    return render(request, "committees/body_detail.html", context)


DECISIONS_OFFERED = 100  # the set-up form lists the latest adopted decisions, not every one


def _create_form(data=None):
    from meetings.selectors.decisions import decisions_adopted

    decisions = decisions_adopted()
    offered = list(decisions.only("id", "reference")[:DECISIONS_OFFERED])
    chosen = (data or {}).get("established_by", "")
    if chosen.isdigit() and all(d.pk != int(chosen) for d in offered):
        offered += list(decisions.only("id", "reference").filter(pk=int(chosen)))
    return BodyCreateForm(
        data,
        parents=Body.objects.order_by("rank", "code"),
        areas=CooperationArea.objects.order_by("position", "code"),
        members=Member.objects.order_by("name_en"),
        decisions=decisions,
        offered_decisions=offered,
    )


@require_http_methods(["GET", "POST"])
def body_create_view(request):
    require_role(request.user, Role.SECRETARIAT)
    form = _create_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            body = body_create(
                code=data["code"],
                name_en=data["name_en"],
                name_fr=data["name_fr"],
                name_ru=data["name_ru"],
                kind=data["kind"],
                parent=data["parent"],
                basis=data["basis"],
                mandate=data["mandate"],
                existed_from=data["existed_from"],
                existed_to=data["existed_to"],
                areas=data["areas"],
                participants=data["participants"],
                chair=data["chair"],
                co_chair=data["co_chair"],
                cadence_min=data["cadence_min"],
                cadence_period=data["cadence_period"],
                established_by=data["established_by"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("%(code)s was set up.") % {"code": body.code})
            return redirect("committees:body_detail", pk=body.pk)
    return render(request, "committees/body_form.html", {"form": form})


def _body_dissolve(request, pk: int):
    require_role(request.user, Role.SECRETARIAT)
    body = body_get(user=request.user, pk=pk)
    form = BodyDissolveForm(request.POST)
    if form.is_valid():
        try:
            body_dissolve(
                body=body,
                dissolved_on=form.cleaned_data["dissolved_on"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("%(code)s was dissolved.") % {"code": body.code})
            return redirect("committees:body_detail", pk=body.pk)
    context = body_detail(user=request.user, body=body)
    context["compliance_url"] = _compliance_report_url(body)
    context["dissolve_form"] = form
    return render(request, "committees/body_detail.html", context, status=400)
