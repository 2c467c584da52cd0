"""Every string of the interface is translated into French and Russian, and every template string is marked.

The catalogues are regenerated with ``makemessages`` in a scratch copy of the source; a msgid that is missing from
the committed catalogue, untranslated or fuzzy fails. Template text outside translation tags fails too.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["nrc", "committees", "cooperation", "meetings", "compliance", "templates", "locale", "manage.py"]
LANGUAGES = ["fr", "ru"]
# Text that is the same in every language: codes, symbols, proper names.
NEUTRAL = re.compile(r"^[\W\d_]*$|^(NRC|NATO|OTAN|API|CSV|PDF|SVG|iCal|ISO|UTC|SHA-256|HSTS|ID|[A-Z]{2,5})$")
TRANSLATABLE_ATTRIBUTES = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"§]*[A-Za-z]{2,}[^"§]*)"')


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("i18n")
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, scratch / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy(src, scratch / name)
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--no-location",
            "--no-obsolete",
            *[f"-l{lang}" for lang in LANGUAGES],
        ],
        cwd=scratch,
        capture_output=True,
        text=True,
        check=False,
        env={"DJANGO_SETTINGS_MODULE": "nrc.settings.test", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(scratch)},
    )
    assert result.returncode == 0, result.stderr
    return scratch


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_msgid_is_translated_and_not_fuzzy(regenerated, language):
    catalogue = polib.pofile(str(regenerated / "locale" / language / "LC_MESSAGES" / "django.po"))
    committed = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    committed_ids = {(e.msgctxt, e.msgid) for e in committed if not e.obsolete}
    missing = [e.msgid for e in catalogue if (e.msgctxt, e.msgid) not in committed_ids]
    untranslated = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
    assert missing == [], f"{len(missing)} msgids not in the committed {language} catalogue: {missing[:20]}"
    assert untranslated == [], f"{len(untranslated)} untranslated in {language}: {untranslated[:20]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy in {language}: {fuzzy[:20]}"


def _untranslated_template_text(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    # Drop what is translated or not shown, then put a neutral mark where any other tag or variable stood.
    source = re.sub(r"{%\s*(blocktranslate|blocktrans|comment|verbatim)\b.*?{%\s*end\1\s*%}", "§", source, flags=re.S)
    source = re.sub(r"{#.*?#}", "", source, flags=re.S)
    source = re.sub(r"{%.*?%}|{{.*?}}", "§", source, flags=re.S)
    source = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
    source = re.sub(r"<!--.*?-->", " ", source, flags=re.S)
    problems = [f"attribute: {m}" for m in TRANSLATABLE_ATTRIBUTES.findall(source)]
    text = re.sub(r"<[^>]*>", "\n", source)
    for chunk in text.split("\n"):
        chunk = chunk.replace("§", " ").strip()
        if chunk and not NEUTRAL.match(chunk) and re.search(r"[A-Za-z]{2,}", chunk):
            problems.append(chunk)
    return problems


def test_every_template_string_is_marked_for_translation():
    problems = {}
    for path in sorted((ROOT / "templates").rglob("*.html")):
        found = _untranslated_template_text(path)
        if found:
            problems[str(path.relative_to(ROOT))] = found[:5]
    assert problems == {}, problems


# --- what a reader sees in French and Russian ------------------------------------------------------------------


def compile_catalogues() -> None:
    """The .mo files are build output (``compilemessages`` in bin/test and bin/run): compile any that is missing
    or older than its catalogue, then drop the translations this process has already loaded."""
    from django.conf import settings
    from django.utils.translation import trans_real

    for locale_path in settings.LOCALE_PATHS:
        for po_path in Path(locale_path).glob("*/LC_MESSAGES/*.po"):
            mo_path = po_path.with_suffix(".mo")
            if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    trans_real._translations = {}
    trans_real._default = None


@pytest.fixture
def compiled():
    compile_catalogues()


def test_cadence_flag_email_names_periods_and_verdicts_in_the_recipients_language(compiled):
    from django.template.loader import render_to_string
    from django.utils import translation

    # Given two flags as the cadence job puts them in the notification's context (codes, not labels)
    context = {
        "count": 2,
        "flags": [
            {"body": "NRC-AMB", "period": "2025-01-01", "kind": "month", "verdict": "breach"},
            {"body": "NRC-PC", "period": "2025-04-01", "kind": "quarter", "verdict": "at_risk"},
        ],
    }
    # When the email is rendered for a Russian and for a French recipient
    with translation.override("ru"):
        russian = render_to_string("emails/cadence_flags_body.txt", context).splitlines()
    with translation.override("fr"):
        french = render_to_string("emails/cadence_flags_body.txt", context).splitlines()
    # Then periods and verdicts are in their language
    assert russian[:4] == [
        "Проверка периодичности выставила 2 предупреждения:",
        "",
        "- NRC-AMB · 2025-01-01 (месяц): нарушение",
        "- NRC-PC · 2025-04-01 (квартал): под угрозой",
    ]
    assert french[:4] == [
        "La vérification de la périodicité a émis 2 alertes\u00a0:",
        "",
        "- NRC-AMB · 2025-01-01 (mois): manquement",
        "- NRC-PC · 2025-04-01 (trimestre): à risque",
    ]


@pytest.mark.django_db
def test_report_filter_names_the_bodies_in_the_users_language(compiled, auditor, client):
    from django.urls import reverse

    # Given an auditor who reads French
    auditor.language = "fr"
    auditor.save(update_fields=["language"])
    client.force_login(auditor)
    # When they open the compliance report
    response = client.get(reverse("compliance:report"))
    # Then the body filter gives the French names, and the page is in French
    text = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in text
    assert ">NRC-AMB – Conseil OTAN-Russie au niveau des ambassadeurs</option>" in text
    assert "NRC at Ambassadorial level" not in text


@pytest.mark.django_db
def test_calendar_level_filter_names_the_levels_in_the_users_language(compiled, delegation, client):
    from django.urls import reverse

    # Given a delegation that reads Russian
    delegation.language = "ru"
    delegation.save(update_fields=["language"])
    client.force_login(delegation)
    # When it opens the calendar
    text = client.get(reverse("meetings:calendar")).content.decode()
    # Then the levels are named in Russian, and filtered by the stored (English) value
    assert '<option value="ambassadors">послы</option>' in text
    assert '<option value="experts">эксперты</option>' in text
