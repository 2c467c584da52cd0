"""Pages: co-operation areas and their work programmes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from nrc.permissions import require_role

from .forms import AreaAddForm, WorkItemForm, WorkItemUpdateForm, WorkProgrammeForm, form_apply_errors
from .models import WorkItemStatus, WorkProgramme, WorkProgrammeItem
from .selectors import area_detail, area_get, area_list
from .services import area_add, work_item_add, work_item_update, work_programme_create

SECRETARIAT = "secretariat"


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() else 0


@require_GET
def area_list_view(request):
    return render(request, "cooperation/area_list.html", {"areas": area_list(user=request.user)})


def _adopted_decisions():
    from meetings.selectors.decisions import decisions_adopted

    return decisions_adopted()


@require_http_methods(["GET", "POST"])
def area_add_view(request):
    require_role(request.user, SECRETARIAT)
    form = AreaAddForm(request.POST or None, decisions=_adopted_decisions())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            area = area_add(
                code=data["code"],
                name_en=data["name_en"],
                name_fr=data["name_fr"],
                name_ru=data["name_ru"],
                description=data["description"],
                decision=data["decision"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("The area %(code)s was added.") % {"code": area.code})
            return redirect("cooperation:area_detail", code=area.code)
    return render(request, "cooperation/area_form.html", {"form": form})


def _bodies():
    from committees.models import Body

    return list(Body.objects.order_by("rank", "code"))


def _area_page(request, area, *, status=200, programme_form=None, item_forms=None):
    context = area_detail(user=request.user, area=area)
    if request.user.role == SECRETARIAT:
        context["programme_form"] = programme_form or WorkProgrammeForm()
        item_forms = item_forms or {}
        bodies = _bodies()
        for programme in context["programmes"]:
            programme.item_form = item_forms.get(programme.pk) or WorkItemForm(bodies=bodies, prefix=f"p{programme.pk}")
        context["can_edit"] = True
        context["item_statuses"] = WorkItemStatus.choices
    return render(request, "cooperation/area_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def area_detail_view(request, code: str):
    """The area page; the secretariat posts a new work programme, a new item or an item update to it."""
    if request.method == "POST":
        handler = {
            "programme": _programme_create,
            "item_add": _item_add,
            "item_update": _item_update,
        }.get(request.POST.get("action"))
        if handler is None:
            return HttpResponseBadRequest(_("Unknown action."))
        return handler(request, code)
    return _area_page(request, area_get(user=request.user, code=code))


def _programme_create(request, code: str):
    require_role(request.user, SECRETARIAT)
    area = area_get(user=request.user, code=code)
    form = WorkProgrammeForm(request.POST)
    if form.is_valid():
        try:
            work_programme_create(
                area=area,
                year=form.cleaned_data["year"],
                summary=form.cleaned_data["summary"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("The work programme was created."))
            return redirect("cooperation:area_detail", code=area.code)
    return _area_page(request, area, status=400, programme_form=form)


def _item_add(request, code: str):
    require_role(request.user, SECRETARIAT)
    programme = get_object_or_404(
        WorkProgramme.objects.select_related("area"), pk=_int(request.POST.get("programme")), area__code=code
    )
    form = WorkItemForm(request.POST, bodies=_bodies(), prefix=f"p{programme.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            work_item_add(
                programme=programme,
                title=data["title"],
                lead_body=data["lead_body"],
                due_on=data["due_on"],
                status=data["status"],
                progress=data["progress"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("The item was added."))
            return redirect("cooperation:area_detail", code=programme.area.code)
    return _area_page(request, programme.area, status=400, item_forms={programme.pk: form})


def _item_update(request, code: str):
    require_role(request.user, SECRETARIAT)
    item = get_object_or_404(
        WorkProgrammeItem.objects.select_related("programme__area"),
        pk=_int(request.POST.get("item")),
        programme__area__code=code,
    )
    form = WorkItemUpdateForm(request.POST)
    if form.is_valid():
        try:
            work_item_update(
                item=item,
                status=form.cleaned_data["status"],
                progress=form.cleaned_data["progress"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The item was updated."))
    else:
        messages.error(request, _("Give a status and a progress from 0 to 100."))
    return redirect("cooperation:area_detail", code=item.programme.area.code)
