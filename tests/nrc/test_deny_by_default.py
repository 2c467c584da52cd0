"""Deny by default: every page and endpoint refuses an anonymous client, unless it is on the allow-list."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Paths an anonymous client may reach, and why.
ALLOW_LIST = {
    "accounts/login/",  # the login form
    "healthz",  # load-balancer probe, reveals nothing
    "i18n/setlang/",  # the language picker on the login page
    "api/v1/auth/token/",  # the API login
    "admin/login/",  # the admin login form (behind django-axes)
    # iCalendar feeds for calendar clients: the private, revocable token in the URL is the credential
    "meetings/feeds/<str:token>/all.ics",
    "meetings/feeds/<str:token>/followed.ics",
    "meetings/feeds/<str:token>/body-<int:body_pk>.ics",
}


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _concrete(route: str) -> str:
    route = route.replace("^", "").replace("$", "").replace("\\Z", "")
    route = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", route).replace("\\", "")
    route = re.sub(r"<(?:int|pk)?:?[^>]*pk>|<int:[^>]+>", "1", route)
    route = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000000", route)
    route = re.sub(r"<[^>]+>", "x", route)
    route = re.sub(r"[()?+*\[\]]", "", route)
    return "/" + route


def all_routes():
    return sorted(set(_walk(get_resolver().url_patterns)))


@pytest.mark.django_db
def test_every_route_refuses_anonymous_clients(client):
    checked = 0
    for route in all_routes():
        if (
            route.replace("^", "").replace("$", "") in ALLOW_LIST
            or route.startswith("static/")
            or route.startswith("media/")
        ):
            continue
        path = _concrete(route)
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            if path.startswith("/api/"):
                assert response.status_code in (401, 403), f"{method.upper()} {path} → {response.status_code}"
            else:
                assert response.status_code in (302, 401, 403, 405), f"{method.upper()} {path} → {response.status_code}"
                if response.status_code == 302:
                    assert "/login/" in response["Location"], f"{method.upper()} {path} → {response['Location']}"
            checked += 1
    assert checked > 20
