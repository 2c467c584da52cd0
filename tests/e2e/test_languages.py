"""A user switches the interface to Russian, then to French, with the language picker on every page.

The pages follow the language, with dates in its format, and the choice is kept as the user's preference.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from committees.models import Body, User
from meetings.models import MeetingStatus
from tests.factories import MeetingFactory, brussels
from tests.nrc.test_i18n import compile_catalogues

from .conftest import assert_accessible, login, screenshot


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    compile_catalogues()


def _switch_language(page, *, label: str, button: str, code: str) -> None:
    page.get_by_label(label, exact=True).select_option(code)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state("networkidle")


@pytest.mark.django_db(transaction=True)
def test_language_picker_switches_to_russian_then_french(page, secretariat):
    # Given a meeting of the Ambassadors on 4 March, two years ahead, at 10:00 in Brussels
    year = timezone.now().year + 2
    MeetingFactory(
        body=Body.objects.get(code="NRC-AMB"),
        status=MeetingStatus.SCHEDULED,
        title="Regular meeting",
        starts_at=brussels(year, 3, 4, 10),
    )
    login(page, secretariat.username)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main time").first.inner_text() == f"March 4, {year}, 10 a.m."

    # When the user picks Russian in the language picker
    _switch_language(page, label="Language", button="Change", code="ru")

    # Then the home page is in Russian, with the date in the Russian format
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("heading", level=1).inner_text() == "Секретариат"
    assert page.get_by_role("heading", name="Ближайшие заседания").is_visible()
    assert page.get_by_role("navigation", name="Основная навигация").is_visible()
    assert page.locator("main time").first.inner_text() == f"4 марта {year} г. 10:00"
    assert "Время указано по часовому поясу Europe/Brussels." in page.locator("footer").inner_text()
    assert User.objects.get(pk=secretariat.pk).language == "ru"
    screenshot(page, "languages-home-ru")
    assert_accessible(page, "home page in Russian")

    # When the user picks French
    _switch_language(page, label="Язык", button="Сменить", code="fr")

    # Then the home page is in French, with the date in the French format
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "Secrétariat"
    assert page.get_by_role("heading", name="Prochaines réunions").is_visible()
    assert page.get_by_role("navigation", name="Navigation principale").is_visible()
    assert page.locator("main time").first.inner_text() == f"4 mars {year} 10:00"
    assert User.objects.get(pk=secretariat.pk).language == "fr"
    screenshot(page, "languages-home-fr")
    assert_accessible(page, "home page in French")


@pytest.mark.django_db(transaction=True)
def test_the_language_chosen_is_kept_for_the_next_session(page, secretariat, browser, live_server):
    # Given a user who chose French with the picker
    login(page, secretariat.username)
    _switch_language(page, label="Language", button="Change", code="fr")

    # When they log in again from another browser
    other = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/Brussels", viewport={"width": 1500, "height": 900}
    )
    try:
        other_page = other.new_page()
        login(other_page, secretariat.username)

        # Then the interface is in French straight away
        assert other_page.locator("html").get_attribute("lang") == "fr"
        assert other_page.get_by_role("heading", level=1).inner_text() == "Secrétariat"
        assert other_page.get_by_role("link", name="Accueil").is_visible()
    finally:
        other.close()


def _report_url() -> str:
    # The Ambassadors over 2025, evaluated at the end of that year: no meeting, so every month is in breach.
    return (
        reverse("compliance:report") + "?from=2025-01-01&to=2025-12-31&as_of=2025-12-31&granularity=month&body=NRC-AMB"
    )


@pytest.mark.django_db(transaction=True)
def test_calendar_and_compliance_report_in_russian_then_french(page, secretariat):
    # Given a meeting of the Ambassadors on 4 March, two years ahead, at 10:00 in Brussels
    year = timezone.now().year + 2
    MeetingFactory(
        body=Body.objects.get(code="NRC-AMB"),
        status=MeetingStatus.SCHEDULED,
        title="Regular meeting",
        starts_at=brussels(year, 3, 4, 10),
    )
    login(page, secretariat.username)

    # When the user switches to Russian and opens the calendar
    _switch_language(page, label="Language", button="Change", code="ru")
    page.goto(reverse("meetings:calendar") + f"?view=month&date={year}-03-04")

    # Then the calendar is in Russian: month in the heading, weekdays, and the meeting in the grid
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("heading", level=1).inner_text().split() == ["Календарь", "Март", str(year), "г."]
    assert page.get_by_role("columnheader", name="Понедельник").is_visible()
    assert page.locator(f'td[data-date="{year}-03-04"]').inner_text().split() == ["4", "10:00", "NRC-AMB"]
    screenshot(page, "languages-calendar-ru")
    assert_accessible(page, "calendar in Russian")
    page.get_by_role("link", name="10:00 NRC-AMB").click()
    assert f", 4 марта {year} г., 10:00–12:00 (Europe/Brussels)" in page.locator("#meeting-when").inner_text()
    assert page.get_by_text("Запланировано", exact=True).is_visible()

    # And the compliance report is in Russian, with the evaluation time in the Russian format
    page.goto(_report_url())
    assert page.get_by_role("heading", level=1).inner_text() == "Соблюдение периодичности заседаний"
    assert "Оценка по состоянию на 1 января 2026 г. 0:00" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="NRC-AMB 2025-01: нарушение, 0 заседаний состоялось").is_visible()
    screenshot(page, "languages-report-ru")
    assert_accessible(page, "compliance report in Russian")

    # When the user switches to French on the report page
    _switch_language(page, label="Язык", button="Сменить", code="fr")

    # Then the same report is shown in French
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "Respect de la périodicité des réunions"
    assert "Évalué à la date du 1 janvier 2026 00:00" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="NRC-AMB 2025-01: manquement, 0 réunion tenue").is_visible()
    screenshot(page, "languages-report-fr")
    assert_accessible(page, "compliance report in French")

    # And the calendar too
    page.goto(reverse("meetings:calendar") + f"?view=month&date={year}-03-04")
    assert page.get_by_role("heading", level=1).inner_text().split() == ["Calendrier", "mars", str(year)]
    assert page.get_by_role("columnheader", name="Lundi").is_visible()
    screenshot(page, "languages-calendar-fr")
    assert_accessible(page, "calendar in French")
    page.get_by_role("link", name="10:00 NRC-AMB").click()
    assert f" 4 mars {year}, 10:00–12:00 (Europe/Brussels)" in page.locator("#meeting-when").inner_text()
    assert page.get_by_text("Prévue", exact=True).is_visible()
    assert User.objects.get(pk=secretariat.pk).language == "fr"
