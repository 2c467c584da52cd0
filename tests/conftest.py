"""Shared fixtures: the real reference data, one user per role, and clients logged in as them."""

from __future__ import annotations

import pytest
from django.test import Client

from committees.models import Member, Role
from nrc.datacache import data_changed
from nrc.reference import reference_load

from .factories import UserFactory


@pytest.fixture(autouse=True)
def _no_cached_read_of_an_earlier_test():
    """A test's writes are rolled back, not committed: start each test at a new data version."""
    data_changed()


@pytest.fixture
def reference(db):
    """Members, bodies, cadence rules, areas and the default venue, loaded by the real loader."""
    return reference_load()


@pytest.fixture
def secretariat(reference):
    return UserFactory(username="secretariat", role=Role.SECRETARIAT)


@pytest.fixture
def chair(reference):
    return UserFactory(username="chair", role=Role.CHAIR)


@pytest.fixture
def auditor(reference):
    return UserFactory(username="auditor", role=Role.AUDITOR)


@pytest.fixture
def administrator(reference):
    return UserFactory(username="admin", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


@pytest.fixture
def delegation(reference):
    """The delegation of the United States."""
    return UserFactory(username="delegation-us", role=Role.DELEGATION, member=Member.objects.get(iso2="US"))


@pytest.fixture
def other_delegation(reference):
    """The delegation of the Russian Federation."""
    return UserFactory(username="delegation-ru", role=Role.DELEGATION, member=Member.objects.get(iso2="RU"))


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def secretariat_client(secretariat):
    return _client_for(secretariat)


@pytest.fixture
def chair_client(chair):
    return _client_for(chair)


@pytest.fixture
def auditor_client(auditor):
    return _client_for(auditor)


@pytest.fixture
def delegation_client(delegation):
    return _client_for(delegation)


@pytest.fixture
def other_delegation_client(other_delegation):
    return _client_for(other_delegation)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()
