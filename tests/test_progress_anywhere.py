"""Progress from anywhere (DESIGN.md §4): the header's picker and the "I have watched"
buttons save a new horizon and land on the same page there, or on its nearest parent."""

import pytest
from bs4 import BeautifulSoup

from ballard.progress import cookie_name
from tests.conftest import PLAIN_HTTP, progress_cookie, set_progress_cookie


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _saved(app, client, h: int) -> bool:
    """Does the client's progress cookie say h?"""
    cookie = client.get_cookie(cookie_name("tiny", PLAIN_HTTP))
    return cookie is not None and cookie.value == progress_cookie(app, "tiny", h)[1]


# Every page kind of the guide at h = 2 (the reader's own horizon there).
PAGES = [
    "/tiny/at/2/",
    "/tiny/at/2/episodes",
    "/tiny/at/2/episodes/s1e2",
    "/tiny/at/2/story",
    "/tiny/at/2/story/full",
    "/tiny/at/2/storylines/the-case",
    "/tiny/at/2/characters",
    "/tiny/at/2/characters/owen-marsh",
    "/tiny/at/2/questions",
    "/tiny/at/2/timeline",
    "/tiny/at/2/connections",
    "/tiny/at/2/previously",
    "/tiny/at/2/next-season",
    "/tiny/at/2/search?q=owen",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_the_picker_naming_its_horizon(tiny, app, client, url):
    set_progress_cookie(app, client, "tiny", 2)
    page = soup(client.get(url))
    picker = page.find("details", id="progress-picker")
    assert picker.summary.find(class_="picker-now").text == "Up to S1E2"
    form = picker.form
    assert (form["method"], form["action"]) == ("post", "/tiny/progress")
    assert form.find("input", {"name": "next"})["value"] == url
    assert form.find("input", {"name": "csrf_token"}) is None  # cacheable for every reader
    buttons = form.find_all("button", {"name": "horizon"})
    assert [b["value"] for b in buttons] == ["0", "1", "2", "3", "4"]
    assert [b.text for b in buttons] == ["Nothing yet", "S1E1", "S1E2", "S1E3", "S1E4"]
    current = [b.text for b in buttons if b.get("aria-current") == "true"]
    assert current == ["S1E2"]


def test_the_picker_names_upcoming_episodes_by_code_only(tiny, app, client):
    set_progress_cookie(app, client, "tiny", 2)
    html = client.get("/tiny/at/2/characters").get_data(as_text=True)
    picker = soup(client.get("/tiny/at/2/characters")).find("details", id="progress-picker")
    assert picker.find("button", value="2")["title"] == "S1E2 · Guests"
    assert not picker.find("button", value="3").has_attr("title")
    assert "The Lake Gives Up" not in html  # S1E4's title


@pytest.mark.parametrize(
    ("url", "h", "landing"),
    [
        ("/tiny/at/2/characters/owen-marsh", "3", "/tiny/at/3/characters/owen-marsh"),
        ("/tiny/at/2/characters/owen-marsh#ties", "4", "/tiny/at/4/characters/owen-marsh#ties"),
        # Not yet introduced at the new horizon: its parent, never an error.
        ("/tiny/at/2/characters/owen-marsh", "1", "/tiny/at/1/characters"),
        ("/tiny/at/2/episodes/s1e2", "1", "/tiny/at/1/episodes"),
        ("/tiny/at/2/episodes/s1e2", "3", "/tiny/at/3/episodes/s1e2"),
        ("/tiny/at/2/storylines/the-family", "1", "/tiny/at/1/story"),
        ("/tiny/at/2/search?q=owen", "3", "/tiny/at/3/search?q=owen"),
        ("/tiny/at/2/", "4", "/tiny/at/4/"),
        ("/tiny/at/2/connections", "0", "/tiny/at/0/connections"),
        ("/tiny/at/2/next-season/1", "1", "/tiny/at/1/next-season/1"),
        # A question's former slug (a page left open across a rename): its new address,
        # or its parent where the question is not raised yet.
        ("/tiny/at/2/questions/sister-stays", "3", "/tiny/at/3/questions/will-sister-stay"),
        ("/tiny/at/2/questions/sister-stays", "1", "/tiny/at/1/questions"),
        # An unknown slug falls back like a later one (the same answer for both).
        ("/tiny/at/2/characters/nobody-at-all", "3", "/tiny/at/3/characters"),
        ("/tiny/at/2/no-such-page", "3", "/tiny/at/3/"),
    ],
)
def test_the_picker_lands_on_the_same_page_at_the_new_horizon(tiny, app, client, url, h, landing):
    set_progress_cookie(app, client, "tiny", 2)
    response = client.post("/tiny/progress", data={"horizon": h, "next": url})
    assert response.status_code == 303
    assert response.headers["Location"] == landing
    assert _saved(app, client, int(h))
    assert client.get(landing.split("#")[0]).status_code == 200


def test_the_picker_moves_back_deliberately(tiny, app, client):
    set_progress_cookie(app, client, "tiny", 4)
    client.post("/tiny/progress", data={"horizon": "1", "next": "/tiny/at/4/"})
    assert _saved(app, client, 1)


@pytest.mark.parametrize(
    ("url", "place"),
    [
        ("/tiny/at/2/episodes", ".episode.locked"),
        ("/tiny/at/2/episodes/s1e2", "main"),
        ("/tiny/at/2/previously", "#next-heading ~ form"),
    ],
)
def test_i_have_watched_the_next_episode(tiny, app, client, url, place):
    set_progress_cookie(app, client, "tiny", 2)
    page = soup(client.get(url))
    forms = page.select("form.watched-form")
    assert len(forms) == 1
    form = forms[0]
    assert page.select_one(place).find("form", class_="watched-form") is form or (form in page.select(place))
    assert form.button.text == "I have watched S1E3"
    fields = {i["name"]: i["value"] for i in form.find_all("input")}
    assert fields == {"next": url + "#watched-next", "forward": "1", "horizon": "3"}
    response = client.post("/tiny/progress", data=fields)
    landing = url.replace("/at/2/", "/at/3/") + "#watched-next"
    assert response.headers["Location"] == landing
    assert _saved(app, client, 3)
    # The landing page has the place the fragment names (the next button, or the link on).
    assert soup(client.get(landing.split("#")[0])).find(id="watched-next") is not None


def test_watched_buttons_never_move_a_reader_back(tiny, app, client):
    set_progress_cookie(app, client, "tiny", 4)
    response = client.post(
        "/tiny/progress", data={"horizon": "3", "forward": "1", "next": "/tiny/at/2/episodes#watched-next"}
    )
    assert response.headers["Location"] == "/tiny/at/3/episodes#watched-next"
    assert _saved(app, client, 4)


def test_no_watched_button_where_the_next_episode_is_not_locked(tiny, reader):
    assert reader.get("/tiny/at/2/episodes/s1e1").status_code == 200
    for url in (
        "/tiny/at/2/episodes/s1e1",
        "/tiny/at/4/episodes",
        "/tiny/at/4/previously",
        "/tiny/at/4/episodes/s1e4",
        "/tiny/at/2/characters",
    ):
        assert soup(reader.get(url)).select("form.watched-form") == [], url


def test_episode_list_ticks_watched_episodes(tiny, reader):
    page = soup(reader.get("/tiny/at/2/episodes"))
    ticked = [li.find(class_="code").text for li in page.select(".episode") if li.find(class_="tick")]
    assert ticked == ["S1E1", "S1E2"]
    assert page.select(".episode.watched")[0].a.text.startswith("Watched: S1E1")


def test_picker_forms_pass_the_origin_check(tiny, client):
    refused = client.post(
        "/tiny/progress",
        data={"horizon": "3", "next": "/tiny/at/2/"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert refused.status_code == 403


def test_next_season_link_appears_from_the_first_finale_on(tiny, reader):
    def links(url):
        return [a.text for a in soup(reader.get(url)).select(".nav-wide a")]

    assert "Next season" not in links("/tiny/at/3/episodes")
    assert links("/tiny/at/4/episodes")[-1] == "Next season"
    # The page itself stays reachable by its address, and names itself in the header.
    assert links("/tiny/at/3/next-season")[-1] == "Next season"


def test_the_menu_holds_the_same_links_as_the_wide_navigation(tiny, reader):
    page = soup(reader.get("/tiny/at/4/characters"))
    wide = [(a.text, a["href"]) for a in page.select(".nav-wide a")]
    menu = [(a.text, a["href"]) for a in page.select(".nav-menu a")]
    assert menu == [*wide, ("All guides", "/")]
    assert page.select_one(".nav-menu summary").text == "Menu"


def test_favicons(tiny, client):
    with client.get("/favicon.ico") as ico:
        assert ico.status_code == 200
        assert ico.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
        assert ico.get_data()[:4] == b"\x00\x00\x01\x00"  # an ICO header
    icon = soup(client.get("/tiny/at/0/")).find("link", rel="icon")
    assert icon["type"] == "image/svg+xml"
    with client.get(icon["href"]) as svg:
        assert svg.status_code == 200 and svg.get_data().startswith(b"<svg")
