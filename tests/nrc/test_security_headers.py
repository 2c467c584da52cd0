"""Production hardening: `check --deploy` is clean, and every response carries the security headers and
``__Host-`` secure cookies that the production settings promise."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "p" * 30 + "-production-like-secret-for-tests-only-" + "q" * 20,
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/nrc_not_used",
    "DJANGO_ALLOWED_HOSTS": "nrc.example,testserver",
}
# What the production settings module sets that changes responses (everything but secrets and storage).
SECURITY_SETTINGS = [
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "CONTENT_SECURITY_POLICY",
    "PERMISSIONS_POLICY",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SAMESITE",
]


@pytest.fixture
def production(monkeypatch):
    """The production settings, applied on top of the test settings."""
    for key, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(key, value)
    sys.modules.pop("nrc.settings.production", None)
    module = importlib.import_module("nrc.settings.production")
    sys.modules.pop("nrc.settings.production", None)
    values = {name: getattr(module, name) for name in SECURITY_SETTINGS}
    values["ALLOWED_HOSTS"] = ["nrc.example", "testserver"]
    with override_settings(**values):
        yield values


def test_check_deploy_is_clean_under_production_settings():
    # The browser tests' relaxation (set at import of their conftest) is no part of a deployment.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="nrc.settings.production")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def _directives(csp: str) -> dict[str, list[str]]:
    out = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def _assert_security_headers(response) -> None:
    headers = response.headers
    hsts = dict(
        ([*item.strip().split("="), ""])[:2] for item in headers["Strict-Transport-Security"].split(";") if item.strip()
    )
    assert int(hsts["max-age"]) >= 365 * 24 * 3600
    assert "includeSubDomains" in hsts
    csp = _directives(headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["style-src"]
    assert "'unsafe-eval'" not in headers["Content-Security-Policy"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    policy = {p.split("=")[0].strip(): p.split("=")[1].strip() for p in headers["Permissions-Policy"].split(",")}
    assert policy == {"camera": "()", "microphone": "()", "geolocation": "()", "payment": "()", "usb": "()"}


@pytest.mark.django_db
def test_every_kind_of_response_carries_the_headers(production, delegation):
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    # Plain HTTP is redirected to HTTPS
    plain = Client().get("/accounts/login/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/accounts/login/"
    # A page, an anonymous redirect, an API error, a 404, the health probe
    responses = {
        "login page": client.get("/accounts/login/", secure=True),
        "redirect to login": client.get("/", secure=True),
        "API 401": client.get("/api/v1/me/", secure=True),
        "not found": client.get("/no-such-page/", secure=True),
    }
    assert [r.status_code for r in responses.values()] == [200, 302, 401, 404]
    for name, response in responses.items():
        try:
            _assert_security_headers(response)
        except (AssertionError, KeyError) as exc:
            raise AssertionError(f"{name}: {exc!r}") from exc


@pytest.mark.django_db
def test_cookies_are_host_prefixed_secure_and_http_only(production, delegation):
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    # The login form sets the CSRF cookie
    page = client.get("/accounts/login/", secure=True)
    csrf = page.cookies["__Host-csrftoken"]
    assert csrf["secure"] is True
    assert csrf["path"] == "/"
    assert csrf["domain"] == ""
    assert csrf["samesite"] == "Lax"
    # Logging in sets the session cookie
    client.cookies["__Host-csrftoken"] = csrf.value
    response = client.post(
        "/accounts/login/",
        {"username": "delegation-us", "password": "correct horse battery staple", "csrfmiddlewaretoken": csrf.value},
        secure=True,
        HTTP_REFERER="https://testserver/accounts/login/",
    )
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["path"] == "/"
    assert session["domain"] == ""
    assert session["samesite"] == "Lax"
    assert "sessionid" not in response.cookies
    _assert_security_headers(response)
    # An authenticated page, with the same headers
    home = client.get("/", secure=True)
    assert home.status_code == 200
    _assert_security_headers(home)
