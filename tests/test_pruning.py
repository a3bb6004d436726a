"""The master test cannot be weakened silently.

tests/test_invariance.py compares every page at h with the page rendered from a database
pruned to h, and `prune_after` finds what to prune from the stamps the schema declares.
These tests keep that honest: pruning leaves nothing stamped after h (and nothing
dangling), every story table is stamped or declared premise-level, and every column named
like a stamp declares itself. Each schema check also runs on a made-up table it must reject.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, func, or_, select
from sqlalchemy.orm import Session

from ballard.cli import load_packs
from ballard.content import shipped_packs
from ballard.db import REVEALS_INFO, STAMP_INFO, Base, get_session, stamp_columns
from ballard.models import (
    STORY_MODELS,
    Character,
    CharacterBio,
    Episode,
    PlotPoint,
    Storyline,
    StorylineStatus,
    plot_point_characters,
)
from tests.invariance import PREMISE_LEVEL, prune_after, stamped_columns

BALLARD_PACK = next(p for p in shipped_packs() if p.parent.name == "ballard")
STORY_TABLES = [m.__table__ for m in STORY_MODELS] + [plot_point_characters]
PREMISE_TABLES = {model.__tablename__: reason for model, reason in PREMISE_LEVEL.items()}
# Tables that point at story rows but hold no story facts for viewers.
NOT_STORY = {"revisions": "the editors' change history; only signed-in editors read it"}
# revealed_in, introduced_in, raised_in, answered_in, position, episode_position...
STAMP_LIKE = re.compile(r".+_in|(.+_)?position")


def _count(session: Session, table: Table, *conditions) -> int:
    return session.scalar(select(func.count()).select_from(table).where(*conditions))


# --- (a) what a pruned database holds ------------------------------------------------------


def late_rows(session: Session, h: int) -> dict[str, int]:
    """Per stamped column, how many rows a database pruned to h must not hold: a plain
    stamp after h; for a stamp that reveals columns, any of them filled in after h (or
    the stamp itself, when it may be blank)."""
    found = {}
    for column in stamped_columns():
        late = column > h
        if REVEALS_INFO in column.info and not column.nullable:
            late &= or_(*(column.table.c[name].is_not(None) for name in column.info[REVEALS_INFO]))
        if n := _count(session, column.table, late):
            found[f"{column.table.name}.{column.name}"] = n
    return found


def dangling_references(session: Session) -> dict[str, int]:
    """Per foreign key, the rows pointing at a row that is gone: what a missing ON DELETE
    CASCADE, or SQLite without foreign_keys=ON, would leave behind."""
    found = {}
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            parent = fk.column.table.alias()  # an alias, so a self-reference is not correlated
            n = _count(
                session, table, fk.parent.is_not(None), fk.parent.not_in(select(parent.c[fk.column.name]))
            )
            if n:
                found[f"{table.name}.{fk.parent.name}"] = n
    return found


@pytest.fixture
def ballard(app):
    with app.app_context():
        load_packs([BALLARD_PACK])
    return app


def test_pruning_to_h_leaves_nothing_stamped_after_h(ballard):
    with ballard.app_context():
        s = get_session()
        last = s.scalar(select(func.max(Episode.position)))
        # Not vacuous: the full pack has rows after h = 0 for every stamped column.
        assert set(late_rows(s, 0)) == {f"{c.table.name}.{c.name}" for c in stamped_columns()}
        assert _count(s, plot_point_characters) > 0
    for h in reversed(range(last + 1)):
        prune_after(ballard, h)
        with ballard.app_context():
            s = get_session()
            assert late_rows(s, h) == {}, f"pruned to h = {h}"
            assert dangling_references(s) == {}, f"pruned to h = {h}"
    with ballard.app_context():
        # Every plot point is stamped E1 or later, and its links went with it.
        assert _count(get_session(), plot_point_characters) == 0


def test_a_pruned_row_takes_the_rows_that_hang_off_it(tiny):
    """ON DELETE CASCADE really runs on this database: rows whose own stamps are in time go
    with a later parent. (The lint refuses such rows; the pruning must not lean on it.)"""
    with tiny.app_context():
        s = get_session()
        owen = s.scalar(select(Character).where(Character.slug == "owen-marsh"))  # from E2
        family = s.scalar(select(Storyline).where(Storyline.slug == "the-family"))  # from E2
        case = s.scalar(select(Storyline).where(Storyline.slug == "the-case"))  # from E1
        early = s.scalar(
            select(PlotPoint).where(PlotPoint.storyline_id == case.id, PlotPoint.revealed_in == 1).limit(1)
        )
        s.add_all(
            [
                CharacterBio(character_id=owen.id, revealed_in=1, text="Too early."),
                StorylineStatus(storyline_id=family.id, revealed_in=1, status="open"),
                PlotPoint(
                    show_id=family.show_id,
                    slug="too-early",
                    storyline_id=family.id,
                    episode_position=1,
                    revealed_in=1,
                    spoiler_level="minor",
                    sort_order=99,
                    text="Too early.",
                    confidence="sure",
                    sources=[],
                ),
            ]
        )
        s.execute(plot_point_characters.insert().values(plot_point_id=early.id, character_id=owen.id))
        s.commit()
        owen_id, family_id, early_id = owen.id, family.id, early.id
        early_links = _count(s, plot_point_characters, plot_point_characters.c.plot_point_id == early_id)
    prune_after(tiny, 1)
    with tiny.app_context():
        s = get_session()
        assert _count(s, CharacterBio.__table__, CharacterBio.character_id == owen_id) == 0
        assert _count(s, StorylineStatus.__table__, StorylineStatus.storyline_id == family_id) == 0
        assert _count(s, PlotPoint.__table__, PlotPoint.storyline_id == family_id) == 0
        # The early point keeps its other links (Dana's) and loses only Owen's.
        assert (
            _count(s, plot_point_characters, plot_point_characters.c.plot_point_id == early_id)
            == early_links - 1
        )
        assert dangling_references(s) == {}


# --- (b) every story table is pruned, or is premise-level ----------------------------------


def _is_link_table(table: Table) -> bool:
    """Each column a foreign key cascading from a stamped table: a row lives as long as
    both its ends, so pruning either end prunes it."""
    return all(
        len(column.foreign_keys) == 1
        and (fk := next(iter(column.foreign_keys))).ondelete == "CASCADE"
        and bool(stamp_columns(fk.column.table))
        for column in table.columns
    )


def unaccounted_tables(tables: list[Table], premise: dict[str, str]) -> list[str]:
    """Story tables pruning would leave whole at every h: no stamp, no premise-level
    reason, and not a link table."""
    return [
        t.name for t in tables if not stamp_columns(t) and not premise.get(t.name) and not _is_link_table(t)
    ]


def test_every_story_table_is_stamped_or_premise_level():
    assert unaccounted_tables(STORY_TABLES, PREMISE_TABLES) == []
    # The declarations are still true: a premise-level table has no stamp to prune by.
    assert [t for t in STORY_TABLES if t.name in PREMISE_TABLES and stamp_columns(t)] == []


def test_every_table_that_points_at_story_rows_is_a_story_table():
    """STORY_MODELS is the list the check above (and tests/test_architecture.py) trusts."""
    story = {t.name for t in STORY_TABLES}
    missing = sorted(
        t.name
        for t in Base.metadata.sorted_tables
        if t.name not in story
        and t.name not in NOT_STORY
        and any(fk.column.table.name in story for fk in t.foreign_keys)
    )
    assert missing == [], "add these to models.STORY_MODELS (or to NOT_STORY, with a reason)"


def _made_up_schema(info: dict | None = None, ondelete: str | None = "CASCADE") -> list[Table]:
    metadata = MetaData()
    Table(
        "people",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("introduced_in", Integer, info={STAMP_INFO: True}),
    )
    sightings = Table(
        "sightings",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("person_id", ForeignKey("people.id", ondelete=ondelete)),
        Column("seen_in", Integer, info=info or {}),
        Column("place", String),
    )
    links = Table(
        "people_links",
        metadata,
        Column("a_id", ForeignKey("people.id", ondelete=ondelete), primary_key=True),
        Column("b_id", ForeignKey("people.id", ondelete=ondelete), primary_key=True),
    )
    return [sightings, links]


def test_the_table_check_would_catch_an_unstamped_table():
    assert unaccounted_tables(_made_up_schema(), {}) == ["sightings"]
    assert unaccounted_tables(_made_up_schema({STAMP_INFO: True}), {}) == []
    assert unaccounted_tables(_made_up_schema(), {"sightings": "known from the premise"}) == []
    assert unaccounted_tables(_made_up_schema(), {"sightings": ""}) == ["sightings"]
    # A link table whose rows would outlive their ends is not a link table.
    assert unaccounted_tables(_made_up_schema(ondelete=None), {}) == ["sightings", "people_links"]


# --- (c) every column named like a stamp is declared as one --------------------------------


def unmarked_stamps(tables: list[Table], premise: dict[str, str]) -> list[str]:
    """Integer columns named like a stamp (outside premise-level tables) without the info."""
    return [
        f"{t.name}.{c.name}"
        for t in tables
        if t.name not in premise
        for c in t.columns
        if isinstance(c.type, Integer) and STAMP_LIKE.fullmatch(c.name) and not c.info.get(STAMP_INFO)
    ]


def test_every_stamp_like_column_declares_itself():
    assert unmarked_stamps(Base.metadata.sorted_tables, PREMISE_TABLES) == []


def test_revealed_columns_can_be_blanked():
    for column in stamped_columns():
        for name in column.info.get(REVEALS_INFO, ()):
            assert name in column.table.c, f"{column.table.name}.{column.name} reveals {name}"
            assert column.table.c[name].nullable, f"{column.table.name}.{name} cannot be blank"


def test_the_column_check_would_catch_an_undeclared_stamp():
    assert unmarked_stamps(_made_up_schema(), {}) == ["sightings.seen_in"]
    assert unmarked_stamps(_made_up_schema({STAMP_INFO: True}), {}) == []
    position = Table(
        "t",
        MetaData(),
        Column("episode_position", Integer),
        Column("position", Integer),
        Column("sort_order", Integer),
        Column("login", String),
    )
    assert unmarked_stamps([position], {}) == ["t.episode_position", "t.position"]


# --- (d) a kept row shows nothing before its stamp but what is named premise-level ---------

# Columns of rows that exist from the premise (every stamp of the table reveals columns
# rather than deleting the row) that a viewer may see before the stamp, with the reason.
PREMISE_COLUMNS = {
    "episodes.number": "the code (S1E7) says an episode exists; that is premise-level",
}


def unrevealed_columns(tables: list[Table], premise_columns: dict[str, str]) -> list[str]:
    """Columns of a kept-row table that pruning would leave filled in after their stamp:
    not a key, not a stamp, not revealed by a stamp, not declared premise-level."""
    found = []
    for table in tables:
        stamps = [c for c in table.columns if c.info.get(STAMP_INFO)]
        if not stamps or any(REVEALS_INFO not in c.info for c in stamps):
            continue  # unstamped, or its rows are deleted before their stamp
        revealed = {name for c in stamps for name in c.info[REVEALS_INFO]}
        for column in table.columns:
            name = f"{table.name}.{column.name}"
            if not (
                column.primary_key
                or column.foreign_keys
                or column in stamps
                or column.name in revealed
                or premise_columns.get(name)
            ):
                found.append(name)
    return found


def test_a_kept_row_reveals_every_column_at_its_stamp():
    """A new column on a kept-row table (an episode's synopsis, say) must be named in
    its stamp's `reveals`, or pruning would keep it and the master test could not see
    a page showing it early."""
    assert unrevealed_columns(Base.metadata.sorted_tables, PREMISE_COLUMNS) == []


def test_the_kept_row_check_would_catch_a_forgotten_column():
    table = Table(
        "shows_like",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("number", Integer),
        Column("synopsis", String),
        Column("position", Integer, info={STAMP_INFO: True, REVEALS_INFO: ("title",)}),
        Column("title", String),
    )
    assert unrevealed_columns([table], {}) == ["shows_like.number", "shows_like.synopsis"]
    assert unrevealed_columns([table], {"shows_like.number": "why", "shows_like.synopsis": "why"}) == []
