"""Viewer pages, asserted structurally with BeautifulSoup."""

import pytest
from bs4 import BeautifulSoup

from ballard.progress import cookie_name
from tests.conftest import PLAIN_HTTP


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_index_lists_shows(tiny, client):
    page = soup(client.get("/"))
    assert [(a["href"], a.text) for a in page.select(".show-list a")] == [("/tiny/", "Tiny Show")]


def test_new_reader_is_sent_to_horizon_zero(tiny, client):
    response = client.get("/tiny/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/tiny/at/0/"


def test_home_at_zero_shows_premise_and_slider(tiny, client):
    response = client.get("/tiny/at/0/")
    assert response.status_code == 200
    page = soup(response)
    assert page.title.text == "Tiny Show guide"
    assert "A detective with a past" in page.find(id="premise-heading").find_next("p").text
    slider = page.find("input", {"type": "range"})
    assert (slider["min"], slider["max"], slider["value"]) == ("0", "4", "0")
    assert slider["aria-valuetext"] == "Not started yet"
    form = slider.find_parent("form")
    assert (form["method"], form["action"]) == ("post", "/tiny/progress")
    # No per-reader token: the page is the same for every reader (origin_check.py).
    assert form.find("input", {"name": "csrf_token"}) is None
    assert "Arrival" not in response.get_data(as_text=True)


def test_home_at_two_labels_only_watched_titles(tiny, reader):
    page = soup(reader.get("/tiny/at/2/"))
    labels = [o["label"] for o in page.select("#horizon-stops option")]
    assert labels == [
        "Not started yet",
        "Watched through S1E1 · Arrival",
        "Watched through S1E2 · Guests",
        "Watched through S1E3",
        "Watched through S1E4",
    ]
    assert page.find("output").text == "Watched through S1E2 · Guests"
    latest = page.find(id="latest-heading").find_next("a")
    assert (latest["href"], latest.text) == ("/tiny/at/2/episodes/s1e2", "S1E2 · Guests")


def test_episode_list_locks_unwatched(tiny, reader):
    page = soup(reader.get("/tiny/at/2/episodes"))
    items = page.select(".episode-list li")
    assert [li["class"][1] for li in items] == ["watched", "watched", "locked", "locked"]
    assert [a["href"] for a in page.select(".episode-list a")] == [
        "/tiny/at/2/episodes/s1e1",
        "/tiny/at/2/episodes/s1e2",
    ]
    assert items[2].find(class_="code").text == "S1E3"
    assert "The Lake Gives Up" not in page.text
    credits = items[0].find("dl")
    assert [dt.text for dt in credits.find_all("dt")] == ["Written by", "Directed by", "Released", "Runtime"]


def test_recap_groups_points_by_storyline(tiny, reader):
    page = soup(reader.get("/tiny/at/3/episodes/s1e2"))
    assert page.h1.text == "S1E2 Guests"
    sections = page.select("section.storyline")
    assert [s.h2.text for s in sections] == ["The case", "Family matters"]
    points = sections[0].select("li.plot-point")
    assert "Owen Marsh says he saw nothing" in points[0].text
    assert points[1].find(class_="twist-marker")
    nav = page.select(".prev-next a")
    assert [(a["rel"], a["href"]) for a in nav] == [
        (["prev"], "/tiny/at/3/episodes/s1e1"),
        (["next"], "/tiny/at/3/episodes/s1e3"),
    ]


def test_recap_of_last_watched_episode_has_no_next_link(tiny, reader):
    page = soup(reader.get("/tiny/at/2/episodes/s1e2"))
    assert [a["rel"] for a in page.select(".prev-next a")] == [["prev"]]


NOT_FOUND_URLS = [
    "/tiny/at/1/episodes/s1e2",  # episode after h
    "/tiny/at/1/episodes/s1e9",  # unknown episode
    "/tiny/at/1/episodes/nonsense",  # unknown slug
    "/tiny/at/5/",  # h past the last episode
    "/tiny/at/-1/",
    "/tiny/at/01/",
    "/tiny/at/abc/episodes",
    "/nope/at/1/",  # unknown show
    "/nope/",
    "/completely/unknown/path",
]


@pytest.mark.parametrize("url", NOT_FOUND_URLS)
def test_not_found_is_identical_everywhere(tiny, reader, url):
    reference = reader.get("/completely/unknown/path")
    response = reader.get(url)
    assert response.status_code == 404
    assert response.get_data() == reference.get_data()
    assert sorted(response.headers.items()) == sorted(reference.headers.items())


def test_slider_post_saves_cookie_and_redirects(tiny, client):
    response = client.post("/tiny/progress", data={"horizon": "3"}, headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/tiny/at/3/"
    cookie = client.get_cookie(cookie_name("tiny", PLAIN_HTTP))
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert client.get("/tiny/").headers["Location"] == "/tiny/at/3/"


@pytest.mark.parametrize("value", ["5", "-1", "abc", ""])
def test_slider_rejects_bad_values_with_400(tiny, client, value):
    response = client.post("/tiny/progress", data={"horizon": value})
    assert response.status_code == 400
    page = soup(response)
    errors = page.select(".field-errors li")
    assert errors, page.text
    assert client.get_cookie(cookie_name("tiny", PLAIN_HTTP)) is None


def test_slider_from_another_site_is_refused(tiny, client):
    response = client.post("/tiny/progress", data={"horizon": "2"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert "Form not accepted" in soup(response).h1.text
    assert client.get_cookie(cookie_name("tiny", PLAIN_HTTP)) is None


def test_tampered_cookie_fails_closed_with_a_message(tiny, client):
    client.set_cookie(cookie_name("tiny", PLAIN_HTTP), "3.forged-signature")
    response = client.get("/tiny/")
    assert response.headers["Location"] == "/tiny/at/0/?notice=unreadable"
    page = soup(client.get(response.headers["Location"]))
    assert "could not read your saved progress" in page.find(class_="notice").text


def test_oversized_cookie_fails_closed(tiny, client):
    client.set_cookie(cookie_name("tiny", PLAIN_HTTP), "x" * 4000)
    assert client.get("/tiny/").headers["Location"] == "/tiny/at/0/?notice=unreadable"


def test_pages_link_static_assets_that_exist(tiny, reader):
    page = soup(reader.get("/tiny/at/1/"))
    for url in [page.find("link", rel="stylesheet")["href"], page.find("script")["src"]]:
        response = reader.get(url)
        assert response.status_code == 200
        response.close()
