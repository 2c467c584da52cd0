"""Pages: report, drill-down, chart, exports, issued reports, flags, waivers, the home-page panel."""

import csv
import datetime as dt
import io
import re
from html import unescape
from urllib.parse import quote, quote_plus, urlencode, urljoin

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance.models import Flag, IssuedReport, Waiver
from compliance.periods import midnight
from compliance.services import cadence_flags_refresh

from .factories_compliance import held_every_month, meeting, monthly_body

pytestmark = pytest.mark.django_db
QUERY = "from=2004-07-01&to=2004-09-30&as_of=2006-01-01"


@pytest.fixture
def body(reference):
    body = monthly_body(code="NRC(TEST)", rank=1)
    held_every_month(body, dt.date(2003, 1, 1), dt.date(2005, 12, 1), skip={(2004, 8)})
    meeting(body, dt.datetime(2004, 8, 20, 9, tzinfo=dt.UTC), status="cancelled")
    return body


@pytest.mark.parametrize("fixture", ["auditor_client", "secretariat_client", "chair_client", "delegation_client"])
def test_every_role_sees_the_report(request, body, fixture):
    client = request.getfixturevalue(fixture)
    response = client.get(f"/compliance/?{QUERY}&body={body.code}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-verdict="breach" data-body="NRC(TEST)" data-period="2004-08"' in html
    assert "NRC(TEST) 2004-08: breach, 0 meetings held" in html
    assert '<th scope="col" class="hm-period">2004-08</th>' in html
    assert ("Issue report" in html) is (fixture != "delegation_client")


@pytest.mark.parametrize("code", ["NRC(TEST)", "NRC T&1é"])
def test_each_cell_links_to_its_drill_down_relative_to_the_report(auditor_client, reference, code):
    # Given a body whose code needs quoting in a path or escaping in HTML
    body = monthly_body(code=code, rank=1)
    held_every_month(body, dt.date(2004, 7, 1), dt.date(2004, 9, 1), skip={(2004, 8)})
    # when the report is shown
    html = auditor_client.get(f"/compliance/?{QUERY}&body={quote(code)}").content.decode()
    # then each cell's link, read relative to the report, is the drill-down's address with the report's filters
    links = re.findall(r'<td class="hm-cell[^>]*><a href="([^"]*)"', html)
    query = "from=2004-07-01&to=2004-09-30&granularity=month&body=" + quote_plus(code) + "&as_of=2006-01-01"
    assert [urljoin("/compliance/", unescape(link)) for link in links] == [
        reverse("compliance:cell", args=[code, "month", label]) + "?" + query
        for label in ("2004-07", "2004-08", "2004-09")
    ]
    assert links[1].startswith("cell/")
    # and the link leads to the cell's verdict
    response = auditor_client.get(urljoin("/compliance/", unescape(links[1])))
    assert 'id="cell-verdict" data-verdict="breach"' in response.content.decode()


def test_the_report_page_query_count_does_not_grow_with_bodies(auditor_client, body):
    url = f"/compliance/?{QUERY}"
    auditor_client.get(url)
    with CaptureQueriesContext(connection) as before:
        auditor_client.get(url)
    for _ in range(20):
        held_every_month(monthly_body(), dt.date(2004, 7, 1), dt.date(2004, 9, 1))
    with CaptureQueriesContext(connection) as after:
        response = auditor_client.get(url)
    assert response.content.decode().count('data-period="2004-08"') == 17 + 1 + 20
    assert len(before) == len(after)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2005-01-01&to=2004-01-01", "The range ends before it starts."),
        ("from=1990-01-01&to=2041-01-01", "The range spans more than 50 years."),
        ("body=NOPE", "NOPE is not one of the available choices."),
        ("as_of=2002-05-01", "The Council did not exist before 28 May 2002."),
    ],
)
def test_bad_filters_show_a_form_error_with_status_400(auditor_client, reference, query, message):
    response = auditor_client.get(f"/compliance/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_drill_down_shows_the_meetings_and_the_verdict(auditor_client, body):
    response = auditor_client.get(f"/compliance/cell/NRC(TEST)/month/2004-08/?{QUERY}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="cell-verdict" data-verdict="breach"' in html
    assert "Cancelled" in html  # the cancelled meeting is listed, and does not count
    response = auditor_client.get(f"/compliance/cell/NRC(TEST)/month/2004-09/?{QUERY}")
    assert 'data-verdict="compliant"' in response.content.decode()


def test_drill_down_shows_the_waiver_that_applied(auditor_client, body):
    from .factories_compliance import WaiverFactory

    WaiverFactory(bodies=[body], title="Recess", starts_on=dt.date(2004, 8, 1), ends_on=dt.date(2004, 8, 31))
    html = auditor_client.get(f"/compliance/cell/NRC(TEST)/month/2004-08/?{QUERY}").content.decode()
    assert 'data-verdict="waived"' in html
    assert '<span id="cell-waiver">Recess</span>' in html


@pytest.mark.parametrize(
    "path",
    [
        "/compliance/cell/NOPE/month/2004-08/",
        "/compliance/cell/NRC(TEST)/week/2004-08/",
        "/compliance/cell/NRC(TEST)/month/2004-13/",
        "/compliance/bodies/NOPE/chart/",
    ],
)
def test_unknown_cells_are_404(auditor_client, body, path):
    assert auditor_client.get(path).status_code == 404


def test_delegation_cannot_drill_into_a_body_it_does_not_sit_in(delegation_client, body):
    from committees.models import Member

    body.participants.set([Member.objects.get(iso2="RU")])
    assert delegation_client.get(f"/compliance/cell/NRC(TEST)/month/2004-08/?{QUERY}").status_code == 404


def test_csv_and_pdf_downloads(auditor_client, body):
    response = auditor_client.get(f"/compliance/export.csv?{QUERY}&body={body.code}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="cadence-20040701-20040930-month.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["period"], r["verdict"]) for r in rows] == [
        ("2004-07", "compliant"),
        ("2004-08", "breach"),
        ("2004-09", "compliant"),
    ]
    pdf = auditor_client.get(f"/compliance/export.pdf?{QUERY}")
    assert (pdf.status_code, pdf.content[:5]) == (200, b"%PDF-")
    assert auditor_client.get("/compliance/export.csv?from=2005-01-01&to=2004-01-01").status_code == 400


def test_chart_page(auditor_client, body):
    response = auditor_client.get(f"/compliance/bodies/NRC(TEST)/chart/?{QUERY}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in html
    assert html.count("<rect ") == 3
    assert '<th scope="row">2004-08</th><td>0</td><td>1</td>' in html


def test_issue_view_and_verify_button(auditor_client, auditor, body):
    response = auditor_client.post(
        "/compliance/issued/", {"from": "2004-07-01", "to": "2004-09-30", "as_of": "2006-01-01", "body": [body.code]}
    )
    report = IssuedReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/compliance/issued/{report.pk}/"
    assert report.issued_by == auditor
    page = auditor_client.get(f"/compliance/issued/{report.pk}/")
    assert report.sha256 in page.content.decode()
    verified = auditor_client.post(f"/compliance/issued/{report.pk}/")
    assert "Verified: the stored content matches its hash" in verified.content.decode()
    listing = auditor_client.get("/compliance/issued/")
    assert f"/compliance/issued/{report.pk}/" in listing.content.decode()
    csv_download = auditor_client.get(f"/compliance/issued/{report.pk}/report.csv")
    assert csv_download.content.decode().splitlines()[2].startswith("NRC(TEST),")
    assert auditor_client.get(f"/compliance/issued/{report.pk}/report.pdf").content[:5] == b"%PDF-"
    assert auditor_client.get(f"/compliance/issued/{report.pk}/report.json").content.decode() == report.content


def test_delegations_cannot_issue_or_list_reports(delegation_client, body):
    assert delegation_client.post("/compliance/issued/", {"from": "2004-07-01"}).status_code == 403
    assert delegation_client.get("/compliance/issued/").status_code == 403
    assert IssuedReport.objects.count() == 0


def test_background_export_runs_and_offers_a_download(
    auditor_client, auditor, body, django_capture_on_commit_callbacks
):
    from nrc.models import BackgroundJob

    with django_capture_on_commit_callbacks(execute=True):
        response = auditor_client.post(
            "/compliance/export/",
            {"from": "2003-01-01", "to": "2005-12-31", "as_of": "2006-01-01", "body": [body.code], "format": "csv"},
        )
    job = BackgroundJob.objects.get()
    assert (job.kind, job.user, job.status, job.progress) == ("compliance.report_csv", auditor, "done", 100)
    assert response["Location"] == f"/jobs/{job.pk}/"
    download = auditor_client.get(f"/jobs/{job.pk}/download")
    assert download["Content-Disposition"] == 'attachment; filename="cadence-20030101-20051231-month.csv"'
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert len(rows) == 36
    assert {r["period"] for r in rows if r["verdict"] == "breach"} == {"2004-08"}
    assert {r["share_compliant"] for r in rows} == {f"{35 / 36:.4f}"}
    # The same lines as the export built during the request
    direct = auditor_client.get(
        f"/compliance/export.csv?from=2003-01-01&to=2005-12-31&as_of=2006-01-01&body={body.code}"
    )
    assert list(csv.DictReader(io.StringIO(direct.content.decode()))) == rows


def test_a_background_pdf_export(auditor_client, body, django_capture_on_commit_callbacks):
    from nrc.models import BackgroundJob

    with django_capture_on_commit_callbacks(execute=True):
        auditor_client.post("/compliance/export/", {"from": "2003-01-01", "to": "2004-12-31", "format": "pdf"})
    job = BackgroundJob.objects.get()
    assert (job.status, job.content_type) == ("done", "application/pdf")
    assert b"".join(auditor_client.get(f"/jobs/{job.pk}/download").streaming_content)[:5] == b"%PDF-"


def test_a_background_pdf_export_is_written_in_the_language_of_the_person_who_asked(
    auditor, auditor_client, body, django_capture_on_commit_callbacks
):
    from pypdf import PdfReader

    from nrc.models import BackgroundJob

    # Given an auditor who reads Russian
    auditor.language = "ru"
    auditor.save(update_fields=["language"])
    # When the export runs in the background (outside the request and its language)
    with django_capture_on_commit_callbacks(execute=True):
        auditor_client.post("/compliance/export/", {"from": "2004-01-01", "to": "2004-12-31", "format": "pdf"})
    job = BackgroundJob.objects.get()
    data = b"".join(auditor_client.get(f"/jobs/{job.pk}/download").streaming_content)
    # Then the PDF is in Russian
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert text.startswith("Отчёт о соблюдении периодичности заседаний\nПериоды: с 2004-01-01 по 2004-12-31 (месяц)")


def test_a_bad_export_request_starts_nothing(auditor_client, body):
    from nrc.models import BackgroundJob

    response = auditor_client.post("/compliance/export/", {"from": "2005-01-01", "to": "2004-01-01"})
    assert response.status_code == 302
    assert BackgroundJob.objects.count() == 0


def test_flag_pages_and_acknowledgement(secretariat_client, auditor_client, body):
    cadence_flags_refresh(at=midnight(dt.date(2006, 1, 15)))
    flag = Flag.objects.get(body=body, period_start=dt.date(2004, 8, 1))
    listing = auditor_client.get("/compliance/flags/", {"body": body.code})
    assert f"/compliance/flags/{flag.pk}/" in listing.content.decode()
    # An auditor sees the flag but no form
    page = auditor_client.get(f"/compliance/flags/{flag.pk}/").content.decode()
    assert "Acknowledge</button>" not in page
    empty = secretariat_client.post(f"/compliance/flags/{flag.pk}/", {"note": ""})
    assert empty.status_code == 400
    flag.refresh_from_db()
    assert flag.state == "open"
    done = secretariat_client.post(f"/compliance/flags/{flag.pk}/", {"note": "Minutes found."})
    assert done.status_code == 302
    flag.refresh_from_db()
    assert (flag.state, flag.note) == ("acknowledged", "Minutes found.")
    assert auditor_client.get("/compliance/flags/?state=acknowledged").content.decode().count("NRC(TEST)") == 1


def test_home_page_panel_lists_open_flags(secretariat_client, delegation_client, body):
    cadence_flags_refresh(at=midnight(dt.date(2006, 1, 15)))
    html = secretariat_client.get("/").content.decode()
    assert "Open cadence flags" in html
    assert f'<span class="badge text-bg-danger">{Flag.objects.filter(state="open").count()}</span>' in html
    assert "Open cadence flags" not in delegation_client.get("/").content.decode()


def test_waiver_pages_propose_and_approve(secretariat_client, chair_client, auditor_client, body):
    form = secretariat_client.get("/compliance/waivers/propose/")
    assert form.status_code == 200
    bad = secretariat_client.post(
        "/compliance/waivers/propose/",
        {
            "kind": "waiver",
            "title": "T",
            "bodies": [body.pk],
            "starts_on": "2004-08-31",
            "ends_on": "2004-08-01",
            "justification": "x",
        },
    )
    assert bad.status_code == 400
    assert "The waiver cannot end before it starts." in bad.content.decode()
    assert Waiver.objects.count() == 0
    created = secretariat_client.post(
        "/compliance/waivers/propose/",
        {
            "kind": "waiver",
            "title": "Recess",
            "bodies": [body.pk],
            "starts_on": "2004-08-01",
            "ends_on": "2004-08-31",
            "justification": "Summer recess.",
        },
    )
    waiver = Waiver.objects.get()
    assert created["Location"] == f"/compliance/waivers/{waiver.pk}/"
    assert chair_client.get("/compliance/waivers/propose/").status_code == 403
    assert auditor_client.post(f"/compliance/waivers/{waiver.pk}/", {"decision": "approve"}).status_code == 403
    waiver.refresh_from_db()
    assert waiver.status == "proposed"
    assert chair_client.post(f"/compliance/waivers/{waiver.pk}/", {"decision": "approve"}).status_code == 302
    waiver.refresh_from_db()
    assert waiver.status == "approved"
    assert "Recess" in auditor_client.get("/compliance/waivers/").content.decode()


def test_delegations_cannot_see_flags_or_waivers(delegation_client, reference):
    assert delegation_client.get("/compliance/flags/").status_code == 403
    assert delegation_client.get("/compliance/waivers/").status_code == 403


def test_bad_filters_on_the_drill_down_are_a_400(auditor_client, body):
    response = auditor_client.get("/compliance/cell/NRC(TEST)/month/2004-08/?from=2005-01-01&to=2004-01-01")
    assert response.status_code == 400
    assert "The range ends before it starts." in response.content.decode()


@pytest.mark.parametrize("path", ["/compliance/flags/?state=all", "/compliance/waivers/", "/compliance/issued/"])
def test_compliance_lists_take_constant_queries(auditor_client, auditor, body, path):
    from compliance.selectors import GridParams
    from compliance.services import report_issue

    from .factories_compliance import WaiverFactory

    def grow():
        other = monthly_body()
        WaiverFactory(bodies=[body, other], starts_on=dt.date(2004, 1, 1))
        report_issue(
            params=GridParams.build(
                date_from=dt.date(2004, 1, 1), date_to=dt.date(2004, 3, 31), body_codes=(body.code,)
            ),
            acting_user=auditor,
        )
        cadence_flags_refresh(at=midnight(dt.date(2006, 1, 15)))

    grow()
    auditor_client.get(path)
    with CaptureQueriesContext(connection) as small:
        auditor_client.get(path)
    for _ in range(3):
        grow()
    with CaptureQueriesContext(connection) as large:
        response = auditor_client.get(path)
    assert response.status_code == 200
    assert len(small) == len(large)


def test_a_grid_too_large_for_a_page_shows_the_shares_only(auditor_client, body, settings, monkeypatch):
    monkeypatch.setattr("compliance.views.HTML_MAX_CELLS", 30)
    html = auditor_client.get(f"/compliance/?{QUERY}").content.decode()
    assert "This grid is too large to show on one page" in html
    assert 'class="hm-cell' not in html
    assert '<th scope="row">NRC(TEST)</th><td data-share="66.7">66.7 % (2/3)</td>' in html


def test_flag_list_filters(auditor_client, body):
    cadence_flags_refresh(at=midnight(dt.date(2006, 1, 15)))
    html = auditor_client.get("/compliance/flags/?state=all&body=NRC(TEST)&verdict=breach").content.decode()
    expected = Flag.objects.filter(body=body, verdict="breach").count()
    assert html.count('<th scope="row"><a href="/compliance/flags/') == expected > 0
    assert auditor_client.get("/compliance/flags/?verdict=nonsense").status_code == 400


def _flag_rows(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/compliance/flags/(\d+)/">', html)


@pytest.mark.parametrize(("until", "flags"), [(dt.date(2002, 9, 15), 4), (dt.date(2008, 1, 15), 68)])
def test_the_flag_list_shows_fifty_flags_a_page_newest_first_in_a_constant_number_of_queries(
    reference, secretariat_client, django_assert_num_queries, until, flags
):
    # Given a monthly body that never met: a breach flag per closed month from June 2002, the open month at risk
    body = monthly_body(code="NRC(SILENT)", rank=1)
    cadence_flags_refresh(at=midnight(until))
    assert Flag.objects.filter(body=body).count() == flags
    newest_first = [
        str(pk) for pk in Flag.objects.filter(body=body).order_by("-period_start").values_list("pk", flat=True)
    ]
    # When the secretariat opens the list, then it reads the first fifty, newest first, in 4 queries whatever the
    # number of flags
    with django_assert_num_queries(4):
        first = secretariat_client.get("/compliance/flags/", {"body": body.code})
    assert _flag_rows(first.content.decode()) == newest_first[:50]
    # and the second page, when there is one, holds the rest with the filter kept in its links
    if flags > 50:
        assert f"?{urlencode({'body': body.code})}&amp;page=2" in first.content.decode()
        second = secretariat_client.get("/compliance/flags/", {"body": body.code, "page": 2})
        assert _flag_rows(second.content.decode()) == newest_first[50:]
    else:
        assert 'aria-label="Pages"' not in first.content.decode()
