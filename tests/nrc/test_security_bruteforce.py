"""Brute force: after AXES_FAILURE_LIMIT failures, the correct password is refused on every login path."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from nrc.models import ApiToken

PASSWORD = "correct horse battery staple"
LOCKED = "Too many failed login attempts: this account is locked. Contact the administrator."


def _fail(client: Client, url: str, username: str, times: int, **extra) -> list[int]:
    return [
        client.post(url, {"username": username, "password": "wrong password"}, **extra).status_code
        for _ in range(times)
    ]


@pytest.mark.django_db
def test_login_form_locks_out_after_the_limit(delegation):
    client = Client()
    assert settings.AXES_FAILURE_LIMIT == 5
    # Given four failures: the form still answers normally
    assert _fail(client, "/accounts/login/", "delegation-us", settings.AXES_FAILURE_LIMIT - 1) == [200] * 4
    # When the fifth failure comes
    fifth = client.post("/accounts/login/", {"username": "delegation-us", "password": "wrong"})
    assert fifth.status_code == 429
    # Then the correct password is refused with the lockout page
    response = client.post("/accounts/login/", {"username": "delegation-us", "password": PASSWORD})
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked (lockout by username and address)
    other = Client()
    response = other.post("/accounts/login/", {"username": "secretariat", "password": PASSWORD})
    assert response.status_code in (200, 302)


@pytest.mark.django_db
def test_a_success_before_the_limit_resets_the_count(delegation):
    client = Client()
    _fail(client, "/accounts/login/", "delegation-us", 4)
    assert client.post("/accounts/login/", {"username": "delegation-us", "password": PASSWORD}).status_code == 302
    client.logout()
    assert _fail(client, "/accounts/login/", "delegation-us", 4) == [200] * 4


@pytest.mark.django_db
def test_admin_login_locks_out_after_the_limit(administrator):
    client = Client()
    statuses = _fail(client, "/admin/login/", "admin", settings.AXES_FAILURE_LIMIT)
    assert statuses == [200, 200, 200, 200, 429]
    response = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert client.get("/admin/").status_code == 302  # still not logged in


@pytest.mark.django_db
def test_api_token_endpoint_answers_429_with_a_clear_message(api_client, delegation):
    url = "/api/v1/auth/token/"
    statuses = _fail(api_client, url, "delegation-us", settings.AXES_FAILURE_LIMIT)
    assert statuses == [401, 401, 401, 401, 429]
    response = api_client.post(url, {"username": "delegation-us", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json() == {"detail": LOCKED}
    assert ApiToken.objects.filter(user=delegation).count() == 0
