"""Content packs: validation with useful messages, idempotent load, byte-exact dump."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from ballard.cli import load_packs
from ballard.content import shipped_packs
from ballard.content.pack import PackError, parse_pack
from ballard.db import get_session
from ballard.models import Character, ContentVersion, PlotPoint, Show
from tests.conftest import TINY_PACK


def _counts():
    session = get_session()
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (Show, Character, PlotPoint)
    }


def test_load_then_dump_reproduces_the_file(tiny, runner, tmp_path):
    out = tmp_path / "dump.yaml"
    result = runner.invoke(args=["content", "dump", "tiny", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == TINY_PACK.read_bytes()


def test_dump_loads_back_into_an_empty_database(tiny, runner, tmp_path, app):
    out = tmp_path / "dump.yaml"
    runner.invoke(args=["content", "dump", "tiny", "-o", str(out)])
    with app.app_context():
        session = get_session()
        session.delete(session.scalar(select(Show)))
        session.commit()
        load_packs([out])
        session.expire_all()
    again = tmp_path / "again.yaml"
    runner.invoke(args=["content", "dump", "tiny", "-o", str(again)])
    assert again.read_bytes() == TINY_PACK.read_bytes()


def test_load_is_idempotent(tiny, app):
    with app.app_context():
        before = _counts()
        version = get_session().get(ContentVersion, 1).version
        assert load_packs([TINY_PACK]) == [f"tiny: unchanged (content version {version})"]
        assert _counts() == before


def test_changed_pack_updates_rows_and_bumps_version(tiny, app, tmp_path):
    changed = tmp_path / "changed.yaml"
    changed.write_text(TINY_PACK.read_text().replace("Guests", "Visitors"))
    with app.app_context():
        version = get_session().get(ContentVersion, 1).version
        load_packs([changed])
        session = get_session()
        session.expire_all()
        assert session.get(ContentVersion, 1).version == version + 1
        titles = [e.title for e in session.scalar(select(Show)).episodes]
        assert titles[1] == "Visitors"


def test_removed_rows_are_deleted(tiny, app, tmp_path):
    text = TINY_PACK.read_text()
    start = text.index("- slug: will-sister-stay")
    smaller = tmp_path / "smaller.yaml"
    smaller.write_text(text[:start].rstrip() + "\n")
    with app.app_context():
        load_packs([smaller])
        from ballard.models import Question

        slugs = get_session().scalars(select(Question.slug)).all()
    assert "will-sister-stay" not in slugs


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "level: twist",
            "level: huge",
            "row episodes[1].plot_points[2] (slug 's1e2-owen-seen-rowing'), field level",
        ),
        ("storyline: the-family", "storyline: nope", "field storyline: no storyline with slug 'nope'"),
        ("characters: [owen-marsh]", "characters: [nobody]", "no character with slug 'nobody'"),
        ("  raised_in: 2\n", "  raised_in: 9\n", "stamp 9 is outside season 1 (1..4)"),
        (
            "sure\n    revealed_in: 3\n",
            "sure\n    revealed_in: 1\n",
            "field revealed_in: 1 is before the episode itself (2)",
        ),
        ("- slug: the-family", "- slug: the-case", "'the-case' is used twice"),
        ("title: Arrival", "title: Arrival\n  colour: blue", "row episodes[0] (number 1), field colour"),
        (
            "  answered_in: 3\n",
            "",
            "field answer: Give the answer and the episode that answers it together, or neither.",
        ),
    ],
)
def test_bad_pack_is_rejected_with_file_row_and_field(old, new, expected):
    text = TINY_PACK.read_text()
    assert old in text
    with pytest.raises(PackError) as info:
        parse_pack(text.replace(old, new, 1), source="tiny.yaml")
    message = str(info.value)
    assert message.startswith("tiny.yaml: ")
    assert expected in message


def test_bad_pack_writes_nothing(app, runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(TINY_PACK.read_text().replace("level: minor", "level: small", 1))
    result = runner.invoke(args=["content", "load", str(TINY_PACK), str(bad)])
    assert result.exit_code == 1
    assert "nothing was written" in result.output
    assert "bad.yaml" in result.output
    with app.app_context():
        assert _counts() == {"Show": 0, "Character": 0, "PlotPoint": 0}


def test_invalid_yaml_is_a_pack_error():
    with pytest.raises(PackError, match="not valid YAML"):
        parse_pack("show: [unclosed", source="x.yaml")


def test_shipped_packs_load_and_round_trip(app, runner, tmp_path):
    packs = shipped_packs()
    assert packs, "no shipped content pack found"
    result = runner.invoke(args=["content", "load"])
    assert result.exit_code == 0, result.output
    for pack in packs:
        out = tmp_path / f"{pack.parent.name}.yaml"
        result = runner.invoke(args=["content", "dump", pack.parent.name, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_bytes() == Path(pack).read_bytes(), f"{pack} does not round-trip"


def test_audit_prints_what_a_viewer_sees_and_nothing_later(tiny, runner):
    at2 = runner.invoke(args=["content", "audit", "--at", "2", "tiny"])
    assert at2.exit_code == 0, at2.output
    lines = at2.output.splitlines()
    assert lines[0] == "# Tiny Show at h = 2"
    assert "episode S1E2: Guests (released 2025-01-01)" in lines
    assert "episode S1E3: S1E3" in lines
    assert (
        "  before the next episode: Owen Marsh says he saw nothing. Dana's sister has come to stay." in lines
    )
    assert "character owen-marsh: Owen Marsh | The innkeeper" in lines
    assert "  S1E2 [major] Owen Marsh says he saw nothing that night. (with Dana Reed, Owen Marsh)" in lines
    for later in ("Boatman", "The Lake Gives Up", "rowing out", "old partner", "arrested"):
        assert later not in at2.output
    at4 = runner.invoke(args=["content", "audit", "--at", "4", "tiny"]).output
    assert "  alias: The Boatman" in at4 and "after season 1: 1 open questions" in at4
    assert "  stands Owen Marsh: arrested (S1E4) | He confesses to the killing." in at4
    assert (
        "  summary: Owen confesses that he is The Boatman, and the stranger turns out to "
        "be Dana's old partner." in at4.splitlines()
    )


def test_audit_rejects_a_bad_horizon(tiny, runner):
    result = runner.invoke(args=["content", "audit", "--at", "7", "tiny"])
    assert result.exit_code == 2 and "No show 'tiny' with an episode position '7'" in result.output


def test_reserved_show_slug_is_rejected():
    text = TINY_PACK.read_text().replace("slug: tiny", "slug: api", 1)
    with pytest.raises(PackError, match=r"row show \(slug 'api'\), field slug: 'api' is a reserved"):
        parse_pack(text, source="tiny.yaml")
