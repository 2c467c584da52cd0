"""Query counts of every list page and API list endpoint (and of a meeting's detail pages) are exactly the same
on small and on larger generated data: no query per row."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from bench.targets import (
    MEETING_DETAIL_APIS,
    MEETING_DETAIL_PAGES,
    QueryCounter,
    meeting_part_urls,
    object_urls,
    parameterless_urls,
)
from meetings.models import Meeting
from nrc.datacache import data_changed
from nrc.large_dataset import large_dataset_generate, large_dataset_reset

TODAY = dt.date(2026, 11, 27)


def _urls() -> list[tuple[str, str, str]]:
    urls = [(f"{name} {path}", path, kind) for name, path, kind in parameterless_urls()]
    meeting = Meeting.objects.filter(body__kind="council", status="held").order_by("-starts_at").first()
    for names, kind in ((MEETING_DETAIL_PAGES, "page"), (MEETING_DETAIL_APIS, "api")):
        url = object_urls(meeting.pk, names)
        if url:
            urls.append((f"meeting detail {kind}", url, kind))
    urls += [(f"{name} of the meeting", url, "api") for name, url in meeting_part_urls(meeting.pk)]
    return urls


def _query_counts(page_client, api_client) -> dict[str, tuple[int, int]]:
    counts = {}
    for label, path, kind in _urls():
        client = api_client if kind == "api" else page_client
        client.get(path)  # warm per-process caches (content types, sessions)
        data_changed()  # the read cache must not answer: count the queries of a render
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            response = client.get(path)
        counts[label] = (response.status_code, counter.count)
    return counts


@pytest.mark.django_db
def test_query_counts_are_the_same_on_small_and_larger_data(secretariat, delegation):
    """For a role that sees everything and for a delegation (whose reads are narrowed to its bodies)."""
    clients = {}
    for user in (secretariat, delegation):
        page_client, api_client = Client(), APIClient()
        page_client.force_login(user)
        api_client.force_authenticate(user)
        clients[user.role] = (page_client, api_client)
    # Given the set at 1/1000 scale (one working group, one year)
    large_dataset_generate(scale=0.001, today=TODAY)
    small_meetings = Meeting.objects.count()
    small = {role: _query_counts(*pair) for role, pair in clients.items()}
    # when it is replaced by the set at 1/100 scale (three working groups, two years: about three times the rows)
    large_dataset_reset()
    large_dataset_generate(scale=0.01, today=TODAY)
    assert Meeting.objects.count() > 2 * small_meetings
    larger = {role: _query_counts(*pair) for role, pair in clients.items()}
    # then every page and endpoint answers (200, or 403/405 where the role or method does not fit) and makes
    # exactly the same number of queries
    for counts in small.values():
        assert {status for status, _ in counts.values()} <= {200, 403, 405}
        assert [name for name, (status, _) in counts.items() if status == 200]
    assert larger == small
