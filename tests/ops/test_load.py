"""Load: locust, 50 users for 60 s over pages and API calls, against the native topology: no error at all."""

from __future__ import annotations

import os

import pytest

from ops.load import main as load

from .conftest import ops_only

pytestmark = ops_only


@pytest.mark.skipif(os.environ.get("NRC_DRILLS_LOAD") == "0", reason="load test left out (NRC_DRILLS_LOAD=0)")
def test_fifty_users_for_sixty_seconds_get_no_error(tmp_path):
    assert load(["--users", "50", "--duration", "60", "--doc", str(tmp_path / "load-test.md")]) == 0
    print((tmp_path / "load-test.md").read_text())
