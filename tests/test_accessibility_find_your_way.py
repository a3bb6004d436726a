"""axe-core on the pages issue 22 changed, light and dark, phone and desktop, with the
header's picker, the phone menu and the search suggestions open."""

from __future__ import annotations

import pytest

from tests.test_accessibility import _serious, ballard_server  # noqa: F401 - fixture
from tests.test_browser import browser, live_server  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

PAGES = [
    "/ballard/at/3/",
    "/ballard/at/3/episodes",
    "/ballard/at/3/episodes/s1e3",
    "/ballard/at/10/episodes/s1e10",
    "/ballard/at/6/story",
    "/ballard/at/6/story/full",
    "/ballard/at/3/previously",
    "/ballard/at/3/characters/renee-ballard",
    "/ballard/at/3/connections",
    "/ballard/at/10/search?q=olivas",
    "/ballard/at/10/search?q=olivas&kind=character",
    "/ballard/at/10/next-season",
]


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_changed_pages_have_no_serious_axe_violations(
    browser,
    ballard_server,  # noqa: F811
    scheme,
    width,
):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.request.post(f"{ballard_server}/ballard/progress", form={"horizon": "10"})
    problems = {}
    for path in PAGES:
        page.goto(ballard_server + path)
        if found := _serious(axe.run(page)):
            problems[path] = found
    # The open controls: the picker, the phone's menu, the suggestions.
    page.goto(f"{ballard_server}/ballard/at/3/characters/renee-ballard")
    page.locator("#progress-picker summary").click()
    if width < 600:
        page.locator(".nav-menu summary").click()
    page.locator("#site-search").press_sequentially("oli", delay=30)
    page.get_by_role("listbox").wait_for()
    if found := _serious(axe.run(page)):
        problems["open controls"] = found
    context.close()
    assert problems == {}
