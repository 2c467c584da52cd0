"""The levels at which bodies meet, as stored in the reference data (English), with their names in each language.

The stored value stays the same whatever the reader's language, so that filters and the API keep one vocabulary.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LEVEL_LABELS = {
    "heads of state and government": _("heads of state and government"),
    "foreign ministers": _("foreign ministers"),
    "defence ministers": _("defence ministers"),
    "ambassadors": _("ambassadors"),
    "NATO Political Committee, Russian representation at the appropriate level": _(
        "NATO Political Committee, Russian representation at the appropriate level"
    ),
    "chiefs of staff": _("chiefs of staff"),
    "military representatives": _("military representatives"),
    "military experts": _("military experts"),
    "experts": _("experts"),
}


def level_label(level: str) -> str:
    """The level in the reader's language; a level added later without a translation is shown as stored."""
    return str(LEVEL_LABELS.get(level, level))
