"""Access rows of the platform: home, preferences, login/logout, admin, schema, audit trail, API tokens, jobs."""

from __future__ import annotations

from nrc.api_auth import api_token_issue
from nrc.audit import audit_record
from nrc.models import BackgroundJob, JobStatus

from . import Row, expect

WEB_ANON = 302  # LoginRequiredMiddleware: anonymous clients go to the login page
API_ANON = 401
EVERY_ROLE_OK = expect(200, anonymous=WEB_ANON)
AUDIT_ONLY = expect(403, anonymous=WEB_ANON, auditor=200, administrator=200)
AUDIT_ONLY_API = expect(403, anonymous=API_ANON, auditor=200, administrator=200)
GET_ONLY_POST = expect(405, anonymous=WEB_ANON)


def an_audit_entry(ctx) -> dict:
    entry = audit_record(actor=ctx.users["secretariat"], action="test.access", object_type="t", object_id="1")
    return {"kwargs": {"pk": entry.pk, "id": entry.pk}}


def a_delegation_token(ctx) -> dict:
    token, _ = api_token_issue(user=ctx.users["delegation"], name="owned by the US delegation")
    return {"kwargs": {"pk": token.pk, "id": token.pk}}


def a_delegation_job(ctx) -> dict:
    job = BackgroundJob.objects.create(
        kind="nrc.audit_csv", params={}, user=ctx.users["delegation"], status=JobStatus.QUEUED
    )
    return {"kwargs": {"pk": job.pk}}


def login_data(ctx) -> dict:
    return {"data": {"username": "nobody", "password": "wrong password"}}


ROWS = [
    # Home and preferences: every role, its own data only
    Row("GET", "/", EVERY_ROLE_OK),
    Row("POST", "/", GET_ONLY_POST, note="the home page only reads"),
    Row("GET", "/preferences/", EVERY_ROLE_OK),
    Row(
        "POST",
        "/preferences/",
        expect(200, anonymous=WEB_ANON),
        data={"language": "", "time_zone": "", "email": ""},
        note="invalid input: the form again with errors, nothing saved",
    ),
    # Public pages (ALLOW_LIST of test_deny_by_default)
    Row("GET", "/accounts/login/", expect(302, anonymous=200), note="logged-in users are sent home"),
    Row("POST", "/accounts/login/", expect(302, anonymous=200), setup=login_data),
    Row("GET", "/healthz", expect(200)),
    Row("POST", "/healthz", expect(405)),
    Row("GET", "/i18n/setlang/", expect(405)),
    Row("POST", "/i18n/setlang/", expect(302), data={"language": "fr", "next": "/"}),
    Row("GET", "/accounts/logout/", expect(405, anonymous=WEB_ANON)),
    Row("POST", "/accounts/logout/", expect(302)),
    # Admin: administrators only (others are sent to the admin login)
    Row("GET", "/admin/", expect(302, administrator=200), prefix=True, sample="/admin/nrc/auditentry/"),
    Row(
        "POST",
        "/admin/",
        expect(302, administrator=403),
        prefix=True,
        sample="/admin/nrc/auditentry/{pk}/delete/",
        setup=an_audit_entry,
        note="the audit trail cannot be deleted, not even by administrators",
    ),
    # API schema and documentation: any logged-in user
    Row("GET", "/api/schema/", expect(200, anonymous=API_ANON)),
    Row("POST", "/api/schema/", expect(405, anonymous=API_ANON)),
    Row("GET", "/api/docs/", expect(200, anonymous=API_ANON)),
    Row("POST", "/api/docs/", expect(405, anonymous=API_ANON)),
    # Audit trail: auditors and administrators only
    Row("GET", "/audit/", AUDIT_ONLY),
    Row("POST", "/audit/", GET_ONLY_POST),
    Row("GET", "/audit/<int:pk>/", AUDIT_ONLY, setup=an_audit_entry),
    Row("POST", "/audit/<int:pk>/", GET_ONLY_POST, setup=an_audit_entry),
    Row("GET", "/audit/export.csv", AUDIT_ONLY),
    Row("POST", "/audit/export.csv", GET_ONLY_POST),
    Row("GET", "/audit/export/background/", GET_ONLY_POST),
    Row("POST", "/audit/export/background/", expect(403, anonymous=WEB_ANON, auditor=302, administrator=302)),
    Row("GET", "/api/v1/audit/", AUDIT_ONLY_API),
    Row("GET", "/api/v1/audit/{id}/", AUDIT_ONLY_API, setup=an_audit_entry),
    Row(
        "DELETE",
        "/api/v1/audit/{id}/",
        expect(403, anonymous=API_ANON),
        setup=an_audit_entry,
        note="nobody changes the trail through the API",
    ),
    Row("PATCH", "/api/v1/audit/{id}/", expect(403, anonymous=API_ANON), setup=an_audit_entry, data={"after": {}}),
    Row("DELETE", "/api/v1/tokens/{id}/", expect(405, anonymous=API_ANON), setup=a_delegation_token),
    # API tokens: each user their own; the RU delegation cannot touch the US delegation's token
    Row("GET", "/account/tokens/", EVERY_ROLE_OK),
    Row("POST", "/account/tokens/", expect(200, anonymous=WEB_ANON), data={"name": "script"}),
    Row("GET", "/account/tokens/<int:pk>/revoke/", GET_ONLY_POST, setup=a_delegation_token),
    Row(
        "POST",
        "/account/tokens/<int:pk>/revoke/",
        expect(404, anonymous=WEB_ANON, delegation=302),
        setup=a_delegation_token,
    ),
    Row("GET", "/api/v1/tokens/", expect(200, anonymous=API_ANON)),
    Row("POST", "/api/v1/tokens/", expect(201, anonymous=API_ANON), data={"name": "script"}),
    Row("GET", "/api/v1/tokens/{id}/", expect(404, anonymous=API_ANON, delegation=200), setup=a_delegation_token),
    Row(
        "POST",
        "/api/v1/tokens/{id}/revoke/",
        expect(404, anonymous=API_ANON, delegation=200),
        setup=a_delegation_token,
    ),
    Row("POST", "/api/v1/auth/token/", expect(401), data={"username": "nobody", "password": "wrong"}),
    Row("POST", "/api/v1/auth/token/revoke/", expect(204, anonymous=API_ANON)),
    Row("GET", "/api/v1/me/", expect(200, anonymous=API_ANON)),
    # Background jobs: only the user who started one
    Row("GET", "/jobs/<int:pk>/", expect(404, anonymous=WEB_ANON, delegation=200), setup=a_delegation_job),
    Row("POST", "/jobs/<int:pk>/", GET_ONLY_POST, setup=a_delegation_job),
    Row("GET", "/jobs/<int:pk>/status", expect(404, anonymous=WEB_ANON, delegation=200), setup=a_delegation_job),
    Row("POST", "/jobs/<int:pk>/status", GET_ONLY_POST, setup=a_delegation_job),
    Row(
        "GET",
        "/jobs/<int:pk>/download",
        expect(404, anonymous=WEB_ANON),
        setup=a_delegation_job,
        note="not finished: nobody downloads",
    ),
    Row("POST", "/jobs/<int:pk>/download", GET_ONLY_POST, setup=a_delegation_job),
]
