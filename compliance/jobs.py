"""Background jobs of the compliance app (see nrc/jobs.py): exports too long to build during a request."""

from __future__ import annotations

import datetime as dt

from nrc.jobs import job_kind

from .exports import csv_bytes, pdf_bytes
from .selectors import GridParams, cadence_grid, grid_content


def _content(*, job, progress) -> dict:
    """The report built year by year, so that the page can show progress over decades."""
    params = GridParams.from_json(job.params)
    years = list(range(params.date_from.year, params.date_to.year + 1))
    merged: dict | None = None
    for i, year in enumerate(years):
        chunk = GridParams.build(
            date_from=max(params.date_from, dt.date(year, 1, 1)),
            date_to=min(params.date_to, dt.date(year, 12, 31)),
            granularity=params.granularity,
            body_codes=params.body_codes,
            as_of=params.as_of,
            at=params.at,
        )
        content = grid_content(cadence_grid(user=job.user, params=chunk))
        if merged is None:
            merged = content
        else:
            merged["columns"] += content["columns"]
            for row, more in zip(merged["rows"], content["rows"], strict=True):
                row["cells"] += more["cells"]
                row["compliant"] += more["compliant"]
                row["assessed"] += more["assessed"]
                row["share"] = round(row["compliant"] / row["assessed"], 4) if row["assessed"] else None
        progress(int(95 * (i + 1) / len(years)), str(year))
    merged = merged or {"columns": [], "rows": []}
    merged["parameters"] = params.to_json()
    return merged


def _name(job, ext: str) -> str:
    params = job.params
    return f"cadence-{params['from'].replace('-', '')}-{params['to'].replace('-', '')}-{params['granularity']}.{ext}"


@job_kind("compliance.report_csv")
def report_csv(*, job, progress) -> tuple[str, str, bytes]:
    return _name(job, "csv"), "text/csv; charset=utf-8", csv_bytes(_content(job=job, progress=progress))


@job_kind("compliance.report_pdf")
def report_pdf(*, job, progress) -> tuple[str, str, bytes]:
    return _name(job, "pdf"), "application/pdf", pdf_bytes(_content(job=job, progress=progress))
