"""Notices of extraordinary-session requests go through the outbox: with the broker up they are delivered after
commit; with the broker down the request is still saved and acknowledged, and the sweeper delivers every
notice once the broker is back (none lost, none sent twice)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings.models import SessionRequest, SessionRequestStatus
from nrc.celery import app as celery_app
from nrc.models import Notification
from nrc.tasks import outbox_sweep

from .factories_requests import SessionRequestFactory, in_days
from .test_session_requests_views import form_data

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"
EXPECTED_RECIPIENTS = [
    "chair@nrc.example",
    "delegation-ru@nrc.example",
    "delegation-us@nrc.example",
    "nrc-secretariat@localhost",
    "secretariat@nrc.example",
]


def _reset_producers() -> None:
    """Forget the connection and producer pools, so that the next publish uses the broker URL now configured."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down(settings):
    """The broker URL points at a closed port and tasks are really published (not run eagerly)."""
    saved = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    settings.CELERY_BROKER_URL = CLOSED_PORT_BROKER
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.broker_url = CLOSED_PORT_BROKER
    celery_app.conf.task_always_eager = False
    _reset_producers()

    def back_up() -> None:
        """The broker is back: here the tasks run in-process, as a worker would run them."""
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved[0], True
        settings.CELERY_TASK_ALWAYS_EAGER = True
        _reset_producers()

    yield back_up
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
    _reset_producers()


@pytest.mark.django_db
def test_with_the_broker_up_every_notice_is_mailed_after_commit(
    delegation_client, delegation, other_delegation, chair, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = delegation_client.post(reverse("meetings:request_create"), form_data())
    assert response.status_code == 302
    req = SessionRequest.objects.get()
    assert sorted(m.to[0] for m in mail.outbox) == EXPECTED_RECIPIENTS
    subjects = {m.subject for m in mail.outbox}
    assert subjects == {f"[NRC] Extraordinary session of NRC-AMB requested by United States (#{req.pk})"}
    assert "Grounds for the session." in mail.outbox[0].body
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_request_is_saved_and_the_notices_follow(
    broker_down, delegation_client, delegation, other_delegation, chair, secretariat, api_client, caplog
):
    # Given a broker that cannot be reached
    # When a delegation submits a request through the page, and another through the API
    response = delegation_client.post(reverse("meetings:request_create"), form_data())
    api_client.force_authenticate(other_delegation)
    api_response = api_client.post(
        "/api/v1/session-requests/",
        {
            "body": SessionRequest._meta.get_field("body").related_model.objects.get(code="NRC-AMB").pk,
            "grounds": "Urgent consultations.",
            "proposed_slots": [{"starts_at": in_days(3).isoformat(), "ends_at": in_days(3, 12).isoformat()}],
        },
        format="json",
    )
    # Then both are saved and acknowledged (no server error) and the requester sees its request
    assert response.status_code == 302
    assert api_response.status_code == 201
    first = SessionRequest.objects.get(on_behalf_of__iso2="US")
    assert first.status == SessionRequestStatus.SUBMITTED
    page = delegation_client.get(response["Location"])
    assert page.status_code == 200
    assert "was submitted" in page.content.decode()
    # And every notice waits in the outbox, none sent
    assert Notification.objects.count() == 2 * len(EXPECTED_RECIPIENTS)
    assert Notification.objects.filter(sent_at__isnull=True).count() == 2 * len(EXPECTED_RECIPIENTS)
    assert mail.outbox == []
    # (the publish was really attempted, and failed against the closed port)
    refused = [r for r in caplog.records if r.name == "nrc.notifications" and "not queued" in r.getMessage()]
    assert len(refused) == 2

    # When the broker is back and the sweeper runs (it takes notices older than a minute)
    broker_down()
    Notification.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    swept = outbox_sweep.delay().get()
    # Then every notice is delivered exactly once
    assert swept == 2 * len(EXPECTED_RECIPIENTS)
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(EXPECTED_RECIPIENTS * 2)
    # And a second sweep sends nothing again
    assert outbox_sweep.delay().get() == 0
    assert len(mail.outbox) == 2 * len(EXPECTED_RECIPIENTS)


@pytest.mark.django_db(transaction=True)
def test_a_decision_with_the_broker_down_is_saved_and_announced_later(
    broker_down, chair_client, delegation, other_delegation, chair, secretariat
):
    req = SessionRequestFactory(requested_by=delegation)
    response = chair_client.post(
        reverse("meetings:request_status", args=[req.pk]), {"to": "declined", "declined-reasons": "Not warranted."}
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == SessionRequestStatus.DECLINED
    assert Notification.objects.filter(template="session_request_declined", sent_at__isnull=True).count() == 5
    broker_down()
    Notification.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    outbox_sweep.delay()
    assert {m.subject for m in mail.outbox} == {f"[NRC] Extraordinary session of NRC-AMB declined (#{req.pk})"}
    assert len(mail.outbox) == 5
    assert all("Not warranted." in m.body for m in mail.outbox)
