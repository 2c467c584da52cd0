"""Every role logs in and lands on its own home page; the page is accessible."""

import pytest

from .conftest import assert_accessible, login, screenshot


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("fixture", "heading"),
    [
        ("secretariat", "Secretariat"),
        ("chair", "Chair's office"),
        ("auditor", "Auditor"),
        ("delegation", "Delegation of United States"),
    ],
)
def test_each_role_lands_on_its_home_page(request, page, fixture, heading):
    # Given a user of the role
    user = request.getfixturevalue(fixture)
    # When they log in through the form
    login(page, user.username)
    # Then they see their own home page, with navigation and no accessibility violation
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert page.get_by_role("navigation", name="Main navigation").is_visible()
    screenshot(page, f"home-{fixture}")
    assert_accessible(page, f"home page of {fixture}")


@pytest.mark.django_db(transaction=True)
def test_wrong_password_shows_a_form_error(page, secretariat):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("secretariat")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    assert "Please enter a correct username and password" in page.inner_text("main")
    assert page.url.endswith("/accounts/login/")
    assert_accessible(page, "login page with an error")
