"""The read cache: pages and API reads are answered from the cache only while the data, the minute and the
reader are unchanged (nrc/datacache.py)."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from committees.models import Body
from meetings.models import Meeting
from meetings.services.scheduling import meeting_cancel
from nrc.api_auth import api_token_issue
from nrc.datacache import DataVersionPageCacheMiddleware, data_version, uncached, writes_data

from ..factories import MeetingFactory, brussels

HIT = "X-Read-Cache"


@pytest.fixture
def meeting(reference):
    return MeetingFactory(
        body=Body.objects.get(code="NRC-AMB"),
        title="Ambassadors on the cadence review",
        status="scheduled",
        starts_at=timezone.now() + dt.timedelta(days=3),
        ends_at=timezone.now() + dt.timedelta(days=3, hours=2),
    )


def _warm(client: Client, url: str):
    """Given a page read twice (the first read sets the CSRF cookie a browser keeps)."""
    client.get(url)
    return client.get(url)


@pytest.mark.django_db
class TestPages:
    def test_a_repeated_read_is_answered_from_the_cache_with_the_same_page(self, secretariat_client, meeting):
        url = f"/meetings/{meeting.pk}/"
        first = _warm(secretariat_client, url)
        with CaptureQueriesContext(connection) as queries:
            again = secretariat_client.get(url)
        assert first.get(HIT) is None
        assert again[HIT] == "hit"
        assert again.content == first.content
        # The session and its user only: the page's own queries are not run.
        assert [q["sql"].split('"')[1] for q in queries.captured_queries] == ["django_session", "committees_user"]

    def test_a_write_through_a_service_is_shown_at_once(self, secretariat_client, secretariat, meeting):
        url = f"/meetings/{meeting.pk}/"
        _warm(secretariat_client, url)
        before = data_version()

        meeting_cancel(meeting=meeting, reason="Venue unavailable after the flood", acting_user=secretariat)

        after = secretariat_client.get(url)
        assert data_version() > before
        assert after.get(HIT) is None
        assert b"Venue unavailable after the flood" in after.content

    def test_readers_do_not_share_pages(self, secretariat_client, delegation_client, meeting):
        url = "/meetings/"
        secretariat_page = _warm(secretariat_client, url)
        delegation_client.get(url)
        delegation_page = delegation_client.get(url)
        assert secretariat_page.content != delegation_page.content
        assert b"delegation-us" in delegation_page.content
        assert b"delegation-us" not in secretariat_page.content

    def test_a_page_in_another_language_is_rendered_in_that_language(self, secretariat_client, meeting):
        url = "/meetings/"
        english = _warm(secretariat_client, url)
        secretariat_client.cookies["django_language"] = "fr"
        french = secretariat_client.get(url)
        assert french.get(HIT) is None
        assert french["Content-Language"] == "fr"
        assert english["Content-Language"] == "en"

    def test_no_page_is_older_than_its_minute(self, secretariat_client, meeting):
        url = "/meetings/"
        _warm(secretariat_client, url)
        later = timezone.now() + dt.timedelta(minutes=1)
        with mock.patch("nrc.datacache.timezone.now", return_value=later):
            response = secretariat_client.get(url)
        assert response.get(HIT) is None

    def test_a_page_with_a_message_is_neither_served_nor_stored(self, secretariat_client, meeting):
        url = f"/meetings/{meeting.pk}/cancel/"
        page = f"/meetings/{meeting.pk}/"
        _warm(secretariat_client, page)

        response = secretariat_client.post(url, {"reason": "The chair is unavailable"}, follow=True)

        assert response.redirect_chain[-1][0] == page
        assert response.get(HIT) is None
        shown = [str(m) for m in response.context["messages"]]
        assert len(shown) == 1
        assert b"The chair is unavailable" in response.content
        # The message was shown once; the next read is rendered again (the page with the message was not stored).
        next_read = secretariat_client.get(page)
        assert next_read.get(HIT) is None
        assert shown[0].encode() not in next_read.content

    def test_a_post_is_never_answered_from_the_cache(self, secretariat_client, meeting):
        url = f"/meetings/{meeting.pk}/cancel/"
        _warm(secretariat_client, url)
        response = secretariat_client.post(url, {"reason": ""})
        assert response.get(HIT) is None
        assert Meeting.objects.get(pk=meeting.pk).status == "scheduled"

    def test_a_page_without_a_csrf_cookie_is_rendered(self, secretariat, meeting):
        client = Client()
        client.force_login(secretariat)
        client.get("/meetings/")
        del client.cookies["csrftoken"]
        response = client.get("/meetings/")
        assert response.get(HIT) is None
        assert "csrftoken" in response.cookies


@pytest.mark.django_db
class TestMiddleware:
    def _request(self, user, *, message: str | None = None):
        request = RequestFactory().get("/anything/")
        request.user = user
        request.session = SessionStore()
        request.META["CSRF_COOKIE"] = "x" * 32
        request._messages = FallbackStorage(request)
        if message:
            request._messages.add(20, message)
        return request

    def test_an_opted_out_view_always_runs(self, secretariat):
        calls = []

        @uncached
        def view(request):
            calls.append(1)
            return HttpResponse(b"fresh")

        middleware = DataVersionPageCacheMiddleware(lambda r: view(r))
        for _ in range(2):
            request = self._request(secretariat)
            assert middleware.process_view(request, view, (), {}) is None
            middleware(request)
        assert calls == [1, 1]

    def test_a_view_that_queued_a_message_is_not_stored(self, secretariat):
        def view(request):
            return HttpResponse(b"with a message")

        middleware = DataVersionPageCacheMiddleware(view)
        first = self._request(secretariat, message="Saved.")
        middleware.process_view(first, view, (), {})
        middleware(first)
        second = self._request(secretariat)
        assert middleware.process_view(second, view, (), {}) is None

    def test_a_view_without_a_message_is_stored_and_replayed(self, secretariat):
        def view(request):
            return HttpResponse(b"plain", content_type="text/plain; charset=utf-8")

        middleware = DataVersionPageCacheMiddleware(view)
        first = self._request(secretariat)
        assert middleware.process_view(first, view, (), {}) is None
        middleware(first)
        replay = middleware.process_view(self._request(secretariat), view, (), {})
        assert replay.content == b"plain"
        assert replay["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.django_db
class TestApi:
    def test_a_repeated_read_is_answered_from_the_cache_after_authentication(self, delegation, meeting):
        _, key = api_token_issue(user=delegation, name="script")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        first = client.get("/api/v1/meetings/")
        again = client.get("/api/v1/meetings/")
        assert first.get(HIT) is None
        assert again[HIT] == "hit"
        assert again.json() == first.json()
        assert [m["title"] for m in again.json()["results"]] == ["Ambassadors on the cadence review"]

    def test_a_revoked_token_is_refused_even_for_a_cached_read(self, delegation, meeting):
        token, key = api_token_issue(user=delegation, name="script")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        client.get("/api/v1/meetings/")
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        response = client.get("/api/v1/meetings/")
        assert response.status_code == 401
        assert response.get(HIT) is None

    def test_an_anonymous_read_is_refused(self, meeting):
        response = APIClient().get("/api/v1/meetings/")
        assert response.status_code == 401

    def test_readers_get_their_own_scope(self, secretariat, delegation, meeting):
        secret = APIClient()
        secret.force_authenticate(secretariat)
        secret.get("/api/v1/me/")
        delegate = APIClient()
        delegate.force_authenticate(delegation)
        assert secret.get("/api/v1/me/").json()["username"] == "secretariat"
        assert delegate.get("/api/v1/me/").json()["username"] == "delegation-us"


@pytest.mark.django_db(transaction=True)
class TestDataVersion:
    def test_a_write_advances_the_version_at_once_and_again_at_commit(self, reference):
        body = Body.objects.get(code="NRC-AMB")
        before = data_version()
        with transaction.atomic():
            MeetingFactory(body=body, starts_at=brussels(2030, 1, 8), ends_at=brussels(2030, 1, 8, 12))
            inside = data_version()
        assert inside > before
        assert data_version() == inside + 1

    def test_a_read_does_not_advance_the_version(self, reference):
        before = data_version()
        list(Meeting.objects.all())
        assert data_version() == before


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('INSERT INTO "meetings_meeting" ("title") VALUES (%s)', True),
        ('UPDATE "compliance_cadencecell" SET "verdict" = %s', True),
        ('DELETE FROM "meetings_agendaitem" WHERE "id" = %s', True),
        ("TRUNCATE meetings_meeting", True),
        ("WITH moved AS (UPDATE meetings_meeting SET title = 'x' RETURNING id) SELECT * FROM moved", True),
        ('SELECT "meetings_meeting"."id" FROM "meetings_meeting" FOR UPDATE', False),
        ('UPDATE "django_session" SET "expire_date" = %s', False),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
        ("SELECT pg_advisory_xact_lock(%s)", False),
    ],
)
def test_which_statements_change_the_data(sql, writes):
    assert writes_data(sql) is writes


@pytest.mark.django_db
def test_with_the_cache_down_pages_render_and_writes_commit(secretariat_client, secretariat, meeting):
    from django.core.cache import cache

    down = ConnectionError("cache unreachable")
    url = f"/meetings/{meeting.pk}/"
    secretariat_client.get(url)
    with (
        mock.patch.object(cache, "get", side_effect=down),
        mock.patch.object(cache, "set", side_effect=down),
        mock.patch.object(cache, "incr", side_effect=down),
        mock.patch.object(cache, "add", side_effect=down),
    ):
        meeting_cancel(meeting=meeting, reason="Cancelled while the cache is down", acting_user=secretariat)
        first = secretariat_client.get(url)
        second = secretariat_client.get(url)
    assert Meeting.objects.get(pk=meeting.pk).status == "cancelled"
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.get(HIT) is None
    assert b"Cancelled while the cache is down" in second.content


@pytest.mark.django_db
def test_a_reader_that_accepts_gzip_is_answered_compressed_from_the_cache(secretariat_client, meeting):
    import gzip

    url = "/meetings/"
    plain = _warm(secretariat_client, url)
    secretariat_client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    compressed = secretariat_client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert compressed[HIT] == "hit"
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert len(compressed.content) < len(plain.content) // 3
    # the same page as the uncompressed one, but for the CSRF token masked anew in each render
    strip = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub(b"", gzip.decompress(compressed.content)) == strip.sub(b"", plain.content)
