"""Read caching that is never behind the data: pages and API reads keyed by a data version.

Every statement that writes application data through Django (services, the admin, Celery jobs, management
commands) advances one counter, the *data version*, in the shared cache: at once, and again when its transaction
commits. A cached page or API read is stored under a key made of that version, the current minute, the reader
(user, CSRF secret, language, time zone) and the request (path with its query string, Accept and
Accept-Encoding headers), compressed once when the reader accepts gzip (GZipMiddleware would otherwise compress
it on every answer). A write therefore makes every earlier entry unreachable, and no entry outlives the minute it
was rendered in, which bounds what a page derived from the clock (days left, meetings under way) or a write made
outside Django can be behind.

- ``DataVersionPageCacheMiddleware`` caches the GET pages of signed-in users (status 200, not streamed, no
  pending message, no cookie or session change made by the view); a view opts out with ``@uncached``.
- ``CachedReadsMixin`` does the same for DRF views, after authentication, permissions and throttling, so a
  cached read is served only to a reader the API has just accepted.

Enabled by ``NRC_PAGE_CACHE`` (on when the cache is shared between processes: Redis).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

VERSION_KEY = "nrc:data-version"
KEY_PREFIX = "nrc:read:"
# Tables whose writes do not change what any page shows: sessions, login attempts, the beat scheduler's own state.
IGNORED_TABLES = ("django_session", "axes_", "django_celery_beat_")
_WRITE = re.compile(
    r"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|COPY|MERGE\s+INTO)\s+\"?(\w+)", re.IGNORECASE
)
_WITH_WRITE = re.compile(r"^\s*WITH\b.*\b(?:INSERT|UPDATE|DELETE)\b", re.IGNORECASE | re.DOTALL)
# Response headers a cached read keeps (the rest are set again by the middleware around the view).
KEPT_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Content-Language",
    "Content-Encoding",
    "Vary",
    "Link",
    "Allow",
)
# A stored read is compressed once, as GZipMiddleware (outermost) would compress it on every answer.
_gzip = GZipMiddleware(lambda request: None)


def enabled() -> bool:
    return getattr(settings, "NRC_PAGE_CACHE", False)


# --- the data version ------------------------------------------------------------------------------------------


class CacheUnavailable(Exception):
    """The shared cache did not answer: reads are rendered, writes commit, nothing is served from the cache."""


def _guarded(operation: str, fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # the cache backend's own errors (redis.ConnectionError, timeouts, ...)
        logger.warning("read cache: %s failed (%s); continuing without it", operation, exc.__class__.__name__)
        raise CacheUnavailable from exc


def data_version() -> int:
    return _guarded("reading the data version", _data_version)


def _data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh cache (or an evicted counter): start from the clock, so no key of an earlier run is reused.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return int(version)


def data_changed() -> None:
    """Advance the data version: every cached read stored before is unreachable. A write never fails because
    the cache is down (what was stored stays bounded by its minute)."""
    with contextlib.suppress(CacheUnavailable):
        _guarded("advancing the data version", _advance)


def _advance() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)


def _bump_on_commit(alias: str) -> None:
    connection = connections[alias]
    if not connection.in_atomic_block:
        data_changed()
        return
    data_changed()  # the writing connection reads its own writes before the commit
    if not any(func is data_changed for _, func, _ in connection.run_on_commit):
        transaction.on_commit(data_changed, using=alias)


def writes_data(sql: str) -> bool:
    """Whether a statement may change application data (a write whose table is unknown counts)."""
    match = _WRITE.match(sql)
    if match:
        return not match.group(1).lower().startswith(IGNORED_TABLES)
    return bool(_WITH_WRITE.match(sql))


def watch_writes(sender, connection, **kwargs) -> None:
    """Connected to ``connection_created``: every write on this connection advances the data version."""
    alias = connection.alias

    def watcher(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if writes_data(sql):
            _bump_on_commit(alias)
        return result

    if not any(getattr(w, "nrc_write_watcher", False) for w in connection.execute_wrappers):
        watcher.nrc_write_watcher = True
        connection.execute_wrappers.append(watcher)


# --- keys -------------------------------------------------------------------------------------------------------


def read_key(request, user, *, variant: str = "") -> str:
    """The cache key of this read for this reader, at the current data version and minute."""
    now = timezone.now()
    parts = [
        str(data_version()),
        now.strftime("%Y%m%d%H%M"),
        str(user.pk),
        request.META.get("CSRF_COOKIE", ""),
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
        request.method,
        request.get_full_path(),
        request.headers.get("Accept", ""),
        request.headers.get("Accept-Encoding", ""),
        variant,
    ]
    return KEY_PREFIX + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _stored(response) -> tuple[int, bytes, list[tuple[str, str]]]:
    headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
    return response.status_code, response.content, headers


def _replay(entry) -> HttpResponse:
    status, content, headers = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response["X-Read-Cache"] = "hit"
    return response


def _timeout() -> int:
    return getattr(settings, "NRC_PAGE_CACHE_SECONDS", 90)


# --- pages ------------------------------------------------------------------------------------------------------


def uncached(view: Callable) -> Callable:
    """Mark a view whose GET must always run (side effects, or content not derived from the data)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        return view(*args, **kwargs)

    wrapped.nrc_uncached = True
    return wrapped


def _has_pending_messages(request) -> bool:
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    return bool(storage._queued_messages) or bool(storage._loaded_messages)


class DataVersionPageCacheMiddleware:
    """Serve a signed-in user's GET page from the cache while the data and the minute are unchanged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return store_page(request, self.get_response(request))

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not self._cacheable(request, view_func):
            return None
        try:
            key = read_key(request, request.user, variant="page")
            entry = _guarded("reading a page", cache.get, key)
        except CacheUnavailable:
            return None
        if entry is not None:
            return _replay(entry)
        request.nrc_read_key = key
        return None

    @staticmethod
    def _cacheable(request, view_func) -> bool:
        if not enabled() or request.method != "GET":
            return False
        if getattr(view_func, "nrc_uncached", False) or hasattr(view_func, "cls"):
            return False  # opted out, or a DRF view (cached after its own authentication: CachedReadsMixin)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not request.META.get("CSRF_COOKIE"):
            return False
        return not _has_pending_messages(request)


def store_page(request, response):
    key = getattr(request, "nrc_read_key", None)
    if key is None or response.status_code != 200 or response.streaming or response.cookies:
        return response
    if getattr(request, "session", None) is not None and request.session.modified:
        return response
    if _has_pending_messages(request):
        return response
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    _store(key, request, response)
    return response


def _store(key: str, request, response) -> None:
    _gzip.process_response(request, response)
    with contextlib.suppress(CacheUnavailable):
        _guarded("storing a read", cache.set, key, _stored(response), _timeout())


# --- the API ----------------------------------------------------------------------------------------------------


class CachedReadsMixin:
    """DRF: GET answers served from the cache, after authentication, permissions and throttles have run."""

    nrc_read_key = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not enabled() or request.method != "GET" or not request.user.is_authenticated:
            return
        renderer = getattr(request, "accepted_media_type", "")
        try:
            key = read_key(request._request, request.user, variant=f"api:{renderer}")
            entry = _guarded("reading an API answer", cache.get, key)
        except CacheUnavailable:
            return
        if entry is not None:
            self.get = lambda *a, **k: _replay(entry)
        else:
            self.nrc_read_key = key

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key = getattr(self, "nrc_read_key", None)
        if key is not None and response.status_code == 200 and not response.streaming and not response.cookies:
            response.render()
            _store(key, request._request, response)
        return response
