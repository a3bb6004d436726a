"""The spoiler lint runs on every save: errors the change would cause block it (nothing
written, the reason next to the form); warnings are shown after saving."""

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from ballard.cli import load_packs
from ballard.db import get_session
from ballard.models import Character, ContentVersion, PlotPoint, Revision
from tests.conftest import TINY_PACK, make_editor, sign_in, submit


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _snapshot(app):
    """What a blocked change must leave untouched."""
    with app.app_context():
        s = get_session()
        return (
            s.scalar(select(ContentVersion.version)),
            s.scalar(select(func.count()).select_from(Revision)),
            sorted(s.scalars(select(PlotPoint.text))),
            sorted(s.execute(select(Character.slug, Character.introduced_in)).all()),
        )


def test_a_spoiler_in_a_plot_point_is_blocked_next_to_its_field(editor, tiny):
    before = _snapshot(tiny)
    response = submit(
        editor,
        "/editor/tiny/plot-points/s1e1-dana-called-lake",
        {"text": "Dana is called to the lake, where The Boatman waits."},
    )
    assert response.status_code == 400
    page = soup(response)
    assert [li.text for li in page.select("#text-errors li")] == [
        "shown from 1 but names 'The Boatman' (alias of 'owen-marsh', revealed in 3)"
    ]
    assert "Not saved" in page.select_one(".notice.blocked").text
    # The editor's text is still in the form, to fix rather than retype.
    assert "where The Boatman waits" in page.find("textarea", {"name": "text"}).text
    assert _snapshot(tiny) == before


def test_a_reference_to_a_later_episode_is_blocked(editor, tiny):
    before = _snapshot(tiny)
    response = submit(
        editor,
        "/editor/tiny/plot-points/s1e2-dana-sister-arrives",
        {"text": "Dana's sister arrives, as she will again in E4."},
    )
    assert response.status_code == 400
    assert "refers to a later episode ('E4')" in soup(response).select_one("#text-errors").text
    assert _snapshot(tiny) == before


def test_an_edit_that_makes_other_rows_leak_is_blocked_with_the_rows_named(editor, tiny):
    before = _snapshot(tiny)
    response = submit(editor, "/editor/tiny/characters/owen-marsh", {"introduced_in": "3"})
    assert response.status_code == 400
    problems = [li.text for li in soup(response).select(".notice.blocked li")]
    assert (
        "plot point s1e2-owen-marsh-says, field characters: 'owen-marsh' is introduced in 3, "
        "after this point (2)"
    ) in problems
    assert any("field text: shown from 2 but names 'Owen Marsh'" in p for p in problems)
    # The character's own stamped rows now predate it: shown above their lists.
    bio_problems = [li.text for li in soup(response).select("#bios-errors li")]
    assert bio_problems == ["bios[0], revealed_in: 2 is before the character is introduced (3)"]
    assert _snapshot(tiny) == before


def test_a_spoiler_in_a_stamped_row_is_shown_above_its_list(editor, tiny):
    response = submit(
        editor,
        "/editor/tiny/characters/owen-marsh",
        {"bios-0-text": "He runs the inn, and they call him The Boatman."},
    )
    assert response.status_code == 400
    assert [li.text for li in soup(response).select("#bios-errors li")] == [
        "bios[0], text: shown from 2 but names 'The Boatman' (alias of 'owen-marsh', revealed in 3)"
    ]


def test_an_unplaced_fact_before_the_finale_is_blocked(editor, tiny):
    response = submit(editor, "/editor/tiny/plot-points/s1e2-owen-marsh-says", {"confidence": "unplaced"})
    assert response.status_code == 400
    assert soup(response).select_one("#revealed_in-errors").text.strip() == (
        "an unplaced fact must wait for the finale (4), not 2"
    )


def test_warnings_are_shown_after_saving(editor, tiny):
    response = submit(
        editor,
        "/editor/tiny/storylines/new",
        {"slug": "the-boat", "title": "The boat", "summary": "A boat nobody owns.", "introduced_in": "2"},
    )
    assert response.status_code == 303
    page = soup(editor.get(response.headers["Location"]))
    assert [li.text for li in page.select(".flash-warning")] == [
        "Lint warning: storyline the-boat, field statuses: no status rows: the case shows no status"
    ]
    assert "Storyline saved." in page.select_one(".flash-success").text


def test_errors_already_in_the_data_do_not_block_unrelated_edits_or_their_fix(app, client, tmp_path):
    leaky = tmp_path / "leaky.yaml"
    leaky.write_text(
        TINY_PACK.read_text().replace(
            "text: The town's only witness will not talk.",
            "text: The town's only witness, The Boatman, will not talk.",
        )
    )
    with app.app_context():
        load_packs([leaky])  # loading does not lint; `content lint` and the editor do
    sign_in(app, client, make_editor(app))
    overview = soup(client.get("/editor/tiny/"))
    assert "names 'The Boatman'" in overview.select_one(".lint-findings").text

    unrelated = submit(client, "/editor/tiny/questions/will-sister-stay", {"text": "Will she stay?"})
    assert unrelated.status_code == 303
    fix = submit(
        client,
        "/editor/tiny/plot-points/s1e1-town-only-witness",
        {"text": "The town's only witness will not talk."},
    )
    assert fix.status_code == 303
    assert soup(client.get("/editor/tiny/")).select_one(".lint-findings") is None
