"""The rest of the viewer pages at several horizons, on the small test pack."""

import pytest
from bs4 import BeautifulSoup


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def texts(nodes) -> list[str]:
    return [" ".join(n.get_text().split()) for n in nodes]


# Story so far ------------------------------------------------------------------------


def test_story_at_zero_is_empty(tiny, reader):
    page = soup(reader.get("/tiny/at/0/story"))
    assert page.select("section.storyline") == []
    assert "Nothing has happened yet" in page.text


def test_story_condensed_shows_major_and_twist_only(tiny, reader):
    page = soup(reader.get("/tiny/at/2/story"))
    sections = page.select("section.storyline")
    assert texts(s.h2 for s in sections) == ["The case", "Family matters"]
    case = sections[0]
    assert "open (since S1E1)" in texts([case.select_one(".case-status")])[0]
    points = texts(case.select(".plot-point"))
    assert any("Dana is called to the lake" in p for p in points)
    assert not any("will not talk" in p for p in points)  # minor: full view only
    assert not any("rowing out" in p for p in points)  # revealed in 3


def test_story_full_view_adds_minor_points(tiny, reader):
    page = soup(reader.get("/tiny/at/2/story/full"))
    assert any("will not talk" in p for p in texts(page.select(".plot-point")))


def test_case_status_as_of_h(tiny, reader):
    at3 = soup(reader.get("/tiny/at/3/storylines/the-case"))
    at4 = soup(reader.get("/tiny/at/4/storylines/the-case"))
    assert "open (since S1E1)" in at3.select_one(".case-status").text
    assert "solved in S1E4" in " ".join(at4.select_one(".case-status").text.split())
    assert texts(at4.select(".history li"))[1].startswith("solved — The culprit confesses.")


def test_storyline_not_yet_introduced_is_not_found(tiny, reader):
    assert reader.get("/tiny/at/1/storylines/the-family").status_code == 404
    assert reader.get("/tiny/at/2/storylines/the-family").status_code == 200


# Characters ----------------------------------------------------------------------------


def test_character_list_grows_with_h(tiny, reader):
    at0 = soup(reader.get("/tiny/at/0/characters"))
    at2 = soup(reader.get("/tiny/at/2/characters"))
    assert texts(at0.select(".character .name")) == ["Dana Reed"]
    assert texts(at2.select(".character .name")) == ["Dana Reed", "Owen Marsh"]


def test_character_status_is_latest_row_up_to_h(tiny, reader):
    at3 = soup(reader.get("/tiny/at/3/characters/owen-marsh"))
    at4 = soup(reader.get("/tiny/at/4/characters/owen-marsh"))
    assert at3.find("dt", string="Status").find_next("dd").select_one(".status").text == "active"
    assert at4.find("dt", string="Status").find_next("dd").select_one(".status").text == "arrested"
    assert texts(at4.select(".history li")) == [
        "active (S1E2)",
        "arrested — He confesses to the killing. (S1E4)",
    ]


def test_alias_appears_only_from_its_reveal(tiny, reader):
    at2 = reader.get("/tiny/at/2/characters/owen-marsh").get_data(as_text=True)
    at3 = soup(reader.get("/tiny/at/3/characters/owen-marsh"))
    assert "Boatman" not in at2
    assert at3.find("dt", string="Also known as").find_next("dd").text == "The Boatman"


def test_staged_bio_and_appearances(tiny, reader):
    at2 = soup(reader.get("/tiny/at/2/characters/dana-reed"))
    at4 = soup(reader.get("/tiny/at/4/characters/dana-reed"))
    assert len(at2.select("h2 + p")) == 1
    assert "case went wrong" not in at2.text and "case went wrong" in at4.text
    assert texts(at2.select(".appearances li")) == ["S1E1 Arrival", "S1E2 Guests"]
    assert texts(at4.select(".appearances li"))[-1] == "S1E4 The Lake Gives Up"
    assert at2.find("dt", string="First seen").find_next("dd").text == "the premise"


def test_character_not_yet_introduced_is_not_found(tiny, reader):
    assert reader.get("/tiny/at/1/characters/owen-marsh").status_code == 404


# Questions -----------------------------------------------------------------------------


def test_questions_open_and_answered(tiny, reader):
    at2 = soup(reader.get("/tiny/at/2/questions"))
    open_list = at2.find(id="open-heading").find_parent("section")
    assert texts(open_list.select(".question > a")) == [
        "Who is the stranger in the lake?",
        "Why did Dana leave the city?",
        "Will her sister stay?",
    ]
    assert "Nothing has been answered yet." in at2.text
    at3 = soup(reader.get("/tiny/at/3/questions"))
    answered = at3.find(id="answered-heading").find_parent("section")
    assert texts(answered.select(".answer")) == ["Answered in S1E3: A case went wrong."]


def test_question_page_hides_answer_until_answered(tiny, reader):
    at3 = soup(reader.get("/tiny/at/3/questions/who-is-the-body"))
    at4 = soup(reader.get("/tiny/at/4/questions/who-is-the-body"))
    assert at3.select(".answer") == [] and "old partner" not in at3.text
    assert "Dana's old partner." in at4.select_one(".answer").text
    assert reader.get("/tiny/at/1/questions/will-sister-stay").status_code == 404


def test_next_season_only_at_finale(tiny, reader):
    at3 = soup(reader.get("/tiny/at/3/next-season"))
    main = at3.find("main")
    assert texts(main.find_all("p")) == [
        "Finish the season first. This page opens once you have watched the finale."
    ]
    assert main.select(".question") == []
    at4 = soup(reader.get("/tiny/at/4/next-season"))
    assert texts(at4.select(".question > a")) == ["Will her sister stay?"]


def test_new_in_this_episode(tiny, reader):
    page = soup(reader.get("/tiny/at/4/episodes/s1e2"))
    news = page.find(id="news-heading").find_parent("section")
    assert texts(news.select("h3")) == ["New faces", "Changes", "New connections", "Questions raised"]
    assert texts(news.find("h3", string="New connections").find_next("ul").find_all("a")) == [
        "Owen Marsh",
        "Dana Reed",
        "S1E2",
        "S1E4",
    ]
    assert texts(news.find("h3", string="New faces").find_next("p").find_all("a")) == ["Owen Marsh"]
    changes = texts(news.find("h3", string="Changes").find_next("ul").find_all("li"))
    assert changes == ["Family matters: open (S1E2)"]  # newcomers' first status is not news
    page4 = soup(reader.get("/tiny/at/4/episodes/s1e4"))
    news4 = page4.find(id="news-heading").find_parent("section")
    assert "Owen Marsh: arrested" in texts(news4.select("li"))[1]
    assert "Questions answered" in texts(news4.select("h3"))
    ended = news4.find("h3", string="Connections that ended").find_next("ul")
    assert "ended in S1E4" in ended.get_text()


# Timeline ------------------------------------------------------------------------------


def test_timeline_svg_and_text_alternative(tiny, reader):
    page = soup(reader.get("/tiny/at/3/timeline"))
    svg = page.find("svg")
    assert svg["role"] == "group"  # it holds links
    assert svg.find("title").text == "Storylines across episodes 1 to 3"
    assert texts(svg.select("text.axis")) == ["E1", "E2", "E3"]
    rows = page.select(".timeline-table tbody tr")
    assert [texts(r.find_all(["th", "td"])) for r in rows] == [
        ["The case", "open (since S1E1)", "2", "2", "1"],
        ["Family matters", "open (since S1E2)", "", "1", ""],
    ]
    assert len(svg.select("circle")) == 4
    # Each dot links to its episode's recap, and says what it stands for.
    assert [(a["href"], a["aria-label"]) for a in svg.select("a")][:2] == [
        ("/tiny/at/3/episodes/s1e1", "The case: 2 plot points in S1E1"),
        ("/tiny/at/3/episodes/s1e2", "The case: 2 plot points in S1E2"),
    ]
    # Each storyline has its colour, the same at every horizon.
    colours = [g["class"][1] for g in svg.select("g.timeline-row")]
    assert all(c.startswith("sl-") for c in colours)
    # No case is solved by E3: no mark. The case is solved in E4, and marked there.
    assert svg.select(".solved-mark") == []
    at4 = soup(reader.get("/tiny/at/4/timeline")).find("svg")
    assert [g["class"][1] for g in at4.select("g.timeline-row")] == colours
    mark = at4.select_one(".solved-mark")
    assert mark.find("title").text == "solved in S1E4"
    assert float(mark["x"]) == 230 + 46 * 3 + 3  # the fourth column
    assert [a["aria-label"] for a in at4.select("a") if "solved here" in a["aria-label"]] == [
        "The case: 2 plot points in S1E4, solved here"
    ]


def test_timeline_at_zero_draws_nothing(tiny, reader):
    page = soup(reader.get("/tiny/at/0/timeline"))
    assert page.find("svg") is None


# Search --------------------------------------------------------------------------------


def _hits(reader, h, q):
    page = soup(reader.get(f"/tiny/at/{h}/search", query_string={"q": q}))
    return page, texts(page.select(".search-results li > a"))


def test_search_finds_visible_rows(tiny, reader):
    page, hits = _hits(reader, 2, "owen")
    # Dana Reed too: "Owen Marsh at odds with Dana Reed" is on both their hits.
    assert hits == ["Owen Marsh", "S1E2 Guests", "Dana Reed"]
    assert page.find(attrs={"role": "status"}).text == "3 results for “owen”."


def test_future_name_answers_like_nonsense(tiny, reader):
    future = reader.get("/tiny/at/1/search", query_string={"q": "Marsh"}).get_data(as_text=True)
    nonsense = reader.get("/tiny/at/1/search", query_string={"q": "Xqzvw"}).get_data(as_text=True)
    assert future.replace("Marsh", "Xqzvw") == nonsense
    alias = reader.get("/tiny/at/2/search", query_string={"q": "Boatman"}).get_data(as_text=True)
    assert "0 results" in alias and "Boatman</a>" not in alias


def test_search_suggestions_come_from_visible_rows(tiny, reader):
    page, hits = _hits(reader, 2, "Marhs")
    assert hits == []
    assert texts(page.select("main p a")) == ["Marsh"]  # spelled as in the texts
    page, _ = _hits(reader, 1, "Marhs")
    assert page.select("main p a") == []


def test_search_form_is_on_every_page(tiny, reader):
    for url in ["/tiny/at/2/", "/tiny/at/2/characters", "/tiny/at/2/episodes/s1e1"]:
        form = soup(reader.get(url)).find("form", role="search")
        assert (form["method"], form["action"]) == ("get", "/tiny/at/2/search")
        assert form.find("input", {"name": "q"})


def test_overlong_search_is_a_clear_400(tiny, reader):
    response = reader.get("/tiny/at/2/search", query_string={"q": "a" * 500})
    assert response.status_code == 400
    assert "limited to 200 characters" in response.get_data(as_text=True)


@pytest.mark.parametrize("h", ["0", "3", "10"])
@pytest.mark.parametrize(
    "path",
    [
        "",
        "episodes",
        "story",
        "story/full",
        "characters",
        "questions",
        "next-season",
        "timeline",
        "search?q=ballard",
    ],
)
def test_ballard_pages_render_at_key_horizons(app, runner, reader, h, path):
    runner.invoke(args=["content", "load"])
    response = reader.get(f"/ballard/at/{h}/{path}")
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.find("h1") and page.find("nav", class_="show-nav")
