"""Long pages you can navigate: a table of contents with counts, folds, "back to top",
no empty sections, and a question raised and answered in one episode listed once."""

import pytest
from bs4 import BeautifulSoup

from ballard.cli import load_packs
from tests.conftest import set_progress_cookie
from tests.test_invariance import BALLARD_PACK


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.fixture
def ballard_reader(app, client):
    with app.app_context():
        load_packs([BALLARD_PACK])
    set_progress_cookie(app, client, "ballard", 10)
    return client


def _toc(page) -> list[tuple[str, str, str]]:
    """(target id, label, count) of each entry; every target is on the page."""
    entries = []
    for li in page.select(".toc li"):
        a = li.a
        assert page.find(id=a["href"][1:]) is not None, a["href"]
        count = li.find(class_="toc-count")
        entries.append((a["href"][1:], a.text, count.text if count else ""))
    return entries


@pytest.mark.parametrize(
    "url",
    [
        "/ballard/at/3/",
        "/ballard/at/6/story",
        "/ballard/at/6/story/full",
        "/ballard/at/10/episodes/s1e10",
        "/ballard/at/3/previously",
    ],
)
def test_long_pages_have_a_table_of_contents_and_back_to_top(ballard_reader, url):
    page = soup(ballard_reader.get(url))
    entries = _toc(page)
    assert len(entries) >= 3
    sections = [page.find(id=target).find_parent("section") for target, _, _ in entries]
    long = [s for s in sections if s is not None and len(s.find_all("li")) >= 3]
    assert long
    for section in long:  # a long section ends with a way back up
        assert section.select(".back-to-top a[href='#main']"), section.get("aria-labelledby")


def test_story_toc_counts_plot_points_and_folds_earlier_episodes(ballard_reader):
    page = soup(ballard_reader.get("/ballard/at/6/story/full"))
    for target, _, count in _toc(page):
        section = page.find(id=target).find_parent("section")
        points = len(section.select(".plot-point"))
        assert count == (f"{points} plot points" if points else ""), target
    folds = page.select("section.storyline details.fold")
    assert folds
    for section in page.select("section.storyline"):
        fold = section.find("details", class_="fold")
        points = len(section.select(".plot-point"))
        episodes = len(section.select("h3.episode-heading"))
        assert (fold is not None) is (points > 4 and episodes > 1), section.h2.text
        if fold is not None:  # the latest episode stays open, after the fold
            assert len(section.find_all("h3", class_="episode-heading", recursive=False)) == 1
            assert not fold.has_attr("open")


def test_recap_toc_names_each_storyline_and_the_news(ballard_reader):
    page = soup(ballard_reader.get("/ballard/at/10/episodes/s1e10"))
    entries = _toc(page)
    assert entries[-1][:2] == ("news-heading", "New in this episode")
    for target, _, count in entries[:-1]:
        points = page.find(id=target).find_parent("section").select(".plot-point")
        assert count == f"{len(points)} plot points"


def test_previously_leaves_out_empty_sections(ballard_reader):
    for h in range(1, 11):
        page = soup(ballard_reader.get(f"/ballard/at/{h}/previously"))
        text = page.main.get_text(" ", strip=True)
        assert "No twists in" not in text and "No open questions" not in text
        assert "No case is open" not in text and "fate changed" not in text
        for heading in page.main.find_all("h2"):
            if heading.get("id") in ("toc-heading", "next-heading"):
                continue
            # a list, a fold, or the episode's "before the next episode" paragraph
            section = heading.find_parent("section")
            assert section.find(["ul", "details"]) or (
                heading.get("id") == "before-next-heading" and section.find("p").get_text(strip=True)
            ), heading.text


def test_a_question_raised_and_answered_in_one_episode_is_listed_once(ballard_reader):
    news = soup(ballard_reader.get("/ballard/at/10/episodes/s1e2")).find(class_="news")
    links = [
        a["href"] for a in news.select(".questions a") if a["href"].endswith("/questions/did-richmond-do-it")
    ]
    assert len(links) == 1
    heading = news.find("a", href=links[0]).find_parent("ul").find_previous_sibling("h3")
    assert heading.text == "Questions answered"
