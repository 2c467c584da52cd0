"""HTTP clients for the smoke journey, the drills and the load test: an API client with a bearer token and
a browser-like client with a session cookie.

The production settings mark cookies Secure (``__Host-`` names) and trust ``X-Forwarded-Proto`` from the
proxy that terminates TLS. On loopback there is no proxy, so these clients play its part: they send
``X-Forwarded-Proto: https`` and return Secure cookies over plain HTTP to 127.0.0.1 only.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import requests

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def loopback_cookies_unsecured(jar) -> None:
    """Secure cookies set by 127.0.0.1 are returned over plain HTTP to 127.0.0.1 (the proxy's TLS is simulated).

    requests copies the session's jar into a new one for every request, so a cookie policy would be lost;
    the cookies themselves are marked instead, and only those of loopback hosts.
    """
    for cookie in jar:
        if cookie.domain.split(":")[0] in LOOPBACK or cookie.domain in {"127.0.0.1.local", "localhost.local"}:
            cookie.secure = False


class ProxiedSession(requests.Session):
    """A browser behind the TLS-terminating proxy: X-Forwarded-Proto, Origin, Secure cookies on loopback."""

    def __init__(self, base_url: str):
        super().__init__()
        behind_proxy(self, base_url)

    def prepare_request(self, request):
        loopback_cookies_unsecured(self.cookies)
        return super().prepare_request(request)


def behind_proxy(session: requests.Session, base_url: str) -> requests.Session:
    """The headers the proxy in front of gunicorn adds (and the browser's Origin)."""
    session.headers.update(PROXY_HEADERS)
    # Django's CSRF check on HTTPS requests compares Origin/Referer with the host.
    session.headers["Origin"] = "https://" + urlsplit(base_url).netloc
    return session


class ApiError(AssertionError):
    pass


class Api:
    """The JSON API under /api/v1/, as one user with a bearer token."""

    def __init__(self, base_url: str, *, timeout: float = 30):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers.update(PROXY_HEADERS)
        self.timeout = timeout
        self.token: str | None = None

    def login(self, username: str, password: str) -> Api:
        resp = self.session.post(
            f"{self.base_url}/api/v1/auth/token/", json={"username": username, "password": password}, timeout=60
        )
        expect(resp, 201)
        self.token = resp.json()["token"]
        self.session.headers["Authorization"] = f"Bearer {self.token}"
        return self

    def request(self, method: str, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", self.timeout)
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        return self.session.request(method, url, **kw)

    def get(self, path: str, **kw) -> requests.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, json=None, **kw) -> requests.Response:
        return self.request("POST", path, json=json, **kw)

    def schema_paths(self) -> set[str]:
        """The paths of the OpenAPI schema: what the API offers in this build."""
        resp = self.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
        expect(resp, 200)
        return set(resp.json()["paths"])


class Browser:
    """HTML pages with a session cookie, logged in through the login form (CSRF included)."""

    def __init__(self, base_url: str, *, timeout: float = 30):
        self.base_url = base_url.rstrip("/")
        self.session = ProxiedSession(base_url)
        self.timeout = timeout

    def login(self, username: str, password: str) -> Browser:
        page = self.get("/accounts/login/")
        expect(page, 200)
        token = csrf_token(page.text)
        resp = self.session.post(
            f"{self.base_url}/accounts/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
            headers={"Referer": f"https://{urlsplit(self.base_url).netloc}/accounts/login/"},
            allow_redirects=False,
            timeout=60,
        )
        if resp.status_code != 302:
            raise ApiError(f"login of {username} failed: {resp.status_code} {resp.text[:300]}")
        return self

    def get(self, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", self.timeout)
        return self.session.get(f"{self.base_url}{path}", **kw)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise ApiError("no CSRF token in the page")
    return match.group(1)


def expect(resp: requests.Response, *statuses: int) -> requests.Response:
    if resp.status_code not in statuses:
        raise ApiError(
            f"{resp.request.method} {resp.url}: expected {statuses}, got {resp.status_code}: {resp.text[:500]}"
        )
    return resp
