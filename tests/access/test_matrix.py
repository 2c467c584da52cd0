"""The access matrix: every URL and every API operation has rows, and every row holds for every actor."""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from nrc.api_auth import api_token_issue

from . import ACTORS, Row

WEB_METHODS = ("GET", "POST")
SCHEMA_METHODS = ("get", "post", "put", "patch", "delete")


def collect_rows() -> list[Row]:
    rows: list[Row] = []
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("test_"):
            continue
        rows.extend(importlib.import_module(f"{__package__}.{module.name}").ROWS)
    return rows


ROWS = collect_rows()


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _as_schema_path(route: str) -> str:
    """``api/v1/^tokens/(?P<pk>[^/.]+)/revoke/$`` → ``/api/v1/tokens/{id}/revoke/`` (as drf-spectacular names it)."""
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: "{" + m.group(1) + "}", route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{" + m.group(1) + "}", route)
    return "/" + route.replace("{pk}", "{id}")


def required_keys() -> set[tuple[str, str]]:
    """(method, path) of every page (GET and POST) and of every operation of the API schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    keys = {(m.upper(), path) for path, ops in schema["paths"].items() for m in ops if m in SCHEMA_METHODS}
    schema_paths = set(schema["paths"])
    for route in set(_walk(get_resolver().url_patterns)):
        if route.startswith(("static/", "media/")):
            continue
        if route.startswith("api/v1/") and _as_schema_path(route) in schema_paths:
            continue  # the schema lists its operations
        keys.update((method, "/" + route) for method in WEB_METHODS)
    return keys


def _covered(key: tuple[str, str], rows: list[Row]) -> bool:
    method, path = key
    return any(
        row.method.upper() == method and (row.path == path or (row.prefix and path.startswith(row.path)))
        for row in rows
    )


def test_every_url_and_api_operation_has_a_row():
    missing = sorted(key for key in required_keys() if not _covered(key, ROWS))
    assert missing == [], "No access row for:\n" + "\n".join(f"  {m} {p}" for m, p in missing)


def test_every_row_names_every_actor_and_a_real_endpoint():
    keys = required_keys()
    for row in ROWS:
        assert set(row.expect) == set(ACTORS), row
        if not row.prefix and row.method.upper() in (*WEB_METHODS, "PUT", "PATCH", "DELETE"):
            same_path = {p for _, p in keys}
            assert row.path in same_path, f"row for an endpoint that does not exist: {row.method} {row.path}"


@dataclass
class Ctx:
    users: dict


@pytest.fixture
def actors(secretariat, chair, delegation, other_delegation, auditor, administrator):
    users = {
        "secretariat": secretariat,
        "chair": chair,
        "delegation": delegation,
        "other_delegation": other_delegation,
        "auditor": auditor,
        "administrator": administrator,
    }
    keys = {name: api_token_issue(user=user, name="access matrix")[1] for name, user in users.items()}
    return users, keys


def _concrete(row: Row, kwargs: dict) -> str:
    path = row.sample or row.path

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in kwargs:
            raise AssertionError(f"{row.method} {row.path}: setup must give the path parameter {name!r}")
        return str(kwargs[name])

    path = re.sub(r"\{(\w+)\}", value, path)
    return re.sub(r"<(?:\w+:)?(\w+)>", value, path)


def _client(row: Row, actor: str, users: dict, keys: dict):
    if row.is_api or row.path.startswith("/api/"):
        client = APIClient()
        if actor != "anonymous":
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {keys[actor]}")
        return client
    client = Client()
    if actor != "anonymous":
        client.force_login(users[actor])
    return client


def _play(row: Row, actor: str, users: dict, keys: dict) -> tuple[int, str]:
    with transaction.atomic():
        prepared = row.setup(Ctx(users=users)) if row.setup else {}
        data = prepared.get("data", row.data)
        path = _concrete(row, prepared.get("kwargs", {}))
        client = _client(row, actor, users, keys)
        method = getattr(client, row.method.lower())
        if isinstance(client, APIClient):
            response = method(path, data, format="json") if data is not None else method(path)
        else:
            response = method(path, data) if data is not None else method(path)
        transaction.set_rollback(True)
    return response.status_code, response.get("Location", "")


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[f"{r.method} {r.path}#{i}" for i, r in enumerate(ROWS)])
def test_access(row: Row, actors):
    users, keys = actors
    got, wrong = {}, {}
    for actor in ACTORS:
        status, location = _play(row, actor, users, keys)
        got[actor] = status
        wanted = row.expect[actor]
        ok = status in wanted if isinstance(wanted, tuple) else status == wanted
        if ok and actor == "anonymous" and status == 302 and not row.is_api and not row.path.startswith("/admin/"):
            ok = "/accounts/login/" in location or row.path in ("/i18n/setlang/",)
        if not ok:
            wrong[actor] = f"got {status}, expected {wanted} {location}".strip()
    assert wrong == {}, f"{row.method} {row.path}: {wrong}"
