"""Script payloads typed into editor fields are stored as text and rendered escaped, on
editor pages and on viewer pages alike."""

import pytest
from bs4 import BeautifulSoup

from tests.conftest import set_progress_cookie, submit

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT} {IMAGE}"


def _assert_inert(html: str, where: str) -> None:
    page = BeautifulSoup(html, "html.parser")
    scripts = [s for s in page.find_all("script") if not s.get("src")]
    assert scripts == [], f"inline script on {where}"
    assert page.find_all(attrs={"onerror": True}) == [], f"event handler attribute on {where}"
    assert page.find_all("img") == [], f"injected element on {where}"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, f"payload not shown escaped on {where}"


@pytest.fixture
def hostile(editor, tiny):
    """The tiny show with the payload in every kind of editor field."""
    steps = [
        (
            "/editor/tiny/characters/new",
            {
                "slug": "mallory",
                "name": f"Mallory {PAYLOAD}",
                "introduced_in": "1",
                "role": f"Role {PAYLOAD}",
                "actor": f"Actor {PAYLOAD}",
                "bios-0-revealed_in": "1",
                "bios-0-text": f"Bio {PAYLOAD}",
                "statuses-0-revealed_in": "1",
                "statuses-0-status": "<b>x</b>",
                "statuses-0-note": f"Note {PAYLOAD}",
                "aliases-0-revealed_in": "2",
                "aliases-0-alias": f"Alias {SCRIPT}",
            },
        ),
        (
            "/editor/tiny/storylines/new",
            {
                "slug": "hostile",
                "title": f"Case {SCRIPT}",
                "summary": f"Summary {PAYLOAD}",
                "introduced_in": "1",
                "statuses-0-revealed_in": "1",
                "statuses-0-status": "open",
                "statuses-0-note": f"Note {PAYLOAD}",
            },
        ),
        (
            "/editor/tiny/episodes/s1e1/plot-points/new",
            {
                "text": f"Point {PAYLOAD}",
                "storyline": "hostile",
                "characters": ["mallory"],
                "sources": SCRIPT,
            },
        ),
        (
            "/editor/tiny/questions/new",
            {
                "slug": "hostile-question",
                "text": f"Question {PAYLOAD}",
                "raised_in": "1",
                "answered_in": "2",
                "answer": f"Answer {PAYLOAD}",
            },
        ),
        ("/editor/tiny/episodes/s1e3", {"title": f"Title {SCRIPT}", "writer": IMAGE}),
    ]
    for url, changes in steps:
        response = submit(editor, url, changes)
        assert response.status_code == 303, (url, response.get_data(as_text=True)[:2000])
    return editor


EDITOR_PAGES = [
    "/editor/tiny/",
    "/editor/tiny/characters/mallory",
    "/editor/tiny/storylines/hostile",
    "/editor/tiny/episodes/s1e1",
    "/editor/tiny/plot-points/s1e1-point-1",
    "/editor/tiny/questions/hostile-question",
    "/editor/tiny/episodes/s1e3",
    "/editor/tiny/history",
]
VIEWER_PAGES = [
    "/tiny/at/2/characters",
    "/tiny/at/2/characters/mallory",
    "/tiny/at/2/story",
    "/tiny/at/2/story/full",
    "/tiny/at/2/storylines/hostile",
    "/tiny/at/2/episodes/s1e1",
    "/tiny/at/2/questions",
    "/tiny/at/2/questions/hostile-question",
    "/tiny/at/2/search?q=alert",
    "/tiny/at/3/episodes",
]


def test_payloads_render_escaped_on_editor_pages(hostile):
    for url in EDITOR_PAGES:
        response = hostile.get(url)
        assert response.status_code == 200, url
        _assert_inert(response.get_data(as_text=True), url)


def test_payloads_render_escaped_on_viewer_pages(hostile, tiny):
    reader = tiny.test_client()
    set_progress_cookie(tiny, reader, "tiny", 4)
    for url in VIEWER_PAGES:
        response = reader.get(url)
        assert response.status_code == 200, url
        _assert_inert(response.get_data(as_text=True), url)


def test_a_payload_that_fails_validation_is_echoed_escaped(editor):
    response = submit(
        editor,
        "/editor/tiny/characters/new",
        {"slug": SCRIPT, "name": PAYLOAD, "introduced_in": "1", "role": ""},
    )
    assert response.status_code == 400
    _assert_inert(response.get_data(as_text=True), "the rejected form")
