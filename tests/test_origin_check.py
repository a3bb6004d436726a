"""Cross-site posts to the reader's forms are refused (ballard/origin_check.py), without a
token in the page, so the home page and the share guard are cached like any page."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from werkzeug.serving import make_server

from ballard.origin_check import is_same_origin
from ballard.progress import UPCOMING_TITLES_COOKIE, cookie_name
from tests.conftest import PLAIN_HTTP
from tests.test_browser import browser  # noqa: F401 - the fixture

FORMS = [("/tiny/progress", {"horizon": "2"}), ("/tiny/preferences", {"enabled": "y"})]


@pytest.mark.parametrize(
    ("headers", "same"),
    [
        ({}, True),  # no browser page sent it (curl, a test client)
        ({"HTTP_SEC_FETCH_SITE": "same-origin"}, True),
        ({"HTTP_SEC_FETCH_SITE": "none"}, True),  # the reader's own navigation
        ({"HTTP_SEC_FETCH_SITE": "same-site"}, False),
        ({"HTTP_SEC_FETCH_SITE": "cross-site"}, False),
        ({"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://guide.test"}, False),
        ({"HTTP_ORIGIN": "http://guide.test"}, True),
        ({"HTTP_ORIGIN": "https://GUIDE.test"}, True),
        ({"HTTP_ORIGIN": "http://guide.test:8080"}, False),
        ({"HTTP_ORIGIN": "https://evil.example"}, False),
        ({"HTTP_ORIGIN": "null"}, False),
    ],
)
def test_what_counts_as_same_origin(headers, same):
    assert is_same_origin({"HTTP_HOST": "guide.test", **headers}) is same


@pytest.mark.parametrize(("url", "data"), FORMS)
@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {"Origin": "https://evil.example"}],
)
def test_a_cross_site_post_is_refused_with_a_clear_page(tiny, client, url, data, headers):
    response = client.post(url, data=data, headers=headers)
    assert response.status_code == 403
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.h1.text == "Form not accepted"
    assert "sent from another website" in page.text
    assert client.get_cookie(cookie_name("tiny", PLAIN_HTTP)) is None
    assert client.get_cookie(UPCOMING_TITLES_COOKIE) is None


@pytest.mark.parametrize(("url", "data"), FORMS)
@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://localhost"}, {}])
def test_a_same_site_post_works_without_a_token(tiny, client, url, data, headers):
    response = client.post(url, data=data, headers=headers)
    assert response.status_code == 303


def test_the_home_page_and_the_guard_hold_no_token_and_are_cached(tiny, client):
    cache = tiny.extensions["ballard.page_cache"]
    for url in ("/tiny/at/0/", "/tiny/at/3/characters/owen-marsh"):
        first = client.get(url)
        assert b"csrf_token" not in first.get_data()
        assert "Set-Cookie" not in first.headers
        assert client.get(url).get_data() == first.get_data()
    assert cache.hits == 2


def test_the_sign_in_and_the_editor_keep_their_tokens(tiny, client):
    assert b'name="csrf_token"' in client.get("/auth/login").get_data()
    response = client.post(
        "/auth/login", data={"email": "a@b.c", "password": "x"}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert response.status_code == 400  # no token: Flask-WTF refuses it


# --- in Chromium ---------------------------------------------------------------------------


def _serve(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join()


@pytest.fixture
def guide_port(tiny) -> Iterator[int]:
    yield from _serve(tiny)


@pytest.fixture
def evil_port() -> Iterator[int]:
    """Another site: a page whose form posts to the guide."""

    def evil(environ, start_response):
        guide = environ["QUERY_STRING"]
        body = (
            f"<!doctype html><title>Win a prize</title>"
            f'<form method="post" action="{guide}/tiny/progress">'
            f'<input type="hidden" name="horizon" value="4">'
            f'<button type="submit">Claim</button></form>'
        ).encode()
        start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(body)))])
        return [body]

    yield from _serve(evil)


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without"])
def test_chromium_refuses_a_cross_site_post_and_keeps_a_same_site_one(
    browser, guide_port, evil_port, javascript
):  # noqa: F811 - browser is a fixture
    guide = f"http://localhost:{guide_port}"  # localhost and 127.0.0.1 are different sites
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    # The other site's form, posted at the guide: refused, nothing saved.
    page.goto(f"http://127.0.0.1:{evil_port}/?{guide}")
    page.get_by_role("button", name="Claim").click()
    page.wait_for_url(f"{guide}/tiny/progress")
    assert page.locator("h1").text_content() == "Form not accepted"
    assert "sent from another website" in page.locator("main").text_content()
    assert not [c for c in context.cookies() if c["name"] == cookie_name("tiny", PLAIN_HTTP)]
    # The guide's own slider, from its (cached) home page: saved.
    page.goto(f"{guide}/tiny/at/0/")
    page.locator("#horizon").fill("3")
    page.get_by_role("button", name="Save my progress").click()
    page.wait_for_url(f"{guide}/tiny/at/3/")
    assert page.locator("output").text_content() == "Watched through S1E3 · Episode 3"
    assert [c for c in context.cookies() if c["name"] == cookie_name("tiny", PLAIN_HTTP)]
    # And the upcoming-titles preference.
    page.get_by_label("Show titles of episodes I have not watched yet").check()
    page.get_by_role("button", name="Save preference").click()
    page.wait_for_url(f"{guide}/tiny/at/3/")
    assert [c for c in context.cookies() if c["name"] == UPCOMING_TITLES_COOKIE]
    context.close()
