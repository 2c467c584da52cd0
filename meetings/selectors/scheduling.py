"""Reads: scheduling, scoped to the user."""

from __future__ import annotations


def dashboard_panels(*, user) -> list[dict]:
    """Panels for the home page: dicts with ``template`` and ``context``."""
    return []
