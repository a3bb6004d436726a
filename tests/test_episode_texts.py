"""Issue 24: an episode's summary and "before the next episode", and the finale page.

Both texts of an episode are shown from its own position: on its recap, beside it in the
episode list, and (before_next of episode h) on "Previously on". Unwatched episodes never
show either.
"""

from bs4 import BeautifulSoup

S1E1 = "A detective new to town is called to a body by the lake, and the one witness keeps quiet."
S1E2 = "Dana's sister turns up unannounced while Owen Marsh tells Dana he saw nothing."
S1E4 = "Owen confesses that he is The Boatman, and the stranger turns out to be Dana's old partner."
BEFORE_S1E2 = "Nobody knows who the stranger in the lake is. The witness is afraid to talk."
BEFORE_S1E3 = "Owen Marsh says he saw nothing. Dana's sister has come to stay."


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text(node) -> str:
    return " ".join(node.get_text().split())


# --- the recap and the episode list ------------------------------------------------------


def test_recap_opens_with_the_summary(tiny, reader):
    main = soup(reader.get("/tiny/at/4/episodes/s1e4")).find("main")
    summary = main.select_one(".episode-summary")
    assert text(summary) == S1E4
    # at the top: right after the heading, before the credits and the storylines
    assert summary.find_previous_sibling().name == "h1"
    assert summary.find_previous("section") is None


def test_recap_without_a_summary_has_no_summary_paragraph(tiny, reader):
    main = soup(reader.get("/tiny/at/4/episodes/s1e3")).find("main")
    assert main.select(".episode-summary") == []


def test_episode_list_shows_summaries_of_watched_episodes_only(tiny, reader):
    at1 = soup(reader.get("/tiny/at/1/episodes"))
    watched = at1.select("li.episode.watched")
    assert [text(li.select_one(".episode-summary")) for li in watched] == [S1E1]
    assert at1.select("li.episode.locked .episode-summary") == []
    assert S1E2 not in at1.text and S1E4 not in at1.text
    at4 = soup(reader.get("/tiny/at/4/episodes"))
    assert [text(s) for s in at4.select("li.episode.watched .episode-summary")] == [S1E1, S1E2, S1E4]


def test_unwatched_episode_texts_never_reach_the_page_even_with_upcoming_titles(tiny, reader):
    reader.post("/tiny/preferences", data={"enabled": "y"})
    page = soup(reader.get("/tiny/at/1/episodes"))
    assert "Guests" in page.text  # the opt-in shows titles...
    assert S1E2 not in page.text and BEFORE_S1E3 not in page.text  # ...and nothing more


# --- "Previously on" ---------------------------------------------------------------------


def test_previously_on_leads_with_before_next_of_episode_h(tiny, reader):
    main = soup(reader.get("/tiny/at/2/previously")).find("main")
    section = main.find(id="before-next-heading").find_parent("section")
    assert text(section.find("p")) == BEFORE_S1E3
    # above the lists it already has
    headings = [h.get("id") for h in main.find_all("h2")]
    assert headings.index("before-next-heading") < headings.index("cases-heading")
    assert BEFORE_S1E2 not in main.text  # episode h's paragraph only


def test_previously_on_shows_no_later_paragraph(tiny, reader):
    at1 = soup(reader.get("/tiny/at/1/previously")).find("main")
    assert text(at1.find(id="before-next-heading").find_parent("section").find("p")) == BEFORE_S1E2
    assert BEFORE_S1E3 not in at1.text
    at3 = soup(reader.get("/tiny/at/3/previously")).find("main")  # S1E3 has none written
    assert at3.find(id="before-next-heading") is None
    assert soup(reader.get("/tiny/at/0/previously")).find(id="before-next-heading") is None


def test_api_episode_carries_both_texts_for_watched_episodes_only(tiny, reader):
    body = reader.get("/api/v1/shows/tiny/at/1/episodes").get_json()
    episodes = body["episodes"] if "episodes" in body else body["seasons"][0]["episodes"]
    first, second = episodes[0], episodes[1]
    assert (first["summary"], first["before_next"]) == (S1E1, BEFORE_S1E2)
    assert second["watched"] is False and "summary" not in second and "before_next" not in second


# --- the finale page ---------------------------------------------------------------------


def test_before_the_finale_the_page_says_finish_the_season_and_nothing_else(tiny, reader):
    main = soup(reader.get("/tiny/at/3/next-season")).find("main")
    assert [text(p) for p in main.find_all("p")] == [
        "Finish the season first. This page opens once you have watched the finale."
    ]
    assert main.find_all(["h2", "ul", "details", "section"]) == []


def test_finale_page_standings_cliffhangers_then_questions(tiny, reader):
    main = soup(reader.get("/tiny/at/4/next-season")).find("main")
    headings = [text(h) for h in main.find_all("h2")]
    assert headings == [
        "Where the main characters stand after S1E4",
        "Cliffhangers of S1E4",
        "Questions going into the next season",
    ]
    standings = [text(li) for li in main.select(".season-standings li")]
    assert standings == [
        "Dana Reed: active (S1E1)",
        "Owen Marsh: arrested — He confesses to the killing. (S1E4)",
    ]
    assert main.select_one(".season-standings a")["href"] == "/tiny/at/4/characters/dana-reed"
    fold = main.select_one("details.cliffhangers")
    assert text(fold.find("summary")) == "Show the finale's cliffhangers"
    assert [text(li) for li in fold.select(".plot-point")] == [
        "Twist: Owen confesses that he is The Boatman and that he killed the stranger. "
        "With Dana Reed, Owen Marsh"
    ]
    # the finale's major point is no cliffhanger
    assert "old partner" not in fold.text
    assert [text(a) for a in main.select(".question > a")] == ["Will her sister stay?"]


def _harbor(app, client):
    from ballard.cli import load_packs
    from tests.conftest import set_progress_cookie
    from tests.test_accessibility import TWO_SEASONS

    with app.app_context():
        load_packs(TWO_SEASONS)
    set_progress_cookie(app, client, "harbor", 5)
    return client


def test_standings_are_as_the_finale_left_them_even_further_on(app, client):
    harbor = _harbor(app, client)
    at5 = soup(harbor.get("/harbor/at/5/next-season/1")).find("main")
    # Cole is arrested in S2E2 (position 5): season 1's page still shows him as it ended
    assert [text(li) for li in at5.select(".season-standings li")] == [
        "Ada Pike: active (S1E1)",
        "Cole Rook: active (S1E2)",
    ]
    assert "arrested" not in at5.text
    assert [text(li) for li in at5.select("details.cliffhangers .plot-point")] == [
        "Twist: The hull was cut from the inside. With Ada Pike"
    ]
    # S1E3's page at 3 is the same finale page as at 5, but for the answered question
    at3 = soup(harbor.get("/harbor/at/3/next-season/1")).find("main")
    assert at3.select(".season-standings li") != [] and at3.select(".answer") == []
    # season 2's finale not reached at 3: nothing but "finish the season first"
    s2 = soup(harbor.get("/harbor/at/3/next-season/2")).find("main")
    assert s2.select(".season-standings, details, .question") == []
    assert "Finish the season first" in text(s2)


def test_main_characters_are_those_in_a_third_of_the_season():
    from ballard.horizon.finale import main_character_threshold

    assert [main_character_threshold(n) for n in (1, 3, 4, 10, 12)] == [1, 1, 2, 4, 4]
