"""The navigation bar marks one entry as the current page: the most specific one."""

from __future__ import annotations

import pytest

from nrc.navigation import navigation_for


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/", ["Home"]),
        ("/meetings/calendar/", ["Calendar"]),
        ("/meetings/", ["Meetings"]),
        ("/meetings/12/", ["Meetings"]),
        ("/meetings/requests/", ["Extraordinary sessions"]),
        ("/meetings/requests/7/", ["Extraordinary sessions"]),
        ("/meetings/decisions/", ["Decisions"]),
        ("/accounts/preferences/", []),
    ],
)
def test_one_entry_is_current(delegation, path, current):
    items = navigation_for(delegation, path)
    assert [str(i["label"]) for i in items if i["active"]] == current
