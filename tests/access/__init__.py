"""The role × endpoint × method access matrix.

Every capability declares its rows in its own module here (``tests/access/<capability>.py`` exporting ``ROWS``);
``test_matrix.py`` collects them all, fails when a URL of the resolver or an operation of the API schema has no
row, and plays every row for every actor: anonymous, each role, and two different delegations (the United
States, whose objects the rows create, and the Russian Federation, who must not act for it).

A row::

    Row("GET", "/audit/<int:pk>/", expect(403, auditor=200, administrator=200, anonymous=302), setup=an_entry)

- ``path`` is written as the URL resolver writes it for pages (``/audit/<int:pk>/``), as the OpenAPI schema
  writes it for the API (``/api/v1/audit/{id}/``); ``prefix=True`` covers every URL under it (the admin).
- ``expect`` gives the status code (or a tuple of acceptable codes) for each of the seven actors.
- ``setup(ctx)`` (optional) creates what the request needs, owned by ``ctx.users["delegation"]`` where ownership
  matters, and returns ``{"kwargs": {...path parameters}, "data": {...body}}``. It runs again for each actor,
  inside a transaction rolled back afterwards, so a write by one actor never changes what the next one sees.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

ACTORS = ("anonymous", "secretariat", "chair", "delegation", "other_delegation", "auditor", "administrator")
ROLES = ACTORS[1:]


def expect(default: int | tuple[int, ...], **per_actor: int | tuple[int, ...]) -> dict[str, Any]:
    """The expected status for each actor: ``default`` unless named."""
    unknown = set(per_actor) - set(ACTORS)
    if unknown:
        raise ValueError(f"unknown actors: {sorted(unknown)}")
    return {actor: per_actor.get(actor, default) for actor in ACTORS}


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expect: Mapping[str, Any]
    setup: Callable[[Any], dict] | None = None
    data: dict | None = None
    prefix: bool = False
    sample: str = ""  # for a prefix row: the concrete URL played
    note: str = field(default="", compare=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.method.upper(), self.path)

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/v1/")
