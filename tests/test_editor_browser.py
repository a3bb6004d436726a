"""A real browser (Debian's Chromium through Playwright) using the editor like a person:
sign in, edit a plot point, preview the change as a viewer at its horizon and before it."""

from __future__ import annotations

import pytest

from tests.conftest import EDITOR_EMAIL, EDITOR_PASSWORD, make_editor
from tests.test_browser import browser, live_server  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

NEW_TEXT = "Owen was seen rowing out at midnight, which only comes out later."


@pytest.fixture
def site(tiny, live_server):  # noqa: F811 - pytest fixture
    make_editor(tiny)
    return live_server


def _sign_in(page, site: str, start: str) -> None:
    page.goto(site + start)
    assert "/auth/login?next=" in page.url
    page.get_by_label("Email").fill(EDITOR_EMAIL)
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(site + start)


def test_edit_a_plot_point_and_see_it_at_its_horizon_only(browser, site):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    _sign_in(page, site, "/editor/tiny/episodes/s1e2")
    assert page.locator("h1").text_content() == "S1E2 Guests"

    page.get_by_role("link", name="Owen was seen rowing out that night").click()
    page.wait_for_url(f"{site}/editor/tiny/plot-points/s1e2-owen-seen-rowing")
    assert page.get_by_label("Shown from").input_value() == "3"  # revealed in E3, told in E2
    page.get_by_label("Text").fill(NEW_TEXT)
    page.get_by_role("button", name="Save plot point").click()
    page.wait_for_url(f"{site}/editor/tiny/plot-points/s1e2-owen-seen-rowing")
    assert "Plot point saved." in page.locator(".flash-success").text_content()

    # Preview from the edit page: at E3 the recap of S1E2 tells it...
    page.get_by_role("link", name="At E3: the recap shows it").click()
    page.wait_for_url(f"{site}/tiny/at/3/episodes/s1e2")
    assert page.locator("h1").text_content() == "S1E2 Guests"  # no share guard for editors
    assert NEW_TEXT in page.locator("main").text_content()
    # ...and at E2 the same recap does not.
    page.goto(f"{site}/tiny/at/2/episodes/s1e2")
    assert page.locator("h1").text_content() == "S1E2 Guests"
    main = page.locator("main").text_content()
    assert "Owen Marsh says he saw nothing" in main and "rowing out" not in main

    # A reader (no account) who has watched E3 sees the new text too.
    reader = browser.new_context().new_page()
    reader.goto(f"{site}/tiny/at/3/episodes/s1e2")
    assert reader.locator("h1").text_content() == "Before you read on"
    reader.get_by_role("button", name="I have seen S1E3, show it").click()
    reader.wait_for_url(f"{site}/tiny/at/3/episodes/s1e2")
    assert NEW_TEXT in reader.locator("main").text_content()
    context.close()


def test_a_spoiler_is_refused_in_the_browser_with_the_reason_by_the_field(browser, site):  # noqa: F811
    page = browser.new_context().new_page()
    _sign_in(page, site, "/editor/tiny/plot-points/s1e1-dana-called-lake")
    page.get_by_label("Text").fill("Dana is called to the lake by The Boatman.")
    page.get_by_role("button", name="Save plot point").click()
    assert "Not saved" in page.locator(".notice.blocked").text_content()
    assert "names 'The Boatman'" in page.locator("#text-errors").text_content()
    assert page.get_by_label("Text").get_attribute("aria-invalid") == "true"
    page.goto(f"{site}/editor/tiny/episodes/s1e1")
    assert "The Boatman" not in page.locator("main").text_content()


def test_editor_pages_have_no_serious_axe_violations(browser, site):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = browser.new_context().new_page()
    page.goto(f"{site}/auth/login")
    problems = {"login": _serious(axe.run(page))}
    _sign_in(page, site, "/editor/tiny/")
    page.get_by_role("link", name="Owen Marsh").click()
    page.get_by_label("Role").fill("The innkeeper, who rows")
    page.get_by_role("button", name="Save character").click()
    for path in [
        "/editor/tiny/",
        "/editor/tiny/characters/owen-marsh",
        "/editor/tiny/episodes/s1e2",
        "/editor/tiny/plot-points/s1e2-owen-marsh-says",
        "/editor/tiny/storylines/the-case",
        "/editor/tiny/questions/who-is-the-body",
        "/editor/tiny/history",
    ]:
        page.goto(site + path)
        problems[path] = _serious(axe.run(page))
    assert {path: found for path, found in problems.items() if found} == {}


def _serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
