"""API tokens: created by their owner (key shown once, only a hash stored), listed, revoked; they expire."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from nrc.api_auth import api_token_issue
from nrc.models import ApiToken, AuditEntry


@pytest.mark.django_db
def test_page_creates_a_token_shown_once_and_lists_it(delegation_client, delegation, api_client):
    url = reverse("token_list")
    # When the delegation creates a token on its page
    response = delegation_client.post(url, {"name": "calendar sync"})
    # Then the key is shown once, and only its hash is stored
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    key = response.context["new_key"]
    [token] = ApiToken.objects.filter(user=delegation)
    assert token.name == "calendar sync"
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in token.key_hash
    assert abs((token.expires_at - token.created_at) - dt.timedelta(hours=24)) < dt.timedelta(seconds=1)
    # The audit trail records the creation, without the key or its hash
    entry = AuditEntry.objects.get(action="api_token.create", object_id=str(token.pk))
    assert entry.actor_id == delegation.pk
    assert "key_hash" not in entry.after
    assert key not in str(entry.after)
    # A later visit lists it without the key
    page = delegation_client.get(url)
    assert page.context["new_key"] is None
    assert key not in page.content.decode()
    assert f"{token.prefix}…" in page.content.decode()
    # And the key works on the API
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api_client.get("/api/v1/me/").data["username"] == "delegation-us"


@pytest.mark.django_db
def test_page_refuses_a_token_without_a_name(delegation_client, delegation):
    response = delegation_client.post(reverse("token_list"), {"name": ""})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert ApiToken.objects.filter(user=delegation).count() == 0


@pytest.mark.django_db
def test_revoke_own_token_and_not_another_delegations(
    delegation_client, other_delegation_client, delegation, api_client
):
    token, key = api_token_issue(user=delegation, name="script")
    # The other delegation cannot revoke it: 404, nothing changed
    response = other_delegation_client.post(reverse("token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    # The owner revokes it
    response = delegation_client.post(reverse("token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoke", object_id=str(token.pk)).count() == 1
    # The key no longer works
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert str(response.data["detail"]) == "Invalid, expired or revoked token."
    # Revoking twice changes nothing
    delegation_client.post(reverse("token_revoke", args=[token.pk]))
    assert AuditEntry.objects.filter(action="api_token.revoke", object_id=str(token.pk)).count() == 1


@pytest.mark.django_db
def test_an_expired_token_is_refused(delegation, api_client):
    token, key = api_token_issue(user=delegation, name="old")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api_client.get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_token_ttl_comes_from_the_setting(delegation, settings):
    settings.API_TOKEN_TTL_HOURS = 2
    token, _ = api_token_issue(user=delegation, name="short")
    assert dt.timedelta(hours=2) - dt.timedelta(seconds=5) < token.expires_at - timezone.now() <= dt.timedelta(hours=2)


@pytest.mark.django_db
def test_api_create_list_and_revoke(api_client, delegation, other_delegation):
    api_client.force_authenticate(delegation)
    created = api_client.post("/api/v1/tokens/", {"name": "ci"}, format="json")
    assert created.status_code == 201
    key = created.data["token"]
    token = ApiToken.objects.get(pk=created.data["id"])
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    listed = api_client.get("/api/v1/tokens/")
    assert listed.status_code == 200
    assert [t["id"] for t in listed.data["results"]] == [token.pk]
    assert "token" not in listed.data["results"][0]
    # Bad input: 400 naming the field
    bad = api_client.post("/api/v1/tokens/", {"name": ""}, format="json")
    assert bad.status_code == 400
    assert "name" in bad.data
    # Another delegation neither sees nor revokes it
    api_client.force_authenticate(other_delegation)
    assert api_client.get("/api/v1/tokens/").data["count"] == 0
    assert api_client.post(f"/api/v1/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    # The owner revokes it
    api_client.force_authenticate(delegation)
    revoked = api_client.post(f"/api/v1/tokens/{token.pk}/revoke/")
    assert revoked.status_code == 200
    assert revoked.data["revoked_at"] is not None


@pytest.mark.django_db
def test_obtain_then_revoke_the_current_token(api_client, delegation):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "delegation-us", "password": "correct horse battery staple"}
    )
    assert response.status_code == 201
    key = response.data["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api_client.post("/api/v1/auth/token/revoke/").status_code == 204
    assert api_client.get("/api/v1/me/").status_code == 401
    assert list(
        AuditEntry.objects.filter(actor=delegation, action__startswith="api_token.").values_list("action", flat=True)
    ) == ["api_token.revoke", "api_token.create"]


@pytest.mark.django_db
def test_token_list_runs_a_constant_number_of_queries(api_client, delegation, django_assert_num_queries):
    api_client.force_authenticate(delegation)
    api_token_issue(user=delegation, name="a")
    with django_assert_num_queries(2):
        api_client.get("/api/v1/tokens/")
    for i in range(30):
        api_token_issue(user=delegation, name=f"t{i}")
    with django_assert_num_queries(2):
        assert api_client.get("/api/v1/tokens/").data["count"] == 31
