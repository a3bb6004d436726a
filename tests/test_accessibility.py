"""axe-core (through axe-playwright-python) on every main page, light and dark."""

from __future__ import annotations

from pathlib import Path

import pytest

from ballard.cli import load_packs
from tests.test_browser import CHROMIUM, browser, live_server  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

PAGES = [
    "/ballard/at/0/",
    "/ballard/at/3/",
    "/ballard/at/3/episodes",
    "/ballard/at/3/episodes/s1e3",
    "/ballard/at/6/story",
    "/ballard/at/6/storylines/john-doe-38",
    "/ballard/at/6/characters",
    "/ballard/at/6/characters/renee-ballard",
    "/ballard/at/6/questions",
    "/ballard/at/10/next-season",
    "/ballard/at/10/timeline",
    "/ballard/at/10/search?q=olivas",
    "/ballard/at/3/connections",
    "/ballard/at/10/connections",
    "/ballard/at/0/previously",
    "/ballard/at/5/previously",
    "/ballard/at/10/characters/robert-olivas",
]


@pytest.fixture
def ballard_server(app, runner, live_server):  # noqa: F811 - pytest fixture
    runner.invoke(args=["content", "load"])
    return live_server


def _serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_main_pages_have_no_serious_axe_violations(browser, ballard_server, scheme):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{ballard_server}/ballard/at/0/")
    # Save progress at the finale so no page is behind the share guard.
    page.locator("#horizon").fill("10")
    page.get_by_role("button", name="Save my progress").click()
    page.wait_for_url(f"{ballard_server}/ballard/at/10/")
    problems = {}
    for path in PAGES:
        page.goto(ballard_server + path)
        if found := _serious(axe.run(page)):
            problems[path] = found
    # The share guard, as a newcomer sees it.
    guest = browser.new_context(color_scheme=scheme).new_page()
    guest.goto(f"{ballard_server}/ballard/at/4/characters")
    assert guest.locator("h1").text_content() == "Before you read on"
    if found := _serious(axe.run(guest)):
        problems["guard"] = found
    context.close()
    assert problems == {}


PICTURE_PAGES = [
    "/ballard/at/3/connections",
    "/ballard/at/10/connections",
    "/ballard/at/10/characters",
    "/ballard/at/10/characters/renee-ballard",
    "/ballard/at/3/characters/renee-ballard",
    "/ballard/at/10/timeline",
    "/ballard/at/10/story",
]


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_picture_pages_have_no_serious_axe_violations(
    browser,
    ballard_server,  # noqa: F811
    scheme,
    width,
):
    """The pictures of issue 23 (connections, a character's ties, the character cards,
    the timeline, storyline colours) on a 390 px phone and a desktop, light and dark; on
    the phone nothing scrolls sideways."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{ballard_server}/ballard/at/0/")
    page.locator("#horizon").fill("10")
    page.get_by_role("button", name="Save my progress").click()
    page.wait_for_url(f"{ballard_server}/ballard/at/10/")
    problems, wide = {}, {}
    for path in PICTURE_PAGES:
        page.goto(ballard_server + path)
        if found := _serious(axe.run(page)):
            problems[path] = found
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width and "timeline" not in path:
            wide[path] = scroll
    if width == 390:
        # A character's ties at full size on a phone: tie labels are 12 px as drawn.
        page.goto(f"{ballard_server}/ballard/at/10/characters/renee-ballard")
        sizes = page.evaluate("""() => [...document.querySelectorAll('.ego-svg .network-edge text')]
            .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)""")
        assert len(sizes) >= 10 and min(sizes) >= 12
    context.close()
    assert problems == {}
    assert wide == {}


TWO_SEASONS = sorted((Path(__file__).parent / "packs" / "two-seasons").glob("season-*.yaml"))
HARBOR_PAGES = [
    "/harbor/at/3/",
    "/harbor/at/5/episodes",
    "/harbor/at/3/next-season",
    "/harbor/at/5/next-season/1",
    "/harbor/at/5/story",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_two_season_show_has_no_serious_axe_violations(
    browser,
    app,
    live_server,  # noqa: F811
    scheme,
):
    """The season list beside the slider, the grouped episodes and the season pages (on
    the synthetic two-season test pack); progress saved with the list, by keyboard."""
    from axe_playwright_python.sync_playwright import Axe

    with app.app_context():
        load_packs(TWO_SEASONS)
    axe = Axe()
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{live_server}/harbor/at/0/")
    page.locator("#horizon-by-season").focus()
    page.keyboard.press("End")  # the last episode: S2E2
    page.locator("form.by-season button").press("Enter")
    page.wait_for_url(f"{live_server}/harbor/at/5/")
    problems = {}
    for path in ["/harbor/at/5/", *HARBOR_PAGES]:
        page.goto(live_server + path)
        if found := _serious(axe.run(page)):
            problems[path] = found
    context.close()
    assert problems == {}


def test_the_scan_does_report_violations(browser):  # noqa: F811
    """Guard against a scan that silently checks nothing."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    page.set_content('<html><body><img src="x.png"><button></button></body></html>')
    found = _serious(Axe().run(page))
    page.close()
    assert any(v.startswith("image-alt") for v in found)
    assert any(v.startswith("button-name") for v in found)
