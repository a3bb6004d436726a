"""Relationships: the lint, the pack, the connections page and its picture, character
pages, the API and the editor, on the tiny pack (the invariance test covers every route at
every horizon on the Ballard and canary packs)."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from pydantic import ValidationError

from ballard.cli import load_packs
from ballard.content.lint import lint_pack
from ballard.content.pack import pack_to_yaml, parse_pack, read_pack
from ballard.content.schema import CharacterIn, RelationshipIn
from ballard.views.network import DASHES, FAMILY
from ballard.vocabulary import WORDS, RelationshipKind
from tests.conftest import TINY_PACK, submit

SVG = re.compile(r"<svg class=\"network-svg\".*?</svg>", re.DOTALL)


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def texts(nodes) -> list[str]:
    return [" ".join(n.get_text(" ").split()) for n in nodes]


def _tie(**fields) -> RelationshipIn:
    data = {
        "slug": "a-tie",
        "who": "owen-marsh",
        "kind": "rival",
        "whom": "dana-reed",
        "revealed_in": 2,
        **fields,
    }
    return RelationshipIn(**data)


def _with(pack, *ties, characters=()):
    return pack.model_copy(
        update={"relationships": [*pack.relationships, *ties], "characters": [*pack.characters, *characters]}
    )


# --- the vocabulary and the pack -----------------------------------------------------------


def test_every_kind_has_words_a_family_and_a_line_style():
    assert set(WORDS) == set(RelationshipKind) == set(DASHES) == set(FAMILY)
    # Within a family of kinds (one colour), each kind has a line style of its own.
    styles = [(FAMILY[k], DASHES[k]) for k in RelationshipKind]
    assert len(styles) == len(set(styles))
    assert WORDS[RelationshipKind.WORKS_FOR].reverse == "employs"


def test_the_model_refuses_an_end_before_the_start_and_a_tie_to_oneself():
    with pytest.raises(ValidationError, match="only end after"):
        _tie(revealed_in=3, ended_in=3)
    with pytest.raises(ValidationError, match="two different characters"):
        _tie(whom="owen-marsh")
    with pytest.raises(ValidationError):
        _tie(kind="cousin")


def test_the_lint_blocks_a_relationship_before_its_characters():
    pack = read_pack(TINY_PACK)
    findings = [str(f) for f in lint_pack(_with(pack, _tie(slug="too-early", revealed_in=1)))]
    assert (
        "error: relationship too-early, field revealed_in: 'owen-marsh' is introduced in 2, "
        "after this relationship is shown (1)"
    ) in findings
    assert not [f for f in lint_pack(pack) if f.level == "error"]


def test_the_lint_checks_the_note_and_unplaced_rows():
    pack = read_pack(TINY_PACK)
    findings = [
        str(f)
        for f in lint_pack(
            _with(
                pack,
                _tie(slug="names-later", note="Known as The Boatman.", revealed_in=2),
                _tie(slug="unplaced", revealed_in=2, confidence="unplaced"),
            )
        )
    ]
    assert any("names-later, field note: shown from 2 but names 'The Boatman'" in f for f in findings)
    assert any(
        "unplaced, field revealed_in: an unplaced fact must wait for the finale" in f for f in findings
    )


def test_a_pack_naming_an_unknown_character_is_refused():
    text = pack_to_yaml(_with(read_pack(TINY_PACK), _tie(slug="ghost", whom="nobody")))
    with pytest.raises(Exception, match="relationship ghost, field whom: no character"):
        parse_pack(text)


def test_load_then_dump_is_byte_identical(tiny, runner, tmp_path):
    out = tmp_path / "tiny.yaml"
    result = runner.invoke(args=["content", "dump", "tiny", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text() == TINY_PACK.read_text()
    assert "relationships:\n- slug: owen-at-odds-with-dana\n" in out.read_text()


# --- the connections page ----------------------------------------------------------------


def test_connections_page_lists_visible_ties_with_their_end(tiny, reader):
    at1 = soup(reader.get("/tiny/at/1/connections"))
    assert at1.find("svg", class_="network-svg") is None
    assert "No connections to show yet" in at1.find("main").get_text()
    at3 = soup(reader.get("/tiny/at/3/connections"))
    rows = [texts(r.find_all(["th", "td"])) for r in at3.select(".connections-table tbody tr")]
    assert rows == [
        ["Owen Marsh", "at odds with He wants her to stop asking questions.", "Dana Reed", "S1E2", "—"]
    ]
    # Not before the episode that ends it.
    assert "ended" not in " ".join(texts(at3.select(".network-edge text")))
    at4 = soup(reader.get("/tiny/at/4/connections"))
    assert texts(at4.select(".connections-table tbody td"))[-1] == "S1E4"
    assert "rival or enemy · ended S1E4" in texts(at4.select(".network-edge text"))


def test_the_picture_links_every_node_and_tells_kinds_apart(tiny, reader):
    page = soup(reader.get("/tiny/at/4/connections"))
    svg = page.find("svg", class_="network-svg")
    assert svg["aria-labelledby"] == "network-title network-desc"
    assert svg.find("title").text == "Who is connected to whom, as of S1E4"
    assert [(a["href"], a.select_one("text.name").get_text()) for a in svg.find_all("a")] == [
        ("/tiny/at/4/characters/dana-reed#connections", "Dana Reed"),
        ("/tiny/at/4/characters/owen-marsh#connections", "Owen Marsh"),
    ]
    # A face of initials beside each name, hidden from screen readers (the name is said).
    assert [t.get_text() for t in svg.select("text.initials")] == ["DR", "OM"]
    assert all(t["aria-hidden"] == "true" for t in svg.select("text.initials"))
    edge = svg.select_one(".network-edge")
    assert edge["class"] == ["network-edge", "kind-rival", "family-conflict", "ended"]
    assert DASHES[RelationshipKind.RIVAL] == ""  # the only kind of its family: solid
    assert not edge.find("path").has_attr("stroke-dasharray")
    assert texts(page.select(".network-legend li")) == ["rival or enemy (conflict)"]


def _svg(client, url: str) -> str:
    found = SVG.search(client.get(url).get_data(as_text=True))
    assert found, url
    return found.group(0)


def test_the_picture_is_the_same_for_the_same_rows_and_ignores_later_ones(tiny, reader, tmp_path):
    before = {h: _svg(reader, f"/tiny/at/{h}/connections") for h in (2, 3, 4)}
    # Nothing visible changed between E2 and E3: only the horizon in the title and links.
    assert before[2].replace("as of S1E2", "as of S1E3").replace("/at/2/", "/at/3/") == before[3]
    # A later character and later ties (one with an early character) change nothing at h < 4.
    pack = read_pack(TINY_PACK)
    newcomer = CharacterIn(slug="mae-lark", name="Mae Lark", introduced_in=4, role="A diver")
    later = _with(
        pack,
        _tie(slug="mae-and-dana", who="mae-lark", kind="sibling", revealed_in=4),
        _tie(slug="owen-works-for-dana", kind="works-for", revealed_in=4),
        characters=[newcomer],
    )
    path = tmp_path / "later.yaml"
    path.write_text(pack_to_yaml(later))
    with tiny.app_context():
        load_packs([path])
    assert _svg(reader, "/tiny/at/2/connections") == before[2]
    assert _svg(reader, "/tiny/at/3/connections") == before[3]
    assert _svg(reader, "/tiny/at/4/connections") != before[4]
    # Loading the first pack back gives the first picture back, byte for byte.
    with tiny.app_context():
        load_packs([TINY_PACK])
    assert _svg(reader, "/tiny/at/4/connections") == before[4]


# --- character pages, the API ------------------------------------------------------------


def test_character_pages_show_connections_from_their_side(tiny, reader):
    owen = soup(reader.get("/tiny/at/4/characters/owen-marsh"))
    heading = owen.find("h2", string="Connections as of S1E4")
    items = texts(heading.find_next("ul").find_all("li"))
    assert items == [
        "at odds with Dana Reed — He wants her to stop asking questions. since S1E2 · ended in S1E4"
    ]
    dana = soup(reader.get("/tiny/at/3/characters/dana-reed"))
    items = texts(dana.find("h2", string="Connections as of S1E3").find_next("ul").find_all("li"))
    assert items == ["at odds with Owen Marsh — He wants her to stop asking questions. since S1E2"]
    early = soup(reader.get("/tiny/at/1/characters/dana-reed"))
    assert "No connections known yet." in early.find("main").get_text()


def test_api_connections_and_a_characters_connections(tiny, client):
    at3 = client.get("/api/v1/shows/tiny/at/3/connections").get_json()
    assert [c["slug"] for c in at3["characters"]] == ["dana-reed", "owen-marsh"]
    assert at3["ties"] == [
        {
            "who": {
                "slug": "owen-marsh",
                "name": "Owen Marsh",
                "url": "/api/v1/shows/tiny/at/3/characters/owen-marsh",
            },
            "kind": "rival",
            "words": "at odds with",
            "whom": {
                "slug": "dana-reed",
                "name": "Dana Reed",
                "url": "/api/v1/shows/tiny/at/3/characters/dana-reed",
            },
            "note": "He wants her to stop asking questions.",
            "since": {"position": 2, "code": "S1E2"},
            "ended": None,
        }
    ]
    assert client.get("/api/v1/shows/tiny/at/1/connections").get_json()["ties"] == []
    dana = client.get("/api/v1/shows/tiny/at/4/characters/dana-reed").get_json()["character"]
    assert [(c["other"]["slug"], c["words"], c["ended"]) for c in dana["connections"]] == [
        ("owen-marsh", "at odds with", {"position": 4, "code": "S1E4"})
    ]
    news = client.get("/api/v1/shows/tiny/at/4/episodes/s1e4").get_json()["news"]
    assert [t["kind"] for t in news["ties_ended"]] == ["rival"] and news["ties_revealed"] == []


# --- the refresher -------------------------------------------------------------------------


def test_previously_on_at_the_start_says_there_is_nothing_yet(tiny, reader):
    page = soup(reader.get("/tiny/at/0/previously"))
    assert "Nothing to refresh yet" in page.find("main").get_text()
    assert page.find("main").find("details") is None


def test_previously_on_after_an_episode(tiny, reader):
    page = soup(reader.get("/tiny/at/3/previously"))
    main = page.find("main")
    headings = texts(main.find_all("h2"))
    # No fate changed in S1E2 or S1E3: that section is left out.
    assert headings == ["On this page", "Open cases", "Still open", "The twists of S1E3", "Up next"]
    next_section = main.find("h2", string="Up next").find_parent("section")
    first = next_section.find("a")
    assert (first.get_text(), first["href"]) == ("S1E4", "/tiny/at/3/episodes")
    # Home links to it.
    home = soup(reader.get("/tiny/at/3/"))
    assert home.find("a", href="/tiny/at/3/previously") is not None


def test_previously_on_folds_the_latest_twists(tiny, reader):
    for h in range(1, 5):
        page = soup(reader.get(f"/tiny/at/{h}/previously"))
        details = page.find("details", class_="twists")
        if details is not None:
            assert details.find("summary").get_text() == "Show the twists"
            assert details.select(".twist-marker")
    finale = soup(reader.get("/tiny/at/4/previously"))
    assert "That was the finale." in finale.find("main").get_text()


# --- the editor ----------------------------------------------------------------------------


def test_the_editors_kind_choices_read_as_words(editor, tiny):
    page = soup(editor.get("/editor/tiny/relationships/new"))
    options = {o["value"]: o.get_text() for o in page.select("select[name=kind] option")}
    assert options == {kind.value: WORDS[kind].forward for kind in RelationshipKind}
    assert options["works-for"] == "works for"


def test_the_editor_creates_and_refuses_relationships(editor, tiny):
    response = submit(
        editor,
        "/editor/tiny/relationships/new",
        {
            "slug": "dana-suspects-owen",
            "who": "owen-marsh",
            "kind": "suspect-of",
            "whom": "dana-reed",
            "revealed_in": "1",
            "note": "She has her doubts.",
        },
    )
    assert response.status_code == 400  # Owen is introduced in E2
    assert "is introduced in 2, after this relationship is shown (1)" in response.get_data(as_text=True)
    response = submit(
        editor,
        "/editor/tiny/relationships/new",
        {
            "slug": "dana-suspects-owen",
            "who": "owen-marsh",
            "kind": "suspect-of",
            "whom": "dana-reed",
            "revealed_in": "3",
            "note": "She has her doubts.",
        },
    )
    assert response.headers["Location"] == "/editor/tiny/relationships/dana-suspects-owen"
    page = soup(editor.get("/tiny/at/3/connections"))
    assert "a suspect in the case of She has her doubts." in texts(page.select(".connections-table td"))
    response = submit(editor, "/editor/tiny/relationships/dana-suspects-owen", {"ended_in": "2"})
    assert response.status_code == 400
    response = submit(editor, "/editor/tiny/relationships/dana-suspects-owen", selector="form.delete-form")
    assert response.status_code == 303
    deleted = submit(editor, "/editor/tiny/characters/owen-marsh", selector="form.delete-form")
    assert deleted.status_code == 409  # he is in plot points and a relationship
