"""Revision history (who, when, what, before and after), restoring earlier versions, two
editors at once (a stale form is a 409 that keeps its input), and `content dump` of an
edited database loading back into an empty one identically."""

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from ballard.cli import load_packs
from ballard.db import get_session
from ballard.models import ContentVersion, PlotPoint, Question, Revision, User
from tests.conftest import TINY_PACK, _empty_tables, make_editor, read_form, sign_in, submit


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _revisions(app) -> list[Revision]:
    with app.app_context():
        return get_session().scalars(select(Revision).order_by(Revision.id)).all()


def _version(app) -> int:
    with app.app_context():
        return get_session().scalar(select(ContentVersion.version))


def _question(app, slug: str) -> Question | None:
    with app.app_context():
        return get_session().scalar(select(Question).where(Question.slug == slug))


def _restore_buttons(page: BeautifulSoup) -> dict[tuple[str, str], dict[str, list[str]]]:
    """(revision, which) -> the restore form's data, for every restore button on the page."""
    forms = page.select("form.restore-form")
    return {
        (
            f.find("input", {"name": "revision"})["value"],
            f.find("input", {"name": "which"})["value"],
        ): read_form(f)
        for f in forms
    }


# --- recording -----------------------------------------------------------------------------------


def test_each_change_records_who_when_what_before_and_after(editor, tiny):
    version = _version(tiny)
    submit(editor, "/editor/tiny/questions/will-sister-stay", {"text": "Will Dana's sister stay?"})
    [revision] = _revisions(tiny)
    with tiny.app_context():
        email = get_session().get(User, revision.user_id).email
    assert email == "editor@example.com"
    assert (revision.entity_kind, revision.entity_key) == ("question", "will-sister-stay")
    assert revision.before["text"] == "Will her sister stay?"
    assert revision.after["text"] == "Will Dana's sister stay?"
    assert {k for k in revision.before if revision.before[k] != revision.after[k]} == {"text"}
    assert revision.content_version == version + 1 == _version(tiny)
    assert revision.created_at is not None and revision.restored_from_id is None

    page = soup(editor.get("/editor/tiny/history"))
    entry = page.select_one(f"#revision-{revision.id}")
    assert "changed question" in entry.h2.text
    assert "editor@example.com" in entry.text
    assert [[c.text for c in tr.find_all(["th", "td"])] for tr in entry.select("tbody tr")] == [
        ["text", "Will her sister stay?", "Will Dana's sister stay?"]
    ]


def test_saving_without_changes_records_nothing(editor, tiny):
    version = _version(tiny)
    response = submit(editor, "/editor/tiny/characters/owen-marsh")
    assert response.status_code == 303
    assert "Nothing changed" in soup(editor.get("/editor/")).select_one(".flashes").text
    assert _revisions(tiny) == [] and _version(tiny) == version


def test_history_can_be_narrowed_to_one_entity(editor, tiny):
    submit(editor, "/editor/tiny/questions/will-sister-stay", {"text": "Will she stay?"})
    submit(editor, "/editor/tiny/episodes/s1e3", {"title": "The Witness"})
    edit_page = soup(editor.get("/editor/tiny/episodes/s1e3"))
    history_link = edit_page.find("a", string="History of this episode")["href"]
    assert history_link == "/editor/tiny/history?kind=episode&key=s1e3"
    page = soup(editor.get(history_link))
    episode_change = _revisions(tiny)[-1].id
    assert [" ".join(h.text.split()) for h in page.select(".revision-heading")] == [
        f"#{episode_change} · changed episode s1e3"
    ]


# --- restoring -------------------------------------------------------------------------------------


def test_restore_an_earlier_version(editor, tiny):
    submit(editor, "/editor/tiny/questions/will-sister-stay", {"text": "Version two?"})
    submit(editor, "/editor/tiny/questions/will-sister-stay", {"text": "Version three?"})
    first, second = _revisions(tiny)
    buttons = _restore_buttons(soup(editor.get("/editor/tiny/history")))
    # The latest "after" is what is saved now: nothing to restore there.
    assert set(buttons) == {(str(first.id), "after"), (str(first.id), "before"), (str(second.id), "before")}
    version = _version(tiny)
    response = editor.post("/editor/tiny/history/restore", data=buttons[str(first.id), "before"])
    assert response.status_code == 303
    assert response.headers["Location"] == ("/editor/tiny/history?kind=question&key=will-sister-stay")
    assert _question(tiny, "will-sister-stay").text == "Will her sister stay?"
    restored = _revisions(tiny)[-1]
    assert restored.restored_from_id == first.id
    assert restored.before["text"] == "Version three?"
    assert restored.after["text"] == "Will her sister stay?"
    assert _version(tiny) == version + 1
    assert f"restored from #{first.id}" in soup(editor.get("/editor/tiny/history")).text


def test_a_deleted_character_comes_back_whole(editor, tiny):
    submit(
        editor,
        "/editor/tiny/characters/new",
        {
            "slug": "mae-holt",
            "name": "Mae Holt",
            "introduced_in": "3",
            "role": "The ferry pilot",
            "bios-0-revealed_in": "3",
            "bios-0-text": "She runs the ferry.",
            "aliases-0-revealed_in": "4",
            "aliases-0-alias": "The Pilot",
        },
    )
    with tiny.app_context():
        created = get_session().scalars(select(Revision)).one().after
    submit(editor, "/editor/tiny/characters/mae-holt", selector="form.delete-form")
    assert editor.get("/editor/tiny/characters/mae-holt").status_code == 404
    deletion = _revisions(tiny)[-1]
    assert deletion.after is None and deletion.before == created
    buttons = _restore_buttons(soup(editor.get("/editor/tiny/history?kind=character&key=mae-holt")))
    editor.post("/editor/tiny/history/restore", data=buttons[str(deletion.id), "before"])
    page = soup(editor.get("/editor/tiny/characters/mae-holt"))
    assert page.h1.text == "Mae Holt"
    assert page.find("textarea", {"name": "bios-0-text"}).text.strip() == "She runs the ferry."
    assert _revisions(tiny)[-1].after == created


def test_a_deleted_plot_point_comes_back_in_its_place(editor, tiny):
    submit(editor, "/editor/tiny/plot-points/s1e2-owen-marsh-says", selector="form.delete-form")
    deletion = _revisions(tiny)[-1]
    assert deletion.entity_key == "s1e2-owen-marsh-says"
    buttons = _restore_buttons(soup(editor.get("/editor/tiny/history")))
    editor.post("/editor/tiny/history/restore", data=buttons[str(deletion.id), "before"])
    with tiny.app_context():
        texts = (
            get_session()
            .scalars(
                select(PlotPoint.text).where(PlotPoint.episode_position == 2).order_by(PlotPoint.sort_order)
            )
            .all()
        )
    assert texts[1] == "Owen Marsh says he saw nothing that night."


def test_restoring_runs_the_lint_too(editor, tiny):
    submit(editor, "/editor/tiny/characters/owen-marsh", {"introduced_in": "1"})
    # Now a plot point in E1 may name Owen; then restore Owen's E2 introduction.
    submit(
        editor,
        "/editor/tiny/plot-points/s1e1-town-only-witness",
        {"text": "Owen, the innkeeper, will not talk.", "characters": ["dana-reed", "owen-marsh"]},
    )
    first = _revisions(tiny)[0]
    buttons = _restore_buttons(soup(editor.get("/editor/tiny/history?kind=character")))
    before = [r.id for r in _revisions(tiny)]
    response = editor.post("/editor/tiny/history/restore", data=buttons[str(first.id), "before"])
    assert response.status_code == 400
    assert "'owen-marsh' is introduced in 2, after this point (1)" in soup(response).text
    assert [r.id for r in _revisions(tiny)] == before


def test_bad_restore_requests_are_4xx(editor, tiny):
    submit(editor, "/editor/tiny/questions/will-sister-stay", {"text": "Will she stay?"})
    form = _restore_buttons(soup(editor.get("/editor/tiny/history")))
    data = next(iter(form.values()))
    assert editor.post("/editor/tiny/history/restore", data={**data, "revision": "999"}).status_code == 404
    assert editor.post("/editor/tiny/history/restore", data={**data, "revision": "x"}).status_code == 400
    assert editor.post("/editor/tiny/history/restore", data={**data, "which": "sideways"}).status_code == 400
    assert editor.post("/editor/nope/history/restore", data=data).status_code == 404


# --- two editors at once ---------------------------------------------------------------------------


def test_a_stale_form_gets_a_409_and_keeps_its_input(editor, tiny):
    url = "/editor/tiny/plot-points/s1e2-dana-sister-arrives"
    mine = read_form(soup(editor.get(url)).select_one("form.editor-form"))  # opened, not saved yet

    other = tiny.test_client()
    sign_in(tiny, other, make_editor(tiny, "other@example.com"))
    assert submit(other, url, {"text": "Dana's sister turns up unannounced."}).status_code == 303

    mine["text"] = ["Dana's sister arrives on the last ferry."]
    response = editor.post(url, data=mine)
    assert response.status_code == 409
    page = soup(response)
    notice = page.select_one(".notice.conflict").text
    assert "changed by other@example.com" in notice
    assert page.find("textarea", {"name": "text"}).text.strip() == (
        "Dana's sister arrives on the last ferry."
    )
    assert [[c.text for c in tr.find_all(["th", "td"])] for tr in page.select(".diff tbody tr")] == [
        ["text", "Dana's sister turns up unannounced.", "Dana's sister arrives on the last ferry."]
    ]
    with tiny.app_context():
        saved = get_session().scalar(
            select(PlotPoint.text).where(PlotPoint.episode_position == 2, PlotPoint.sort_order == 0)
        )
    assert saved == "Dana's sister turns up unannounced."  # the other editor's change stands

    # Having seen both, saving the re-rendered form is a deliberate choice: it goes through.
    again = editor.post(url, data=read_form(page.select_one("form.editor-form")))
    assert again.status_code == 303
    with tiny.app_context():
        saved = get_session().scalar(
            select(PlotPoint.text).where(PlotPoint.episode_position == 2, PlotPoint.sort_order == 0)
        )
    assert saved == "Dana's sister arrives on the last ferry."
    assert len(_revisions(tiny)) == 2


def test_a_stale_delete_is_refused(editor, tiny):
    url = "/editor/tiny/questions/will-sister-stay"
    delete = read_form(soup(editor.get(url)).select_one("form.delete-form"))
    submit(editor, url, {"text": "Will she stay after all?"})
    response = editor.post(f"{url}/delete", data=delete)
    assert response.status_code == 409
    assert _question(tiny, "will-sister-stay") is not None


def test_a_stale_restore_is_refused(editor, tiny):
    url = "/editor/tiny/questions/will-sister-stay"
    submit(editor, url, {"text": "Version two?"})
    buttons = _restore_buttons(soup(editor.get("/editor/tiny/history")))
    submit(editor, url, {"text": "Version three?"})
    response = editor.post("/editor/tiny/history/restore", data=next(iter(buttons.values())))
    assert response.status_code == 409
    assert _question(tiny, "will-sister-stay").text == "Version three?"


def test_two_editors_creating_the_same_slug(editor, tiny):
    form = read_form(soup(editor.get("/editor/tiny/questions/new")).select_one("form.editor-form"))
    submit(
        editor,
        "/editor/tiny/questions/new",
        {"slug": "who-owns-the-boat", "text": "Who owns the boat?", "raised_in": "2"},
    )
    form.update(slug=["who-owns-the-boat"], text=["Whose boat is it?"], raised_in=["2"])
    response = editor.post("/editor/tiny/questions/new", data=form)
    assert response.status_code == 400
    assert "already used" in soup(response).select_one("#slug-errors").text
    assert _question(tiny, "who-owns-the-boat").text == "Who owns the boat?"


# --- dump and load ---------------------------------------------------------------------------------


def test_dump_of_an_edited_database_loads_back_identically(editor, tiny, runner, tmp_path):
    submit(
        editor,
        "/editor/tiny/characters/new",
        {
            "slug": "mae-holt",
            "name": "Mae Holt",
            "short_names": "Mae",
            "introduced_in": "3",
            "role": "The ferry pilot",
            "bios-0-revealed_in": "3",
            "bios-0-text": "She runs the ferry.",
        },
    )
    submit(
        editor,
        "/editor/tiny/episodes/s1e3/plot-points/new",
        {"text": "Mae ferries Dana across the lake.", "characters": ["dana-reed", "mae-holt"]},
    )
    submit(
        editor, "/editor/tiny/plot-points/s1e1-dana-called-lake", selector="form.delete-form"
    )  # leaves a gap in E1's sort slots
    submit(editor, "/editor/tiny/questions/will-sister-stay", {"answered_in": "4", "answer": "She stays."})
    submit(editor, "/editor/tiny/episodes/new", {"title": "Aftermath", "release_date": "2025-02-01"})
    assert len(_revisions(tiny)) == 5

    first = tmp_path / "edited.yaml"
    result = runner.invoke(args=["content", "dump", "tiny", "-o", str(first)])
    assert result.exit_code == 0, result.output
    text = first.read_text()
    assert "Mae ferries Dana across the lake." in text and "title: Aftermath" in text
    assert "Dana is called to the lake" not in text
    assert text != TINY_PACK.read_text()

    with tiny.app_context():
        _empty_tables()
        load_packs([first])
    second = tmp_path / "again.yaml"
    assert runner.invoke(args=["content", "dump", "tiny", "-o", str(second)]).exit_code == 0
    assert second.read_bytes() == first.read_bytes()
    with tiny.app_context():
        assert get_session().scalar(select(func.count()).select_from(Revision)) == 0


def test_an_episode_added_meanwhile_makes_the_new_episode_form_stale(editor, tiny):
    form = read_form(soup(editor.get("/editor/tiny/episodes/new")).select_one("form.editor-form"))
    assert submit(editor, "/editor/tiny/episodes/new", {"title": "Aftermath"}).status_code == 303
    form["title"] = ["Epilogue"]
    response = editor.post("/editor/tiny/episodes/new", data=form)  # meant as S1E5
    assert response.status_code == 409
    page = soup(response)
    assert "someone else added one here" in page.select_one(".notice.conflict").text
    assert page.find("input", {"name": "title"})["value"] == "Epilogue"
    again = editor.post("/editor/tiny/episodes/new", data=read_form(page.select_one("form.editor-form")))
    assert again.headers["Location"] == "/editor/tiny/episodes/s1e6"


def test_forms_without_a_version_token_are_refused(editor, tiny):
    url = "/editor/tiny/questions/will-sister-stay"
    response = submit(editor, url, {"text": "Changed?", "version_token": None})
    assert response.status_code == 400
    assert "no version token; reload the page" in soup(response).select_one(".form-errors").text
    response = submit(editor, url, {"delete-version_token": None}, selector="form.delete-form")
    assert response.status_code == 400
    assert "no version token" in soup(response).select_one(".notice").text
    assert _question(tiny, "will-sister-stay").text == "Will her sister stay?"
    assert _revisions(tiny) == []
