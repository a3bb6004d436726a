"""The editor's forms: create, edit and delete each kind of entity, with every field
validated and the message next to it. Forms are filled in from the rendered page, CSRF
token and version token included, the way a browser would."""

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from ballard.db import get_session
from ballard.models import (
    Character,
    ContentVersion,
    Episode,
    PlotPoint,
    Question,
    Revision,
    Storyline,
)
from tests.conftest import set_progress_cookie, submit


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def errors(response, field_id: str) -> list[str]:
    found = soup(response).select_one(f"#{field_id}-errors")
    return [li.text for li in found.find_all("li")] if found else []


def flashes(client) -> list[str]:
    return [li.text for li in soup(client.get("/editor/")).select(".flashes li")]


def version(app) -> int:
    with app.app_context():
        return get_session().scalar(select(ContentVersion.version))


def revisions(app) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(Revision))


def row(app, model, **where):
    with app.app_context():
        return get_session().scalars(select(model).filter_by(**where)).one_or_none()


def viewer_text(app, url: str) -> str:
    """A page as a reader who has watched everything sees it (no editor session)."""
    reader = app.test_client()
    set_progress_cookie(app, reader, "tiny", 4)
    response = reader.get(url)
    return response.get_data(as_text=True) if response.status_code == 200 else ""


# --- the overview --------------------------------------------------------------------------------


def test_overview_lists_everything_with_edit_links(editor):
    page = soup(editor.get("/editor/tiny/"))
    assert [a["href"] for a in page.select(".episodes a")] == [
        f"/editor/tiny/episodes/s1e{n}" for n in range(1, 5)
    ]
    assert [a.text for a in page.select(".episodes a")] == [
        "S1E1 Arrival",
        "S1E2 Guests",
        "S1E3",
        "S1E4 The Lake Gives Up",
    ]
    assert [a.text for a in page.select(".characters a")] == ["Dana Reed", "Owen Marsh"]
    assert [a.text for a in page.select(".storylines a")] == ["The case", "Family matters"]
    assert len(page.select(".questions a")) == 3
    previews = [a["href"] for a in page.select(".preview-list a")]
    assert previews == [f"/tiny/at/{h}/" for h in range(5)]


def test_stamps_are_chosen_from_the_shows_episodes(editor):
    page = soup(editor.get("/editor/tiny/characters/owen-marsh"))
    options = [o.text for o in page.select("#introduced_in option")]
    assert options == [
        "0 · premise",
        "1 · S1E1 Arrival",
        "2 · S1E2 Guests",
        "3 · S1E3",
        "4 · S1E4 The Lake Gives Up",
    ]
    assert page.select_one("#introduced_in option[selected]").text == "2 · S1E2 Guests"


# --- episodes --------------------------------------------------------------------------------------


def test_edit_an_episode(editor, tiny):
    before = version(tiny)
    response = submit(
        editor,
        "/editor/tiny/episodes/s1e3",
        {"title": "The Witness", "director": "Dee Rector", "runtime_minutes": "47"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/editor/tiny/episodes/s1e3"
    episode = row(tiny, Episode, position=3)
    assert (episode.title, episode.director, episode.runtime_minutes) == ("The Witness", "Dee Rector", 47)
    assert version(tiny) == before + 1
    assert "Episode saved." in flashes(editor)[0]
    assert "S1E3 The Witness" in viewer_text(tiny, "/tiny/at/3/episodes/s1e3")
    assert "The Witness" not in viewer_text(tiny, "/tiny/at/2/episodes")


def test_episode_form_edits_summary_and_before_next(editor, tiny):
    page = soup(editor.get("/editor/tiny/episodes/s1e3"))
    labels = [label.text.strip() for label in page.select("label")]
    assert "Summary" in labels and "Before the next episode" in labels
    assert page.select_one("textarea#summary") is not None
    response = submit(
        editor,
        "/editor/tiny/episodes/s1e3",
        {"summary": "The witness finally talks.", "before_next": "Remember the Boatman."},
    )
    assert response.status_code == 303
    episode = row(tiny, Episode, position=3)
    assert (episode.summary, episode.before_next) == ("The witness finally talks.", "Remember the Boatman.")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("release_date", "2025-02-30", "Enter a date as YYYY-MM-DD, such as 2025-07-09."),
        ("release_date", "next week", "Enter a date as YYYY-MM-DD, such as 2025-07-09."),
        ("runtime_minutes", "abc", "Enter a whole number, such as 45."),
        ("runtime_minutes", "0", "Give a number from 1 to 600."),
        ("runtime_minutes", "601", "Give a number from 1 to 600."),
        ("title", "x" * 201, "Keep it to 200 characters or fewer."),
        ("writer", "w" * 201, "Keep it to 200 characters or fewer."),
    ],
)
def test_episode_fields_are_validated(editor, tiny, field, value, message):
    before = version(tiny)
    response = submit(editor, "/editor/tiny/episodes/s1e1", {field: value})
    assert response.status_code == 400
    assert errors(response, field) == [message]
    assert soup(response).select_one(f"#{field}")["aria-invalid"] == "true"
    assert version(tiny) == before
    assert row(tiny, Episode, position=1).title == "Arrival"


def test_add_and_delete_an_episode(editor, tiny):
    page = soup(editor.get("/editor/tiny/episodes/new"))
    assert page.h1.text == "New episode S1E5"
    response = submit(editor, "/editor/tiny/episodes/new", {"title": "Aftermath"})
    assert response.headers["Location"] == "/editor/tiny/episodes/s1e5"
    assert row(tiny, Episode, position=5).title == "Aftermath"
    assert any("no plot points" in f for f in flashes(editor))  # a lint warning, after saving
    response = submit(editor, "/editor/tiny/episodes/s1e5", selector="form.delete-form")
    assert response.status_code == 303
    assert row(tiny, Episode, position=5) is None


@pytest.mark.parametrize(
    ("episode", "message"),
    [
        ("s1e4", "S1E4 still has 2 plot point(s); delete them first."),
        ("s1e3", "Only the last episode of a season can be deleted; S1E3 is not the last."),
    ],
)
def test_episodes_in_use_cannot_be_deleted(editor, tiny, episode, message):
    response = submit(editor, f"/editor/tiny/episodes/{episode}", selector="form.delete-form")
    assert response.status_code == 409
    assert message in soup(response).select_one(".notice").text
    assert row(tiny, Episode, number=int(episode[-1])) is not None


# --- storylines ------------------------------------------------------------------------------------


def test_create_a_storyline_with_a_status_row(editor, tiny):
    page = soup(editor.get("/editor/tiny/storylines/new"))
    assert [s["name"] for s in page.select(".rows-table select")] == [
        "statuses-0-revealed_in",
        "statuses-0-status",
        "statuses-1-revealed_in",
        "statuses-1-status",
    ]
    response = submit(
        editor,
        "/editor/tiny/storylines/new",
        {
            "slug": "the-boat",
            "title": "The boat",
            "summary": "Someone keeps a boat on the lake.",
            "introduced_in": "2",
            "statuses-0-revealed_in": "2",
            "statuses-0-status": "open",
            "statuses-0-note": "Nobody admits to owning it.",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/editor/tiny/storylines/the-boat"
    storyline = row(tiny, Storyline, slug="the-boat")
    assert (storyline.introduced_in, storyline.sort_order) == (2, 2)
    assert "The boat" in viewer_text(tiny, "/tiny/at/2/story")
    assert "The boat" not in viewer_text(tiny, "/tiny/at/1/story")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"slug": "Bad Slug"},
            "slug",
            "Use lowercase letters, digits and single hyphens only, such as ted-rawls.",
        ),
        ({"slug": "the-case"}, "slug", "The slug the-case is already used in this show."),
        ({"slug": "new"}, "slug", "The slug new is already used in this show."),
        ({"slug": ""}, "slug", "A slug is required: lowercase words joined by hyphens."),
        ({"title": "   "}, "title", "Title is required."),
        ({"summary": ""}, "summary", "Summary is required."),
        ({"introduced_in": "99"}, "introduced_in", "Choose an episode from the list."),
        ({"introduced_in": "one"}, "introduced_in", "Choose an episode from the list."),
        (
            {"statuses-0-note": "A note without an episode."},
            "statuses-0-revealed_in",
            "Choose the episode this row is shown from.",
        ),
        (
            {"statuses-0-revealed_in": "1", "statuses-0-status": "lost"},
            "statuses-0-status",
            "Choose open, solved or closed.",
        ),
    ],
)
def test_storyline_fields_are_validated(editor, tiny, changes, field, message):
    data = {"slug": "the-boat", "title": "The boat", "summary": "A boat.", "introduced_in": "2", **changes}
    response = submit(editor, "/editor/tiny/storylines/new", data)
    assert response.status_code == 400
    assert errors(response, field) == [message]
    assert row(tiny, Storyline, slug="the-boat") is None


def test_a_storyline_with_plot_points_cannot_be_deleted(editor, tiny):
    response = submit(editor, "/editor/tiny/storylines/the-family", selector="form.delete-form")
    assert response.status_code == 409
    assert "1 plot point(s) belong to this storyline" in response.get_data(as_text=True)
    assert row(tiny, Storyline, slug="the-family") is not None


# --- characters ------------------------------------------------------------------------------------


def test_add_a_bio_row_and_remove_a_status_row(editor, tiny):
    page = soup(editor.get("/editor/tiny/characters/owen-marsh"))
    assert len(page.select("#bios tbody tr")) == 1 + 2  # one bio and two blank rows
    response = submit(
        editor,
        "/editor/tiny/characters/owen-marsh",
        {
            "bios-1-revealed_in": "4",
            "bios-1-text": "He rowed out to meet the stranger.",
            "statuses-1-remove": "y",
        },
    )
    assert response.status_code == 303
    with tiny.app_context():
        owen = get_session().scalar(select(Character).where(Character.slug == "owen-marsh"))
        assert [(b.revealed_in, b.text) for b in owen.bios] == [
            (2, "He runs the only inn in town."),
            (4, "He rowed out to meet the stranger."),
        ]
        assert [s.status for s in owen.statuses] == ["active"]
    assert "rowed out to meet" in viewer_text(tiny, "/tiny/at/4/characters/owen-marsh")
    assert "rowed out to meet" not in viewer_text(tiny, "/tiny/at/3/characters/owen-marsh")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Name is required."),
        ({"role": "r" * 301}, "role", "Keep it to 300 characters or fewer."),
        ({"short_names": "Owen, " + "o" * 201}, "short_names", "Each entry must be 200 characters or fewer."),
        ({"introduced_in": "-1"}, "introduced_in", "Choose an episode from the list."),
        (
            {"bios-1-revealed_in": "3"},
            "bios-1-text",
            "Write the bio, or set the episode to — to drop the row.",
        ),
        (
            {"aliases-1-alias": "The Rower"},
            "aliases-1-revealed_in",
            "Choose the episode this row is shown from.",
        ),
        (
            {"statuses-2-revealed_in": "3", "statuses-2-status": "s" * 61},
            "statuses-2-status",
            "Keep it to 60 characters or fewer.",
        ),
        ({"statuses-2-revealed_in": "3"}, "statuses-2-status", "Give a short status, such as active."),
    ],
)
def test_character_fields_are_validated(editor, tiny, changes, field, message):
    before = version(tiny)
    response = submit(editor, "/editor/tiny/characters/owen-marsh", changes)
    assert response.status_code == 400
    assert errors(response, field) == [message]
    assert version(tiny) == before


def test_create_and_delete_a_character(editor, tiny):
    response = submit(
        editor,
        "/editor/tiny/characters/new",
        {
            "slug": "mae-holt",
            "name": "Mae Holt",
            "short_names": "Mae, Holt",
            "introduced_in": "3",
            "role": "The ferry pilot",
            "actor": "",
        },
    )
    assert response.headers["Location"] == "/editor/tiny/characters/mae-holt"
    mae = row(tiny, Character, slug="mae-holt")
    assert (mae.short_names, mae.actor, mae.sort_order) == (["Mae", "Holt"], None, 2)
    assert any("no bio rows" in f for f in flashes(editor))
    response = submit(editor, "/editor/tiny/characters/mae-holt", selector="form.delete-form")
    assert response.headers["Location"] == "/editor/tiny/"
    assert row(tiny, Character, slug="mae-holt") is None


def test_a_character_in_plot_points_cannot_be_deleted(editor, tiny):
    response = submit(editor, "/editor/tiny/characters/owen-marsh", selector="form.delete-form")
    assert response.status_code == 409
    assert "in 4 plot point(s); take them out of those first" in response.get_data(as_text=True)


# --- plot points -----------------------------------------------------------------------------------


def test_edit_a_plot_point(editor, tiny):
    response = submit(
        editor,
        "/editor/tiny/plot-points/s1e1-town-only-witness",
        {
            "text": "The only witness in town will not say a word.",
            "level": "major",
            "characters": ["dana-reed"],
            "sources": "T2, T3",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/editor/tiny/plot-points/s1e1-town-only-witness"
    point = row(tiny, PlotPoint, episode_position=1, sort_order=1)
    assert (point.text, point.spoiler_level, point.sources) == (
        "The only witness in town will not say a word.",
        "major",
        ["T2", "T3"],
    )
    assert "will not say a word" in viewer_text(tiny, "/tiny/at/1/episodes/s1e1")


def test_create_a_plot_point_after_the_last_one(editor, tiny):
    page = soup(editor.get("/editor/tiny/episodes/s1e3/plot-points/new"))
    assert [o["value"] for o in page.select("#revealed_in option")] == ["3", "4"]
    response = submit(
        editor,
        "/editor/tiny/episodes/s1e3/plot-points/new",
        {
            "text": "Dana rows out to the middle of the lake.",
            "storyline": "the-case",
            "characters": ["owen-marsh", "dana-reed"],
            "revealed_in": "4",
        },
    )
    assert response.headers["Location"] == "/editor/tiny/episodes/s1e3"
    point = row(tiny, PlotPoint, episode_position=3, sort_order=1)
    assert point.revealed_in == 4
    with tiny.app_context():
        point = get_session().get(PlotPoint, point.id)
        assert [c.slug for c in point.characters] == ["dana-reed", "owen-marsh"]  # cast order
    assert "rows out to the middle" in viewer_text(tiny, "/tiny/at/4/episodes/s1e3")
    assert "rows out to the middle" not in viewer_text(tiny, "/tiny/at/3/episodes/s1e3")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"text": " "}, "text", "Text is required."),
        ({"text": "A NUL\x00 byte."}, "text", "Remove the control characters (such as NUL) from this text."),
        ({"storyline": "nope"}, "storyline", "Choose a storyline from the list."),
        ({"characters": ["nobody"]}, "characters", "Pick characters from the list (nobody is not on it)."),
        ({"revealed_in": "2"}, "revealed_in", "Choose an episode from the list."),
        ({"level": "mega"}, "level", "Choose minor, major or twist."),
        ({"confidence": "certain"}, "confidence", "Choose sure, likely or unplaced."),
    ],
)
def test_plot_point_fields_are_validated(editor, tiny, changes, field, message):
    response = submit(editor, "/editor/tiny/plot-points/s1e3-witness-describes-man", changes)
    assert response.status_code == 400
    assert errors(response, field) == [message]
    assert row(tiny, PlotPoint, episode_position=3, sort_order=0).text.startswith("The witness")


def test_delete_a_plot_point(editor, tiny):
    url = "/editor/tiny/plot-points/s1e2-dana-sister-arrives"
    response = submit(editor, url, selector="form.delete-form")
    assert response.headers["Location"] == "/editor/tiny/episodes/s1e2"
    assert row(tiny, PlotPoint, episode_position=2, sort_order=0) is None
    assert "sister arrives" not in viewer_text(tiny, "/tiny/at/4/episodes/s1e2")
    assert editor.get(url).status_code == 404
    # A new point never reuses the deleted one's slot, so its history stays its own.
    submit(editor, "/editor/tiny/episodes/s1e2/plot-points/new", {"text": "A new point."})
    assert row(tiny, PlotPoint, episode_position=2, sort_order=3).text == "A new point."


# --- questions -------------------------------------------------------------------------------------


def test_answer_a_question(editor, tiny):
    response = submit(
        editor,
        "/editor/tiny/questions/will-sister-stay",
        {"answered_in": "4", "answer": "She stays for good."},
    )
    assert response.status_code == 303
    question = row(tiny, Question, slug="will-sister-stay")
    assert (question.answered_in, question.answer) == (4, "She stays for good.")
    assert "She stays for good." in viewer_text(tiny, "/tiny/at/4/questions/will-sister-stay")
    assert "She stays for good." not in viewer_text(tiny, "/tiny/at/3/questions/will-sister-stay")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"answer": "She stays."},
            "answer",
            "Give the answer and the episode that answers it together, or neither.",
        ),
        (
            {"answered_in": "3"},
            "answer",
            "Give the answer and the episode that answers it together, or neither.",
        ),
        (
            {"raised_in": "3", "answered_in": "2", "answer": "Yes."},
            "answered_in",
            "It cannot be answered before it is raised (E3).",
        ),
        ({"raised_in": "0"}, "raised_in", "Choose an episode from the list."),
        ({"text": ""}, "text", "Question is required."),
    ],
)
def test_question_fields_are_validated(editor, tiny, changes, field, message):
    response = submit(editor, "/editor/tiny/questions/will-sister-stay", changes)
    assert response.status_code == 400
    assert errors(response, field) == [message]
    assert row(tiny, Question, slug="will-sister-stay").answer is None


def test_create_and_delete_a_question(editor, tiny):
    response = submit(
        editor,
        "/editor/tiny/questions/new",
        {"slug": "who-owns-the-boat", "text": "Who owns the boat?", "raised_in": "2"},
    )
    assert response.headers["Location"] == "/editor/tiny/questions/who-owns-the-boat"
    assert row(tiny, Question, slug="who-owns-the-boat").sort_order == 3
    response = submit(editor, "/editor/tiny/questions/who-owns-the-boat", selector="form.delete-form")
    assert response.status_code == 303
    assert row(tiny, Question, slug="who-owns-the-boat") is None
    assert revisions(tiny) == 2


# --- preview links ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "/editor/tiny/characters/owen-marsh",
            [
                "/tiny/at/1/characters",
                "/tiny/at/2/characters/owen-marsh",
                "/tiny/at/3/characters/owen-marsh",
                "/tiny/at/4/characters/owen-marsh",
            ],
        ),
        (
            "/editor/tiny/plot-points/s1e2-owen-seen-rowing",
            ["/tiny/at/2/episodes/s1e2", "/tiny/at/3/episodes/s1e2"],
        ),
        ("/editor/tiny/episodes/s1e2", ["/tiny/at/1/episodes", "/tiny/at/2/episodes/s1e2"]),
        (
            "/editor/tiny/questions/who-is-the-body",
            [
                "/tiny/at/0/questions",
                "/tiny/at/1/questions/who-is-the-body",
                "/tiny/at/3/questions/who-is-the-body",
                "/tiny/at/4/questions/who-is-the-body",
            ],
        ),
        ("/editor/tiny/storylines/the-family", ["/tiny/at/1/story", "/tiny/at/2/storylines/the-family"]),
    ],
)
def test_every_edit_page_links_to_previews_at_its_stamps(editor, url, expected):
    page = soup(editor.get(url))
    links = [a["href"] for a in page.select(".previews a")]
    assert links == expected
    for link in links:
        assert editor.get(link).status_code == 200
