"""Issued reports: frozen with their parameters, evaluation time and SHA-256; re-verified later."""

import csv
import datetime as dt
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from pypdf import PdfReader

from compliance.exports import csv_bytes, pdf_bytes
from compliance.models import IssuedReport
from compliance.selectors import GridParams, cadence_grid, grid_content
from compliance.services import report_issue, report_verify
from meetings.models import Meeting

from .factories_compliance import held_every_month, monthly_body

pytestmark = pytest.mark.django_db


def _params(**kwargs):
    values = {"date_from": dt.date(2004, 1, 1), "date_to": dt.date(2004, 12, 31), "as_of": dt.date(2005, 1, 10)}
    return GridParams.build(**{**values, **kwargs})


@pytest.fixture
def body(db):
    body = monthly_body()
    held_every_month(body, dt.date(2004, 1, 1), dt.date(2004, 12, 1), skip={(2004, 8)})
    return body


def test_an_issued_report_is_frozen_with_its_hash_and_verifies(auditor, body):
    report = report_issue(params=_params(body_codes=(body.code,)), acting_user=auditor)
    assert report.sha256 == hashlib.sha256(report.content.encode()).hexdigest()
    content = json.loads(report.content)
    assert content["parameters"] == report.parameters
    assert report.parameters["body"] == [body.code]
    assert (
        report.evaluated_at
        == dt.datetime.fromisoformat(report.parameters["at"])
        == dt.datetime(2005, 1, 10, 23, tzinfo=dt.UTC)
    )
    assert [c["verdict"] for c in content["rows"][0]["cells"]].count("breach") == 1
    result = report_verify(report=report)
    assert (result.ok, result.stored_intact, result.reproduced, result.differences) == (True, True, True, [])


def test_a_report_without_as_of_freezes_the_evaluation_time(auditor, body):
    report = report_issue(params=_params(as_of=None, body_codes=(body.code,)), acting_user=auditor)
    assert report_verify(report=report).ok


def test_verification_reports_data_changed_since_issue(auditor, body):
    report = report_issue(params=_params(body_codes=(body.code,)), acting_user=auditor)
    # When a meeting of August 2004 is recorded afterwards
    Meeting.objects.create(
        body=body,
        title="Recorded late",
        status="held",
        starts_at=dt.datetime(2004, 8, 12, 9, tzinfo=dt.UTC),
        ends_at=dt.datetime(2004, 8, 12, 11, tzinfo=dt.UTC),
    )
    result = report_verify(report=report)
    assert (result.ok, result.stored_intact, result.reproduced) == (False, True, False)
    assert result.differences == [f"{body.code} 2004-08: breach → compliant"]


def test_verification_detects_a_tampered_report(auditor, body):
    report = report_issue(params=_params(body_codes=(body.code,)), acting_user=auditor)
    IssuedReport.objects.filter(pk=report.pk).update(content=report.content.replace("breach", "compliant"))
    report.refresh_from_db()
    result = report_verify(report=report)
    assert (result.ok, result.stored_intact, result.reproduced) == (False, False, True)


def test_verify_report_command(auditor, body):
    report = report_issue(params=_params(body_codes=(body.code,)), acting_user=auditor)
    out = io.StringIO()
    call_command("verify_report", str(report.pk), stdout=out)
    assert "OK: the report is reproduced exactly." in out.getvalue()
    Meeting.objects.filter(body=body).first().delete()
    with pytest.raises(CommandError, match="MISMATCH"):
        call_command("verify_report", str(report.pk), stdout=io.StringIO())
    with pytest.raises(CommandError, match="No issued report #999"):
        call_command("verify_report", "999")


def test_only_compliance_roles_issue_reports(delegation, body):
    from nrc.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        report_issue(params=_params(), acting_user=delegation)
    assert IssuedReport.objects.count() == 0


def test_csv_and_pdf_exports(auditor, body):
    content = grid_content(cadence_grid(user=auditor, params=_params(body_codes=(body.code,))))
    rows = list(csv.DictReader(io.StringIO(csv_bytes(content).decode())))
    assert len(rows) == 12
    assert rows[7] | {} == {
        "body": body.code,
        "body_name": body.name_en,
        "period": "2004-08",
        "verdict": "breach",
        "held": "0",
        "unconfirmed": "0",
        "upcoming": "0",
        "required": "1",
        "days_left": "",
        "waiver": "",
        "share_compliant": "0.9167",
    }
    pdf = pdf_bytes(content)
    assert pdf.startswith(b"%PDF-")


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(
    ("language", "heading", "legend", "body_header", "share"),
    [
        ("en", "Cadence compliance report", "Legend: ✓ compliant; ✗ breach", "Body", "91.7 %"),
        ("fr", "Rapport de conformité", "Légende : ✓ conforme", "Organe", "91,7 %"),
        ("ru", "Отчёт о соблюдении", "Условные обозначения: ✓", "Орган", "91,7 %"),
    ],
)
def test_the_pdf_is_printed_in_the_reader_s_language_with_the_page_s_symbols(
    auditor, body, language, heading, legend, body_header, share
):
    # Given the grid of one body over 2004, when it is printed with each language active
    content = grid_content(cadence_grid(user=auditor, params=_params(body_codes=(body.code,))))
    with translation.override(language):
        text = _pdf_text(pdf_bytes(content))
    # then the heading, legend and column header are in that language, the symbols are those of the page,
    # and the body's row shows its August breach and its share in the language's number format
    assert heading in text
    assert legend in text
    assert body_header in text
    row = [body.code, *["✓ 1"] * 7, "✗ 0", *["✓ 1"] * 4, share]
    assert "\n".join(row) in text


def test_csv_neutralises_formulas(auditor):
    monthly_body(name_en="=HYPERLINK(1)")
    content = grid_content(cadence_grid(user=auditor, params=_params()))
    assert "'=HYPERLINK(1)" in csv_bytes(content).decode()


def test_check_cadence_prints_the_verdicts(body):
    out = io.StringIO()
    call_command("check_cadence", "--as-of", "2004-12-31", "--body", body.code, "--all", stdout=out)
    text = out.getvalue()
    assert "Evaluated as of 2005-01-01T00:00:00+01:00" in text
    assert f"{body.code:<12} >=1/month      2004-08    breach" in text
    # 2002-05 not applicable (set up on the 28th), 2002-06 to 2003-12 and 2004-08 in breach, 2005-01 open
    assert f"{body.code:<12} >=1/month      2005-01    at_risk            0    0    0    31" in text
    assert "Totals: at_risk 1, breach 20, compliant 11, not_applicable 1" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2002-05-27"], "the Council did not exist before 28 May 2002"),
        (["--as-of", "yesterday"], "is not a date"),
        (["--body", "NOPE"], "unknown body code 'NOPE'"),
    ],
)
def test_check_cadence_refuses_bad_input(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("check_cadence", *args, stdout=io.StringIO())


def _content_with_every_kind_of_value() -> dict:
    cell = {"period": "2004-08", "verdict": "breach", "held": 0, "unconfirmed": 1, "upcoming": 0}
    return {
        "parameters": {},
        "columns": ["2004-08", "2004-09"],
        "rows": [
            {
                "body": '-NRC, "A"',
                "name": "@Body\nwith a line break",
                "share": 0.91666,
                "cells": [
                    {**cell, "required": 1, "days_left": -3, "waiver": "+Recess, summer"},
                    {
                        **cell,
                        "period": "2004-09",
                        "verdict": "compliant",
                        "required": None,
                        "days_left": None,
                        "waiver": "",
                    },
                ],
            },
            {
                "body": "NRC-B",
                "name": "B",
                "share": None,
                "cells": [{**cell, "required": 2, "days_left": 5, "waiver": "=1+1"}],
            },
        ],
    }


def test_the_csv_is_what_csv_writer_writes_of_the_selector_s_lines_with_formulas_neutralised():
    # Given content with texts that start like formulas, contain commas, quotes and line breaks, and empty values
    from compliance.exports import _safe
    from compliance.selectors import grid_csv_rows

    content = _content_with_every_kind_of_value()
    # when it is exported, then the bytes are those of csv.writer over the selector's lines, each value neutralised
    expected = io.StringIO()
    csv.writer(expected).writerows([[_safe(v) for v in line] for line in grid_csv_rows(content)])
    assert csv_bytes(content) == expected.getvalue().encode("utf-8")
    assert list(csv.reader(io.StringIO(csv_bytes(content).decode())))[1:] == [
        [
            '\'-NRC, "A"',
            "'@Body\nwith a line break",
            "2004-08",
            "breach",
            "0",
            "1",
            "0",
            "1",
            "-3",
            "'+Recess, summer",
            "0.9167",
        ],
        ['\'-NRC, "A"', "'@Body\nwith a line break", "2004-09", "compliant", "0", "1", "0", "", "", "", "0.9167"],
        ["NRC-B", "B", "2004-08", "breach", "0", "1", "0", "2", "5", "'=1+1", ""],
    ]


def test_the_pdf_row_heights_given_are_those_reportlab_works_out(auditor, body, monkeypatch):
    # Given the grid of one body over 2004, printed reproducibly (no time stamp or random document id)
    from reportlab import rl_config

    from compliance import exports

    monkeypatch.setattr(rl_config, "invariant", 1)
    content = grid_content(cadence_grid(user=auditor, params=_params(body_codes=(body.code,))))
    given = pdf_bytes(content)
    # when ReportLab is left to work out the rows' heights itself, then the file is byte for byte the same
    monkeypatch.setattr(exports, "_pdf_row_height", lambda line: None)
    assert pdf_bytes(content) == given
