"""Which URLs to measure: every page and API endpoint that takes no parameter and answers GET, plus the detail
pages of a busy meeting. Shared by the benchmark and by the query-count tests (tests/perf)."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

SKIP_PREFIXES = ("/admin/", "/api/schema/", "/api/docs/", "/accounts/", "/i18n/", "/static/", "/media/", "/bench/")
# Not pages: probes, login/logout and token endpoints, downloads and feeds that stream files.
SKIP_NAMES = ("healthz", "api-token-obtain", "api-token-revoke", "logout", "set_language")
# The parts of one meeting: these lists require ?meeting= (see meeting_part_urls).
MEETING_PART_APIS = ("agenda-item-list", "paper-list", "attendance-list")


def _walk(patterns, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        piece = str(p.pattern).lstrip("^").rstrip("$")
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + piece)
        elif isinstance(p, URLPattern):
            yield prefix + piece, p


def parameterless_urls(urlconf=None) -> list[tuple[str, str, str]]:
    """(name, path, kind) for every route without parameters; kind is "api" under /api/, else "page"."""
    out, seen = [], set()
    for route, pattern in _walk(get_resolver(urlconf).url_patterns):
        if "<" in route or "(?P" in route or "\\" in route or pattern.name in SKIP_NAMES + MEETING_PART_APIS:
            continue
        path = "/" + route
        if path.startswith(SKIP_PREFIXES) or path in seen:
            continue
        seen.add(path)
        out.append((pattern.name or path, path, "api" if path.startswith("/api/") else "page"))
    return out


def reverse_or_none(name: str, *, args=None, kwargs=None) -> str | None:
    try:
        return reverse(name, args=args, kwargs=kwargs)
    except NoReverseMatch:
        return None


def object_urls(pk: int, names: tuple[str, ...]) -> str | None:
    """The first of ``names`` that reverses with this primary key."""
    for name in names:
        url = reverse_or_none(name, kwargs={"pk": pk}) or reverse_or_none(name, args=[pk])
        if url:
            return url
    return None


def meeting_part_urls(pk: int) -> list[tuple[str, str]]:
    """(name, path) of the lists of one meeting's parts (agenda items, papers, attendance)."""
    return [(name, f"{url}?meeting={pk}") for name in MEETING_PART_APIS if (url := reverse_or_none(name))]


MEETING_DETAIL_PAGES = ("meetings:meeting_detail", "meetings:detail")
MEETING_DETAIL_APIS = ("meeting-detail", "meetings-api:meeting-detail", "api-meeting-detail")


class QueryCounter:
    """Counts the SQL statements run while installed with ``connection.execute_wrapper`` (unlike the debug
    query log, it is not cleared when a request starts)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        import time

        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
