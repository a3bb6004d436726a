"""Progress from anywhere in a real browser (Chromium), with and without JavaScript: the
header's picker and the "I have watched" buttons land on the same page at the new
horizon, with the keyboard focus back on the control used (with JavaScript)."""

from __future__ import annotations

import pytest

from tests.test_browser import browser, live_server  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

# Every page kind, at h = 2, and where the picker's S1E3 lands.
PAGE_KINDS = [
    ("/tiny/at/2/", "/tiny/at/3/"),
    ("/tiny/at/2/episodes", "/tiny/at/3/episodes"),
    ("/tiny/at/2/episodes/s1e2", "/tiny/at/3/episodes/s1e2"),
    ("/tiny/at/2/story", "/tiny/at/3/story"),
    ("/tiny/at/2/storylines/the-family", "/tiny/at/3/storylines/the-family"),
    ("/tiny/at/2/characters", "/tiny/at/3/characters"),
    ("/tiny/at/2/characters/owen-marsh", "/tiny/at/3/characters/owen-marsh"),
    ("/tiny/at/2/questions", "/tiny/at/3/questions"),
    ("/tiny/at/2/timeline", "/tiny/at/3/timeline"),
    ("/tiny/at/2/connections", "/tiny/at/3/connections"),
    ("/tiny/at/2/previously", "/tiny/at/3/previously"),
    ("/tiny/at/2/search?q=owen", "/tiny/at/3/search?q=owen"),
]


def _reader(browser, server, javascript: bool, h: int = 2):  # noqa: F811
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.request.post(f"{server}/tiny/progress", form={"horizon": str(h)})
    return context, page


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_picker_on_every_page_kind_lands_on_the_same_page(
    browser,
    live_server,  # noqa: F811
    javascript,
):
    context, page = _reader(browser, live_server, javascript)
    for start, landing in PAGE_KINDS:
        page.goto(live_server + start)  # saved: 2 at first, then 3 (no share guard)
        page.locator("#progress-picker summary").click()
        page.locator("#progress-picker").get_by_role("button", name="S1E3", exact=True).click()
        page.wait_for_url(live_server + landing)
        assert page.locator(".picker-now").text_content() == "Up to S1E3"
        if javascript:  # the keyboard focus is back on the picker
            assert page.evaluate("document.activeElement.closest('#progress-picker') !== null")
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_picker_falls_back_to_the_parent_page(browser, live_server, javascript):  # noqa: F811
    context, page = _reader(browser, live_server, javascript)
    page.goto(f"{live_server}/tiny/at/2/characters/owen-marsh")
    page.locator("#progress-picker summary").click()
    page.locator("#progress-picker").get_by_role("button", name="S1E1", exact=True).click()
    page.wait_for_url(f"{live_server}/tiny/at/1/characters")
    assert page.locator("h1").text_content() == "Who is who"
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize(
    "start", ["/tiny/at/2/episodes", "/tiny/at/2/episodes/s1e2", "/tiny/at/2/previously"]
)
def test_i_have_watched_lands_on_the_same_page(
    browser,
    live_server,
    javascript,  # noqa: F811
    start,
):
    context, page = _reader(browser, live_server, javascript)
    page.goto(live_server + start)
    page.get_by_role("button", name="I have watched S1E3").click()
    landing = start.replace("/at/2/", "/at/3/")
    page.wait_for_url(f"{live_server}{landing}#watched-next")
    assert page.locator(".picker-now").text_content() == "Up to S1E3"
    if javascript:
        assert page.evaluate("document.activeElement.id") == "watched-next"
    context.close()


def test_the_picker_keeps_the_fragment_with_javascript(browser, live_server):  # noqa: F811
    context, page = _reader(browser, live_server, True)
    page.goto(f"{live_server}/tiny/at/2/characters/owen-marsh#main")
    page.locator("#progress-picker summary").click()
    page.locator("#progress-picker").get_by_role("button", name="S1E4", exact=True).click()
    page.wait_for_url(f"{live_server}/tiny/at/4/characters/owen-marsh#main")
    context.close()


def test_the_menu_opens_without_javascript_on_a_phone(browser, live_server):  # noqa: F811
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server}/tiny/at/0/")
    assert not page.locator(".nav-wide").is_visible()
    page.locator(".nav-menu summary").click()
    page.locator(".nav-menu").get_by_role("link", name="Characters").click()
    page.wait_for_url(f"{live_server}/tiny/at/0/characters")
    context.close()


def _rows(page, selector: str) -> int:
    """How many lines the visible boxes matching `selector` sit on."""
    tops = page.eval_on_selector_all(
        selector,
        "els => els.filter(e => e.offsetParent !== null && e.offsetWidth > 2)"
        ".map(e => { const r = e.getBoundingClientRect(); return Math.round(r.top + r.height / 2); })",
    )
    rows: list[int] = []
    for top in sorted(tops):
        if not rows or top - rows[-1] > 12:
            rows.append(top)
    return len(rows)


@pytest.mark.parametrize(("width", "lines"), [(1280, 1), (390, 2), (1100, 1), (1440, 1)])
def test_the_header_fits(browser, live_server, width, lines):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.request.post(f"{live_server}/tiny/progress", form={"horizon": "4"})
    page.goto(f"{live_server}/tiny/at/4/characters")  # "Next season" shown: the longest
    items = ".site-header .wrap > *, .show-nav > *, .nav-wide a, .search-form > *"
    assert _rows(page, items) == lines
    # Nothing runs under the search box or off the screen.
    wide = page.locator(".nav-wide a").last
    last = wide if wide.is_visible() else page.locator(".nav-menu")
    search = page.locator(".search-form").bounding_box()
    same_line = abs(search["y"] - last.bounding_box()["y"]) < 20
    assert last.bounding_box()["x"] + last.bounding_box()["width"] <= (search["x"] if same_line else width)
    assert page.evaluate("document.documentElement.scrollWidth") == width
    context.close()


def test_no_console_error_on_any_page_kind(browser, live_server):  # noqa: F811
    context, page = _reader(browser, live_server, True, h=4)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    for url, _ in PAGE_KINDS:
        page.goto(live_server + url)
    page.goto(f"{live_server}/")
    assert errors == []
    context.close()
