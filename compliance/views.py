"""Pages: the compliance report (heatmap, drill-down, exports, issued reports), flags and waivers."""

from __future__ import annotations

import html
import json
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import floatformat
from django.urls import NoReverseMatch, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from committees.selectors import bodies_visible_to
from nrc.jobs import job_start
from nrc.pagination import paginate
from nrc.permissions import has_role

from . import services
from .exports import csv_bytes, pdf_bytes
from .filters import FlagFilter
from .forms import FlagAcknowledgeForm, GridFilterForm, WaiverDecisionForm, WaiverProposeForm
from .models import Flag, FlagState, Verdict, WaiverStatus
from .periods import KINDS, calendar_period, parse_label
from .selectors import (
    COMPLIANCE_STAFF,
    SYMBOLS,
    GridParams,
    body_chart,
    cadence_grid,
    flag_list,
    flags_visible_to,
    grid_cell_detail,
    grid_content,
    issued_reports_visible_to,
    waivers_visible_to,
)

# Long ranges are built in the background rather than during the request.
SYNC_EXPORT_MAX_COLUMNS = 240
# Beyond this many cells the page lists the shares per body and offers a coarser view or an export instead.
HTML_MAX_CELLS = 12_000
FLAG_PAGE_SIZE = 50


def _require_staff(user) -> None:
    if not has_role(user, *COMPLIANCE_STAFF):
        raise PermissionDenied


def _filter_form(request) -> GridFilterForm:
    return GridFilterForm(request.GET or {}, user=request.user)


def heatmap_rows(grid, query: str) -> list[str]:
    """The heatmap's rows as HTML. Built here rather than in the template: a grid of all bodies over 25 years
    has about 8,000 cells, which the template engine renders in seconds (a ``{% url %}`` and a plural
    ``blocktranslate`` per cell), plain string building in milliseconds. Every value is escaped or ours.

    What repeats is worked out once: the links' paths are reversed once for the page (with the body's code put
    in as ``reverse`` quotes it) and written relative to the report's own address, the cell's opening tag once
    per body and verdict, its symbol and hidden text once per verdict and count, the share once per value; texts
    are escaped as ``django.utils.html.escape`` escapes them, as plain strings (the row is marked safe once)."""
    granularity = grid.params.granularity
    query = _text(query)
    report = reverse("compliance:report")
    cell_path = _relative(reverse("compliance:cell", args=[_CODE, granularity, _LABEL]), report)
    chart_path = reverse("compliance:chart", args=[_CODE])
    unassessed = _text(_("no period assessed"))
    # (verdict, held) -> (the visible symbol and the start of the hidden text, the rest of the hidden text)
    contents: dict[tuple[str, int], tuple[str, str]] = {}
    verdict_texts: dict[str, str] = {}
    held_texts: dict[int, str] = {}
    shares: dict[float, str] = {}
    rows = []
    for row in grid.rows:
        code = _text(row.body.code)
        path_code = _path_segment(row.body.code)
        cell_head, _sep, cell_tail = _text(cell_path.replace(_CODE, path_code)).partition(_LABEL)
        cell_tail = f"{cell_tail}?{query}"
        chart = _text(chart_path.replace(_CODE, path_code))
        parts = [
            f'<tr><th scope="row" class="text-nowrap"><a href="{chart}?{query}" title="{_text(row.body.name)}">'
            f"{code}</a></th>"
        ]
        add = parts.append
        openings: dict[str, str] = {}
        for cell in row.cells:
            verdict, label, held = cell.verdict, cell.period.label, cell.counts.held
            opening = openings.get(verdict)
            if opening is None:
                opening = openings[verdict] = (
                    f'<td class="hm-cell hm-{verdict}" data-verdict="{verdict}" data-body="{code}" data-period="'
                )
            content = contents.get((verdict, held))
            if content is None:
                verdict_text = verdict_texts.get(verdict)
                if verdict_text is None:
                    verdict_text = verdict_texts[verdict] = _text(cell.verdict_label)
                held_text = held_texts.get(held)
                if held_text is None:
                    held_text = held_texts[held] = _text(
                        ngettext("%(held)s meeting held", "%(held)s meetings held", held) % {"held": held}
                    )
                content = contents[(verdict, held)] = (
                    f'<span aria-hidden="true">{cell.symbol}{f" {held}" if held else ""}</span>'
                    '<span class="visually-hidden">',
                    f": {verdict_text}, {held_text}</span></a></td>",
                )
            add(f'{opening}{label}"><a href="{cell_head}{label}{cell_tail}">{content[0]}{code} {label}{content[1]}')
        share = row.share_percent
        if row.share is None:
            add(f'<td class="text-end text-nowrap" data-share=""><span title="{unassessed}">–</span></td></tr>')
        else:
            share_text = shares.get(share)
            if share_text is None:
                share_text = shares[share] = floatformat(share, 1)
            add(
                f'<td class="text-end text-nowrap" data-share="{share}">{share_text} %<span class="small '
                f'text-body-secondary"> ({row.compliant}/{row.assessed})</span></td></tr>'
            )
        # Reviewed: every interpolated value is escaped above or is the application's own (verdict codes, symbols,
        # period labels, numbers).
        rows.append(mark_safe("".join(parts)))  # nosec B308 B703
    return rows


def _text(value) -> str:
    """``django.utils.html.escape`` without the lazy-argument wrapper and the ``SafeString`` of each value."""
    return html.escape(str(value))


# Placeholders put in a reversed path, then replaced by each body's code and each period's label.
_CODE, _LABEL = "NRC-CODE-PLACEHOLDER", "NRC-LABEL-PLACEHOLDER"


def _path_segment(value: str) -> str:
    """A path argument as ``reverse`` writes it (quoted, RFC 3986 sub-delimiters and ``~:@`` kept)."""
    if "/" in value:  # no path of the report matches it: reverse says so
        raise NoReverseMatch(f"{value!r} is not a path segment")
    return quote(value, safe=RFC3986_SUBDELIMS + "~:@")


def _relative(path: str, base: str) -> str:
    """``path`` relative to the page at ``base`` (a directory: it ends with a slash) when it lies below it."""
    return path[len(base) :] if base.endswith("/") and path.startswith(base) and len(path) > len(base) else path


def _legend() -> list[dict]:
    return [{"verdict": v, "label": Verdict(v).label, "symbol": SYMBOLS[v]} for v in SYMBOLS]


@require_GET
def report(request):
    form = _filter_form(request)
    grid = None
    if form.is_valid():
        grid = cadence_grid(user=request.user, params=form.params())
    status = 200 if form.is_valid() else 400
    return render(
        request,
        "compliance/report.html",
        {
            "form": form,
            "grid": grid,
            "legend": _legend(),
            "query": grid.params.query_string() if grid else "",
            "can_issue": has_role(request.user, *COMPLIANCE_STAFF),
            "long_export": grid is not None and len(grid.columns) > SYNC_EXPORT_MAX_COLUMNS,
            "too_many_cells": grid is not None and len(grid.columns) * len(grid.rows) > HTML_MAX_CELLS,
            "heatmap_rows": heatmap_rows(grid, grid.params.query_string())
            if grid is not None and len(grid.columns) * len(grid.rows) <= HTML_MAX_CELLS
            else [],
        },
        status=status,
    )


@require_GET
def cell_detail(request, code: str, granularity: str, label: str):
    form = _filter_form(request)
    if not form.is_valid():
        return render(request, "compliance/report.html", {"form": form, "legend": _legend()}, status=400)
    if granularity not in KINDS:
        raise Http404
    body = get_object_or_404(bodies_visible_to(request.user), code=code)
    try:
        period = parse_label(label, granularity)
    except ValueError as exc:
        raise Http404 from exc
    detail = grid_cell_detail(user=request.user, params=form.params(), body=body, period=period)
    params = form.params()
    return render(
        request,
        "compliance/cell.html",
        {
            "body": body,
            "period": period,
            "detail": detail,
            "cell": detail.cell,
            "back": reverse("compliance:report") + "?" + params.query_string(),
            "legend": _legend(),
        },
    )


def _export_response(data: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def export(request, file_format: str):
    form = _filter_form(request)
    if not form.is_valid():
        return render(request, "compliance/report.html", {"form": form, "legend": _legend()}, status=400)
    params = form.params()
    content = grid_content(cadence_grid(user=request.user, params=params))
    name = f"cadence-{params.date_from:%Y%m%d}-{params.date_to:%Y%m%d}-{params.granularity}"
    if file_format == "csv":
        return _export_response(csv_bytes(content), filename=f"{name}.csv", content_type="text/csv; charset=utf-8")
    return _export_response(pdf_bytes(content), filename=f"{name}.pdf", content_type="application/pdf")


@require_GET
def chart(request, code: str):
    form = _filter_form(request)
    if not form.is_valid():
        return render(request, "compliance/report.html", {"form": form, "legend": _legend()}, status=400)
    body = get_object_or_404(bodies_visible_to(request.user), code=code)
    data = body_chart(user=request.user, body=body, params=form.params())
    return render(
        request,
        "compliance/chart.html",
        {"body": body, "chart": data, "back": reverse("compliance:report") + "?" + form.params().query_string()},
    )


# Issued reports --------------------------------------------------------------------------------------------


def issued_list(request):
    _require_staff(request.user)
    if request.method == "POST":
        return _issue(request)
    reports = list(issued_reports_visible_to(request.user)[:200])
    return render(request, "compliance/issued_list.html", {"reports": reports})


def issued_detail(request, pk: int):
    """GET shows the report; POST recomputes it and compares (nothing is written)."""
    _require_staff(request.user)
    report = get_object_or_404(issued_reports_visible_to(request.user).defer(None), pk=pk)
    verification = services.report_verify(report=report) if request.method == "POST" else None
    return render(request, "compliance/issued_detail.html", {"report": report, "verification": verification})


def _issue(request):
    form = GridFilterForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("The report was not issued: check the filters."))
        return HttpResponseRedirect(reverse("compliance:report"))
    report = services.report_issue(params=form.params(), acting_user=request.user)
    messages.success(request, _("Report #%(id)s issued.") % {"id": report.pk})
    return HttpResponseRedirect(reverse("compliance:issued_detail", args=[report.pk]))


@require_GET
def issued_download(request, pk: int, file_format: str):
    _require_staff(request.user)
    report = get_object_or_404(issued_reports_visible_to(request.user).defer(None), pk=pk)
    content = json.loads(report.content)
    name = f"cadence-report-{report.pk}"
    if file_format == "json":
        return _export_response(report.content.encode(), filename=f"{name}.json", content_type="application/json")
    if file_format == "csv":
        return _export_response(csv_bytes(content), filename=f"{name}.csv", content_type="text/csv; charset=utf-8")
    footer = _("Issued report #%(id)s, SHA-256 of its content: %(sha256)s") % {"id": report.pk, "sha256": report.sha256}
    return _export_response(
        pdf_bytes(content, title=_("Cadence compliance report #%(id)s") % {"id": report.pk}, footer=footer),
        filename=f"{name}.pdf",
        content_type="application/pdf",
    )


# Long exports ---------------------------------------------------------------------------------------------


@require_POST
def export_request(request):
    """Decades of periods: built by a background job whose page shows progress and then the download."""
    form = GridFilterForm(request.POST, user=request.user)
    file_format = request.POST.get("format", "csv")
    if not form.is_valid() or file_format not in ("csv", "pdf"):
        messages.error(request, _("The export was not started: check the filters."))
        return HttpResponseRedirect(reverse("compliance:report"))
    job = job_start(kind=f"compliance.report_{file_format}", params=form.params().to_json(), acting_user=request.user)
    return HttpResponseRedirect(reverse("job_detail", args=[job.pk]))


# Flags -----------------------------------------------------------------------------------------------------


@require_GET
def flags(request):
    """Open flags by default; the state tabs and the filter form narrow the list."""
    _require_staff(request.user)
    data = request.GET.copy()
    data.setdefault("state", FlagState.OPEN)
    state = data["state"]
    if state == "all":
        data["state"] = ""
    flag_filter = FlagFilter(data, queryset=flag_list(user=request.user))
    valid = flag_filter.is_valid()
    page, query = paginate(request, flag_filter.qs if valid else Flag.objects.none(), FLAG_PAGE_SIZE)
    return render(
        request,
        "compliance/flag_list.html",
        {
            "flags": list(page.object_list),
            "page": page,
            "query": query,
            "filter": flag_filter,
            "state": state,
            "states": [*FlagState.choices, ("all", _("All"))],
        },
        status=200 if valid else 400,
    )


def flag_detail(request, pk: int):
    _require_staff(request.user)
    flag = get_object_or_404(flags_visible_to(request.user).prefetch_related("events__actor"), pk=pk)
    form = FlagAcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_acknowledge(flag=flag, note=form.cleaned_data["note"], acting_user=request.user)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Flag acknowledged."))
            return HttpResponseRedirect(request.path)
    params = GridParams.build(
        date_from=flag.period_start, date_to=flag.period_end, granularity=flag.period, body_codes=(flag.body.code,)
    )
    drill = reverse("compliance:cell", args=[flag.body.code, flag.period, _label(flag)])
    return render(
        request,
        "compliance/flag_detail.html",
        {
            "flag": flag,
            "form": form,
            "can_acknowledge": has_role(request.user, "secretariat", "chair") and flag.state == FlagState.OPEN,
            "drill": drill + "?" + params.query_string(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _label(flag) -> str:
    return calendar_period(flag.period_start, flag.period).label


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        form.add_error(None, exc)


# Waivers ---------------------------------------------------------------------------------------------------


@require_GET
def waivers(request):
    _require_staff(request.user)
    items = list(waivers_visible_to(request.user).order_by("-starts_on", "-id")[:300])
    return render(
        request,
        "compliance/waiver_list.html",
        {"waivers": items, "can_propose": has_role(request.user, "secretariat")},
    )


def waiver_propose(request):
    if not has_role(request.user, "secretariat"):
        raise PermissionDenied
    form = WaiverProposeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            waiver = services.waiver_propose(
                bodies=list(data["bodies"]),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                justification=data["justification"],
                title=data["title"],
                kind=data["kind"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Waiver proposed: the chair's office decides."))
            return HttpResponseRedirect(reverse("compliance:waiver_detail", args=[waiver.pk]))
    return render(
        request, "compliance/waiver_form.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


def waiver_detail(request, pk: int):
    _require_staff(request.user)
    waiver = get_object_or_404(waivers_visible_to(request.user), pk=pk)
    form = WaiverDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
        try:
            if decision == "approve":
                services.waiver_approve(waiver=waiver, acting_user=request.user, note=note)
            elif decision == "reject":
                services.waiver_reject(waiver=waiver, acting_user=request.user, note=note)
            else:
                services.waiver_withdraw(waiver=waiver, acting_user=request.user)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Decision recorded."))
            return HttpResponseRedirect(request.path)
    pending = waiver.status == WaiverStatus.PROPOSED
    return render(
        request,
        "compliance/waiver_detail.html",
        {
            "waiver": waiver,
            "form": form,
            "can_decide": pending and has_role(request.user, "chair"),
            "can_withdraw": pending and has_role(request.user, "secretariat"),
        },
        status=400 if request.method == "POST" else 200,
    )
