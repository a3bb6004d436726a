"""`flask content import-episodes`: HTML episode tables (Wikipedia's layout, clean and
messy) into a draft content pack."""

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from ballard.cli import load_packs
from ballard.content import shipped_packs
from ballard.content.importer import PLACEHOLDER_PREMISE, ImportProblem, import_episodes
from ballard.content.pack import PackError, parse_pack, read_pack
from ballard.db import get_session
from ballard.models import Episode

FIXTURES = Path(__file__).parent / "fixtures"
BALLARD_PACK = next(p for p in shipped_packs() if p.parent.name == "ballard")


def _import(name: str, **options):
    return import_episodes((FIXTURES / name).read_text(encoding="utf-8"), **options)


def test_a_clean_table_gives_the_episodes_of_the_shipped_pack():
    imported = _import("ballard-episodes.html")
    pack = imported.pack
    assert (pack.show.slug, pack.show.title, pack.show.premise) == ("ballard", "Ballard", PLACEHOLDER_PREMISE)
    assert (pack.season.number, pack.season.first_position) == (1, 1)
    shipped = read_pack(BALLARD_PACK)
    # Same numbers, titles, credits and dates as the hand-made pack; E9 has no title. (The
    # pack's own prose, the summaries and "before the next episode", is not in the table.)
    prose = {"plot_points": [], "summary": None, "before_next": None}
    assert [e.model_copy(update=prose) for e in shipped.episodes] == pack.episodes
    assert pack.episodes[8].title is None
    assert (pack.storylines, pack.characters, pack.questions) == ([], [], [])
    assert imported.warnings == []


def test_a_messy_table_is_cleaned_up():
    imported = _import("messy-episodes.html", season=2)
    pack = imported.pack
    assert pack.show.slug == "the-lake"  # "(TV series)" dropped; season 2 names it by slug
    assert _import("messy-episodes.html", season=1).pack.show.title == "The Lake"
    # Numbered from "No. overall" 11: season 2 starts at position 11.
    assert (pack.season.number, pack.season.first_position) == (2, 11)
    rows = [(e.number, e.title, e.director, e.writer, e.release_date) for e in pack.episodes]
    assert rows == [
        # curly quotes and a footnote marker around the title; a date from the hidden ISO span
        (1, "Cold Open", "Ann Director", "Bo Writer; Cy Writer", dt.date(2024, 3, 3)),
        # the director spans two rows; an apostrophe inside straight quotes; a day-first date
        (
            2,
            "Don't Look Back",
            "Ann Director",
            "Teleplay by: Dee Writer; Story by : Eve Writer",
            dt.date(2024, 3, 10),
        ),
        # TBA / TBD mean unknown, so they are left out
        (3, None, None, None, None),
        # an alternate title on a second line; a hidden sort key; a year is not a date
        (4, "The Reckoning", "Fay Director", "Gus Writer", None),
        # non-breaking and repeated spaces, [citation needed]
        (5, "Lake Effect", "Hal Director", "Ivy Writer", dt.date(2024, 4, 7)),
    ]
    assert imported.warnings == ["table row 7 (episode 4): release date '2024' is not a full date; left out."]


def test_the_table_option_picks_a_later_season():
    pack = _import("two-seasons.html", table=2, season=2, show_title="Harbor Lights").pack
    assert (pack.show.slug, pack.season.number, pack.season.first_position) == ("harbor-lights", 2, 3)
    assert [(e.number, e.title, e.release_date) for e in pack.episodes] == [
        (1, "Return", dt.date(2023, 2, 1)),
        (2, "High Water", dt.date(2023, 2, 8)),
    ]


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("no-episodes.html", {}, "No episode table found"),
        (
            "two-seasons.html",
            {"table": 3, "show_title": "Harbor Lights"},
            "There are 2 episode table(s); --table must be 1 to 2, not 3.",
        ),
        ("two-seasons.html", {}, "Cannot tell the show's title from the page; pass --title."),
    ],
)
def test_problems_are_explained(name, options, message):
    with pytest.raises(ImportProblem, match=message.replace("(", r"\(").replace(")", r"\)")):
        _import(name, **options)


def test_numbering_gaps_stop_the_import():
    html = (
        (FIXTURES / "two-seasons.html")
        .read_text()
        .replace('<td>2</td><td>"High Water"', '<td>3</td><td>"High Water"')
    )
    with pytest.raises(ImportProblem, match=r"must run 1..2 in order; the table has 1, 3"):
        import_episodes(html, table=2, show_title="Harbor Lights")


def test_an_overlong_title_is_refused_with_its_episode():
    html = (FIXTURES / "two-seasons.html").read_text().replace('"Pilot"', '"' + "P" * 201 + '"')
    with pytest.raises(ImportProblem, match=r"Episode 1: title: String should have at most 200"):
        import_episodes(html, show_title="Harbor Lights")


def test_hostile_spans_do_not_blow_up():
    html = (
        (FIXTURES / "two-seasons.html")
        .read_text()
        .replace("<td>January 5, 2022</td>", '<td rowspan="99999999" colspan="99999999">January 5, 2022</td>')
    )
    pack = import_episodes(html, show_title="Harbor Lights").pack
    assert [e.number for e in pack.episodes] == [1, 2]


# --- the command ---------------------------------------------------------------------------------


def test_command_writes_a_draft_pack_that_loads(app, runner, tmp_path):
    out = tmp_path / "draft.yaml"
    result = runner.invoke(
        args=[
            "content",
            "import-episodes",
            str(FIXTURES / "messy-episodes.html"),
            "--season",
            "2",
            "-o",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote 5 episodes" in result.output
    assert "release date '2024' is not a full date" in result.output
    pack = parse_pack(out.read_text(), source=str(out))  # a valid pack, as written
    assert pack.episodes[0].title == "Cold Open"
    assert pack.show.model_dump() == {"slug": pack.show.slug}  # a later season: slug alone
    with app.app_context(), pytest.raises(PackError, match="season 1 is neither loaded nor given"):
        load_packs([out])  # a season 2 needs its season 1


def test_a_multi_season_page_becomes_one_draft_per_season_that_load_together(app, runner, tmp_path):
    folder = tmp_path / "drafts"
    result = runner.invoke(
        args=[
            "content",
            "import-episodes",
            str(FIXTURES / "two-seasons.html"),
            "--title",
            "Harbor Lights",
            "--all-seasons",
            str(folder),
        ]
    )
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["season-1.yaml", "season-2.yaml"]
    second = parse_pack((folder / "season-2.yaml").read_text())
    assert (second.show.slug, second.season.number, second.season.first_position) == ("harbor-lights", 2, 3)
    with app.app_context():
        load_packs([folder / "season-1.yaml", folder / "season-2.yaml"])
        episodes = (
            get_session()
            .execute(select(Episode.position, Episode.number, Episode.title).order_by(Episode.position))
            .all()
        )
    assert [(p, n) for p, n, _ in episodes] == [(1, 1), (2, 2), (3, 1), (4, 2)]


def test_command_prints_to_standard_output(app, runner):
    result = runner.invoke(args=["content", "import-episodes", str(FIXTURES / "ballard-episodes.html")])
    assert result.exit_code == 0
    assert result.output.startswith("format: 1\nshow:\n  slug: ballard\n")
    assert "- number: 10\n  title: End of the Line\n" in result.output


def test_command_fails_clearly(app, runner):
    result = runner.invoke(args=["content", "import-episodes", str(FIXTURES / "no-episodes.html")])
    assert result.exit_code == 1
    assert "no-episodes.html: No episode table found" in result.output
