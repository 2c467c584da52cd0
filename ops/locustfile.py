"""Load test: the people who use NRC Meetings, on pages and on the API (run by ``python -m ops.load``).

Mix (weights are people): delegations 5 (calendar, meetings, requests, their API), secretariat 3 (meeting
lists, flags, scheduling a meeting now and then), auditors 2 (the compliance report, flags, the grid API).
Each simulated person thinks 1–3 s between actions. Sessions and tokens are made once per account at test
start (people log in once a day, not once a minute; the cost of a login is measured by the smoke journey).

Pages come from the URL names of this build (``django.urls.reverse``): a page a build does not have yet is
left out of the mix, with a notice. Any response other than the expected one counts as an error.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import threading

import django
from locust import HttpUser, between, events, task

from ops.client import Api, Browser, loopback_cookies_unsecured
from ops.smoke import MEETINGS

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrc.settings.test")
django.setup()

from django.urls import NoReverseMatch, reverse  # noqa: E402 - after django.setup()

PASSWORD = os.environ.get("NRC_PASSWORD", "")
PAGES = {
    "home": "home",
    "calendar": "meetings:calendar",
    "meetings": "meetings:meeting_list",
    "requests": "meetings:request_list",
    "decisions": "meetings:decision_list",
    "bodies": "committees:body_list",
    "areas": "cooperation:area_list",
    "report": "compliance:report",
    "flags": "compliance:flag_list",
    "waivers": "compliance:waiver_list",
    "audit": "audit_list",
}
API = {
    "me": "/api/v1/me/",
    "meetings": MEETINGS,
    "requests": "/api/v1/session-requests/",
    "bodies": "/api/v1/bodies/",
    "flags": "/api/v1/compliance/flags/",
    "grid": "/api/v1/compliance/grid/",
}
ACCOUNTS = {"delegation": "delegation-us", "secretariat": "secretariat", "auditor": "auditor"}
shared: dict = {"pages": {}, "api": {}, "cookies": {}, "tokens": {}, "bodies": {}}
_lock = threading.Lock()
_slots = itertools.count()


@events.test_start.add_listener
def log_in_once(environment, **_kwargs):
    host = environment.host
    for name, url_name in PAGES.items():
        try:
            shared["pages"][name] = reverse(url_name)
        except NoReverseMatch:
            print(f"load: page {url_name} is not in this build; left out of the mix")
    for role, username in ACCOUNTS.items():
        api = Api(host).login(username, PASSWORD)
        shared["tokens"][role] = api.token
        shared["cookies"][role] = Browser(host).login(username, PASSWORD).session.cookies
    paths = Api(host).login("auditor", PASSWORD).schema_paths()
    shared["api"] = {name: path for name, path in API.items() if path in paths}
    for name in set(API) - set(shared["api"]):
        print(f"load: API {API[name]} is not in this build; left out of the mix")
    bodies = Api(host).login("secretariat", PASSWORD).get("/api/v1/bodies/", params={"page_size": 500}).json()
    shared["bodies"] = {b["code"]: b["id"] for b in bodies.get("results", bodies)}


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers.update({"X-Forwarded-Proto": "https", "Origin": "https://" + self.host.split("//")[1]})
        for cookie in shared["cookies"][self.role]:
            self.client.cookies.set_cookie(cookie)
        loopback_cookies_unsecured(self.client.cookies)
        self.auth = {"Authorization": f"Bearer {shared['tokens'][self.role]}"}

    def page(self, name: str):
        path = shared["pages"].get(name)
        if path:
            with self.client.get(path, name=f"page {name}", catch_response=True, allow_redirects=False) as resp:
                if resp.status_code != 200:
                    resp.failure(f"{resp.status_code}")

    def api(self, name: str, params: dict | None = None):
        path = shared["api"].get(name)
        if path:
            with self.client.get(path, params=params, headers=self.auth, name=f"api {name}", catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(f"{r.status_code}")


class Delegation(Person):
    weight = 5
    role = "delegation"

    @task(3)
    def calendar(self):
        self.page("calendar")

    @task(3)
    def meetings(self):
        self.page("meetings")

    @task(2)
    def requests(self):
        self.page("requests")

    @task(2)
    def home(self):
        self.page("home")

    @task(1)
    def decisions(self):
        self.page("decisions")

    @task(3)
    def api_meetings(self):
        today = dt.date.today()
        self.api("meetings", {"from": today.isoformat(), "to": (today + dt.timedelta(days=90)).isoformat()})

    @task(1)
    def api_requests(self):
        self.api("requests")


class Secretariat(Person):
    weight = 3
    role = "secretariat"

    @task(3)
    def meetings(self):
        self.page("meetings")

    @task(2)
    def calendar(self):
        self.page("calendar")

    @task(2)
    def flags(self):
        self.page("flags")

    @task(1)
    def bodies(self):
        self.page("bodies")

    @task(1)
    def areas(self):
        self.page("areas")

    @task(2)
    def api_meetings(self):
        self.api("meetings")

    @task(1)
    def schedule_a_meeting(self):
        """A write: a meeting of a working body, on its own slot (no venue), as the secretariat does."""
        if "meetings" not in shared["api"]:
            return
        with _lock:
            n = next(_slots)
        starts = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=60, hours=n)
        body = shared["bodies"].get("NRC-PC") or random.choice(list(shared["bodies"].values()))  # noqa: S311
        payload = {
            "body": body,
            "title": f"Load test meeting {n}",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + dt.timedelta(minutes=45)).isoformat(),
        }
        with self.client.post(
            shared["api"]["meetings"], json=payload, headers=self.auth, name="api schedule", catch_response=True
        ) as resp:
            if resp.status_code != 201:
                resp.failure(f"{resp.status_code} {resp.text[:200]}")


class Auditor(Person):
    weight = 2
    role = "auditor"

    @task(3)
    def report(self):
        self.page("report")

    @task(1)
    def flags(self):
        self.page("flags")

    @task(1)
    def waivers(self):
        self.page("waivers")

    @task(1)
    def audit(self):
        self.page("audit")

    @task(2)
    def api_grid(self):
        self.api("grid")

    @task(1)
    def api_flags(self):
        self.api("flags")

    @task(1)
    def api_me(self):
        self.api("me")
