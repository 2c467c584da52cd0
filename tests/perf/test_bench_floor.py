"""The benchmark's floor views answer like the real pages: only when signed in, through the same middleware."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from bench.targets import parameterless_urls
from nrc.api_auth import api_token_issue


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls")
def test_page_floor_needs_a_session(client, secretariat_client):
    response = client.get("/bench/floor/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    response = secretariat_client.get("/bench/floor/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "Content-Security-Policy" in response.headers  # the project's middleware ran


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls")
def test_api_floor_needs_a_token(secretariat):
    client = APIClient()
    assert client.get("/bench/api-floor/").status_code == 401
    _, key = api_token_issue(user=secretariat, name="bench")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.get("/bench/api-floor/")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


@override_settings(ROOT_URLCONF="bench.urls")
def test_floors_are_not_measured_as_pages():
    assert not [path for _, path, _ in parameterless_urls() if path.startswith("/bench/")]
