"""Who may use the editor: every editor route, found from the URL map, needs a signed-in
editor and a CSRF token on every POST; the viewer's share guard does not stop editors."""

import pytest
from bs4 import BeautifulSoup
from flask import url_for
from sqlalchemy import func, select

from ballard.db import get_session
from ballard.models import ContentVersion, Revision
from tests.conftest import csrf_from, make_editor, set_progress_cookie, sign_in

# One real value for each URL argument of the editor's routes, on the tiny pack.
ARGUMENTS = {
    "show": "tiny",
    "episode": "s1e2",
    "storyline": "the-case",
    "character": "owen-marsh",
    "question": "will-sister-stay",
    "point": "s1e2-owen-marsh-says",
    "season": "1",
    "relationship": "owen-at-odds-with-dana",
}
QUERY: dict[str, str] = {}


def _editor_routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every editor and sign-out route in the URL map."""
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("editor."):
                continue
            url = url_for(rule.endpoint, **{name: ARGUMENTS[name] for name in rule.arguments})
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                routes.append((rule.endpoint, method, url + QUERY.get(rule.endpoint, "")))
    return routes


def _state(app) -> tuple[int, int]:
    with app.app_context():
        session = get_session()
        return (
            session.scalar(select(func.count()).select_from(Revision)),
            session.scalar(select(ContentVersion.version)),
        )


def test_the_editor_has_the_routes_this_file_expects(tiny):
    endpoints = {endpoint for endpoint, _, _ in _editor_routes(tiny)}
    assert {
        "editor.index",
        "editor.overview",
        "editor.episode",
        "editor.plot_point",
        "editor.move_plot_point",
        "editor.new_season",
        "editor.new_season_episode",
        "editor.character",
        "editor.delete_question",
        "editor.history",
        "editor.restore_revision",
    } <= endpoints
    assert len(endpoints) >= 19


def test_anonymous_is_sent_to_login_from_every_editor_route(tiny, client):
    token = csrf_from(client, "/auth/login")
    before = _state(tiny)
    for endpoint, method, url in _editor_routes(tiny):
        data = {"csrf_token": token, "text": "x", "title": "x"} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        expected = 302 if method == "GET" else 303
        assert response.status_code == expected, (endpoint, method, url, response.status_code)
        location = response.headers["Location"]
        assert location.startswith("/auth/login?next="), (endpoint, location)
        assert "<form" not in response.get_data(as_text=True)  # nothing of the editor shown
    assert _state(tiny) == before


def test_login_returns_to_the_page_asked_for(tiny, client, auth):
    make_editor(tiny)
    response = client.get("/editor/tiny/plot-points/s1e2-owen-marsh-says")
    assert response.headers["Location"] == ("/auth/login?next=/editor/tiny/plot-points/s1e2-owen-marsh-says")
    login = BeautifulSoup(client.get(response.headers["Location"]).get_data(as_text=True), "html.parser")
    next_value = login.find("input", {"name": "next"})["value"]
    assert next_value == "/editor/tiny/plot-points/s1e2-owen-marsh-says"
    assert auth.login(next=next_value).headers["Location"] == next_value


def test_every_editor_get_route_answers_a_signed_in_editor(editor, tiny):
    for endpoint, method, url in _editor_routes(tiny):
        if method == "GET":
            response = editor.get(url)
            assert response.status_code == 200, (endpoint, url, response.status_code)
            assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("token", ["missing", "wrong"])
def test_every_editor_post_needs_a_csrf_token(editor, tiny, token):
    before = _state(tiny)
    posts = [(e, url) for e, method, url in _editor_routes(tiny) if method == "POST"]
    assert len(posts) >= 14
    for endpoint, url in posts:
        data = {"text": "changed", "title": "changed", "revision": "1", "which": "before"}
        if token == "wrong":
            data["csrf_token"] = "not-a-real-token"
        response = editor.post(url, data=data)
        assert response.status_code == 400, (endpoint, url, response.status_code)
        assert "Form not accepted" in response.get_data(as_text=True)
    assert _state(tiny) == before


@pytest.mark.parametrize(
    "url",
    [
        "/editor/nope/",
        "/editor/tiny/episodes/s1e9",
        "/editor/tiny/episodes/bogus",
        "/editor/tiny/characters/nobody",
        "/editor/tiny/storylines/nothing",
        "/editor/tiny/questions/none-such",
        "/editor/tiny/plot-points/none-such",
        "/editor/tiny/plot-points/NOT_A_SLUG",
        "/editor/tiny/episodes/s1e2/plot-points/edit",
        "/editor/tiny/episodes/s1e9/plot-points/new",
    ],
)
def test_unknown_things_are_404_for_editors(editor, url):
    assert editor.get(url).status_code == 404


@pytest.mark.parametrize("query", ["kind=nope", "page=0", "page=x", "key=" + "k" * 121])
def test_bad_history_filters_are_400(editor, query):
    response = editor.get(f"/editor/tiny/history?{query}")
    assert response.status_code == 400


# --- the share guard and editors -----------------------------------------------------------------


def test_signed_in_editor_previews_any_horizon_without_the_guard(editor):
    page = BeautifulSoup(editor.get("/tiny/at/3/characters/owen-marsh").get_data(as_text=True), "html.parser")
    assert page.h1.text == "Owen Marsh"


def test_readers_still_get_the_guard_after_an_editor_previewed(tiny, client, editor):
    url = "/tiny/at/3/characters/owen-marsh"
    assert "Owen Marsh" in editor.get(url).get_data(as_text=True)
    stranger = tiny.test_client()
    page = BeautifulSoup(stranger.get(url).get_data(as_text=True), "html.parser")
    assert page.h1.text == "Before you read on"
    assert "Owen" not in page.text


def test_an_editor_who_signed_out_gets_the_guard_again(editor, auth):
    auth.logout()
    page = BeautifulSoup(editor.get("/tiny/at/3/").get_data(as_text=True), "html.parser")
    assert page.h1.text == "Before you read on"


def test_an_editor_behind_on_progress_still_skips_the_guard(tiny, client):
    set_progress_cookie(tiny, client, "tiny", 1)
    sign_in(tiny, client, make_editor(tiny))
    page = BeautifulSoup(client.get("/tiny/at/4/episodes/s1e4").get_data(as_text=True), "html.parser")
    assert page.h1.text == "S1E4 The Lake Gives Up"


@pytest.mark.parametrize(
    "url",
    [
        "/editor/ti%00ny/",
        "/editor/tiny/characters/owen%00",
        "/editor/tiny/questions/%00",
        "/editor/tiny/storylines/the-case%00/delete",
    ],
)
def test_nul_bytes_in_addresses_are_404_not_errors(editor, url):
    method = "POST" if url.endswith("/delete") else "GET"
    token = csrf_from(editor, "/editor/")
    response = editor.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
    assert response.status_code == 404


def test_nul_bytes_in_history_filters_and_restores_are_400(editor):
    assert editor.get("/editor/tiny/history?key=a%00b").status_code == 400
    token = csrf_from(editor, "/editor/")
    response = editor.post(
        "/editor/tiny/history/restore",
        data={"csrf_token": token, "revision": "99999999999", "which": "before", "version_token": "x"},
    )
    assert response.status_code == 400
