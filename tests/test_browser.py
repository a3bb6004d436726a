"""A real browser (Debian's Chromium through Playwright) using the guide like a person."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(tiny) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, tiny, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def browser():
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_keyboard_moves_the_slider_and_the_page_follows(page, live_server):
    page.goto(f"{live_server}/tiny/")
    assert page.url.endswith("/tiny/at/0/")
    slider = page.locator("#horizon")
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    # The live label changes at once, before anything is saved.
    # At h = 0 the label cannot name E2: its title is not on a page rendered for h = 0.
    assert page.locator("#horizon-label").text_content() == "Watched through S1E2"
    assert slider.get_attribute("aria-valuetext") == "Watched through S1E2"
    # After the reader pauses, the script saves and the page reloads at the new horizon.
    page.wait_for_url(f"{live_server}/tiny/at/2/", timeout=10_000)
    assert page.locator("#horizon-label").text_content() == "Watched through S1E2 · Guests"
    page.get_by_role("link", name="S1E2 · Guests").click()
    assert "Owen Marsh says he saw nothing" in page.locator("main").text_content()


def test_slider_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/tiny/at/0/")
    page.locator("#horizon").fill("3")
    page.get_by_role("button", name="Save my progress").click()
    page.wait_for_url(f"{live_server}/tiny/at/3/")
    assert page.locator("output").text_content() == "Watched through S1E3 · Episode 3"
    context.close()


def test_reader_flows_character_search_and_share_guard(browser, live_server):
    """A shared link ahead of the reader, the guard, then a character and a search."""
    context = browser.new_context()
    page = context.new_page()
    # A friend's link to a page at E3, opened by someone who has not saved any progress.
    page.goto(f"{live_server}/tiny/at/3/characters/owen-marsh")
    assert page.locator("h1").text_content() == "Before you read on"
    assert "Owen" not in page.locator("body").text_content()
    page.get_by_role("button", name="I have seen S1E3, show it").click()
    page.wait_for_url(f"{live_server}/tiny/at/3/characters/owen-marsh")
    assert page.locator("h1").text_content() == "Owen Marsh"
    assert "The Boatman" in page.locator("dl.facts").text_content()
    # Search from the header, then follow a result.
    page.get_by_label("Search up to S1E3").fill("boatman")
    page.get_by_label("Search up to S1E3").press("Enter")
    page.wait_for_url(f"{live_server}/tiny/at/3/search?q=boatman")
    assert page.get_by_role("status").text_content() == "2 results for “boatman”."
    page.locator(".search-results a").first.click()
    assert page.locator("h1").text_content() == "Owen Marsh"
    # The saved progress now opens the guide at E3.
    page.goto(f"{live_server}/tiny/")
    assert page.url == f"{live_server}/tiny/at/3/"
    context.close()
