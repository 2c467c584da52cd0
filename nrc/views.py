from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .forms import PreferencesForm
from .selectors import dashboard
from .services import user_preferences_update


@require_GET
def home(request):
    context = dashboard(user=request.user)
    return render(request, "nrc/home.html", context)


def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_preferences_update(
            user=request.user,
            acting_user=request.user,
            language=form.cleaned_data["language"],
            time_zone=form.cleaned_data["time_zone"],
            email=form.cleaned_data["email"],
        )
        request.session["django_language"] = form.cleaned_data["language"]
        messages.success(request, _("Your preferences were saved."))
        return HttpResponseRedirect(request.path)
    return render(request, "nrc/preferences.html", {"form": form})


@login_not_required
@require_POST
def set_language(request):
    """The language picker: kept in the session, and as the user's preference when logged in."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        request.session["django_language"] = language
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", secure=request.is_secure())
        if request.user.is_authenticated and request.user.language != language:
            user_preferences_update(
                user=request.user,
                acting_user=request.user,
                language=language,
                time_zone=request.user.time_zone,
                email=request.user.email,
            )
    return response


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Load balancer probe: the database, the cache and the broker.

    503 only when the database fails: then this node cannot serve. A cache or broker outage is reported
    as ``degraded`` with 200: every node is affected alike, pages still render and writes still commit
    (notifications wait in the outbox until the sweeper queues them), so taking the web tier out of the
    load balancer would turn a broker outage into a full outage. Monitoring alerts on ``degraded``.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001
        checks["database"] = "error"
    try:
        cache.set("healthz", "1", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error"
    except Exception:  # noqa: BLE001
        checks["cache"] = "error"
    if settings.REDIS_URL:
        try:
            from kombu import Connection

            with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
                conn.ensure_connection(max_retries=1)
            checks["broker"] = "ok"
        except Exception:  # noqa: BLE001
            checks["broker"] = "error"
    serving = checks["database"] == "ok"
    status = "ok" if all(v == "ok" for v in checks.values()) else "degraded" if serving else "error"
    return JsonResponse({"status": status, "checks": checks}, status=200 if serving else 503)


def page_not_found(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Server error.")}, status=500)
    return defaults.server_error(request)
