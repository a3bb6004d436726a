"""Structural rules content must meet that pydantic cannot see row by row.

For a whole show (`check_references`): unique keys, references that resolve, seasons that
follow on, and every stamp within the show's episodes. For one season file
(`check_season_file`, against the seasons before it): episodes numbered from 1, every
stamp inside that season, and later-season entries only for what an earlier season
defines.

Stamps are found, not listed: a field is a stamp when its column says so
(`info={"stamp": True}`, see ballard/db.py), so a new stamped field is checked too.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import cast

from sqlalchemy import Table

from ballard.content.findings import ERROR, SHOW, Entity, Finding, entities
from ballard.content.schema import PackIn, ShowContent, ShowIn
from ballard.db import Base, stamp_columns
from ballard.story.fields import Row
from ballard.story.kinds import KINDS, SLUGGED_LISTS
from ballard.story.plot_point import PlotPointIn


@cache
def stamp_fields(row_model: type[Row], table_model: type[Base]) -> tuple[str, ...]:
    """The fields of a pack row model that hold a stamp of its table."""
    stamped = {column.key for column in stamp_columns(cast(Table, table_model.__table__))}
    return tuple(name for name in row_model.model_fields if name in stamped)


def stamps(entity: Entity) -> Iterator[tuple[tuple[tuple[str, int], ...], str, int]]:
    """(nested row, field, value) for every stamp the entity and its stamped rows carry
    (a full definition or a later season's entry alike)."""
    kind = KINDS.get(entity.kind)
    if kind is None:
        return
    for name in stamp_fields(type(entity.data), kind.model):
        value = getattr(entity.data, name)
        if value is not None:
            yield (), name, value
    for list_name, table in kind.children.items():
        children: list[Row] = getattr(entity.data, list_name, [])
        for index, child in enumerate(children):
            for name in stamp_fields(type(child), table):
                value = getattr(child, name)
                if value is not None:
                    yield ((list_name, index),), name, value


def _numbering(slug: str, numbers: list[int], season: int) -> Iterator[Finding]:
    if numbers != list(range(1, len(numbers) + 1)):
        yield Finding(
            ERROR,
            SHOW,
            slug,
            (),
            "episodes",
            f"season {season}'s episodes must be numbered 1..{len(numbers)} in order",
        )


def check_references(content: ShowContent) -> Iterator[Finding]:
    slug, top = content.show.slug, content.last_position
    expected_number, expected_first = 1, 1
    for season in content.seasons:
        yield from _numbering(slug, [e.number for e in season.episodes], season.number)
        if (season.number, season.first_position) != (expected_number, expected_first):
            yield Finding(
                ERROR,
                SHOW,
                slug,
                (),
                "season",
                f"season {season.number} starting at {season.first_position} does "
                f"not follow on: expected season {expected_number} starting at "
                f"{expected_first}",
            )
        expected_number, expected_first = season.number + 1, season.last_position + 1

    keyed = {name: getattr(content, name) for name in SLUGGED_LISTS}
    keyed["plot_points"] = [p for _, e, _, _ in content.episodes() for p in e.plot_points]
    for name, rows in keyed.items():
        kind = SLUGGED_LISTS[name].name if name in SLUGGED_LISTS else "plot_point"
        seen: set[str] = set()
        for row in rows:
            if row.slug in seen:
                yield Finding(ERROR, kind, row.slug, (), "slug", f"{row.slug!r} is used twice")
            seen.add(row.slug)

    yield from _former_slugs(content)
    slugs = {name: {row.slug for row in getattr(content, name)} for name in SLUGGED_LISTS}
    storylines, characters = slugs["storylines"], slugs["characters"]
    for entity in entities(content):
        for row, field, value in stamps(entity):
            if value > top:
                yield Finding(
                    ERROR,
                    entity.kind,
                    entity.key,
                    row,
                    field,
                    f"stamp {value} is after the last episode ({top})",
                )
        if isinstance(entity.data, PlotPointIn):
            yield from _point_references(entity, entity.data, storylines, characters)
        story_kind = KINDS.get(entity.kind)
        if story_kind is not None and isinstance(entity.data, story_kind.schema):
            for field, list_name in story_kind.refs.items():
                named = getattr(entity.data, field)
                if named not in slugs[list_name]:
                    label = SLUGGED_LISTS[list_name].label
                    yield Finding(
                        ERROR, entity.kind, entity.key, (), field, f"no {label} with slug {named!r}"
                    )


def _former_slugs(content: ShowContent) -> Iterator[Finding]:
    """An old address redirects to one row: never a slug in use, never two rows'."""
    for name, kind in SLUGGED_LISTS.items():
        rows = getattr(content, name)
        current = {row.slug for row in rows}
        seen: set[str] = set()
        for row in rows:
            for old in getattr(row, "former_slugs", ()):
                if old in current:
                    yield Finding(
                        ERROR,
                        kind.name,
                        row.slug,
                        (),
                        "former_slugs",
                        f"{old!r} is the slug of a {kind.label} in use; an old address must be free",
                    )
                elif old in seen:
                    yield Finding(
                        ERROR,
                        kind.name,
                        row.slug,
                        (),
                        "former_slugs",
                        f"{old!r} is a former slug of two rows; it can redirect to one only",
                    )
                seen.add(old)


def _point_references(
    entity: Entity, point: PlotPointIn, storylines: set[str], characters: set[str]
) -> Iterator[Finding]:
    def problem(field: str, message: str) -> Finding:
        return Finding(ERROR, entity.kind, entity.key, (), field, message)

    if point.storyline not in storylines:
        yield problem("storyline", f"no storyline with slug {point.storyline!r}")
    for slug in point.characters:
        if slug not in characters:
            yield problem("characters", f"no character with slug {slug!r}")
    if len(set(point.characters)) != len(point.characters):
        yield problem("characters", "a character is listed twice")
    if point.revealed_in is not None and point.revealed_in < (entity.position or 0):
        yield problem("revealed_in", f"{point.revealed_in} is before the episode itself ({entity.position})")


def check_season_file(file: PackIn, earlier: ShowContent | None) -> Iterator[Finding]:
    """What one season file must meet, given the show as its earlier seasons make it."""
    slug, season = file.show.slug, file.season
    yield from _numbering(slug, [e.number for e in file.episodes], season.number)
    if earlier is None and not isinstance(file.show, ShowIn):
        yield Finding(
            ERROR,
            SHOW,
            slug,
            (),
            "show",
            "the first season's file defines the show: give its title and premise, not its slug alone",
        )
    if earlier is not None and isinstance(file.show, ShowIn):
        yield Finding(
            ERROR,
            SHOW,
            slug,
            (),
            "show",
            f"season {season.number}'s file names "
            "its show by slug alone (show: {slug: ...}); season 1 defines it",
        )
    number, first = (earlier.seasons[-1].number + 1, earlier.last_position + 1) if earlier else (1, 1)
    if (season.number, season.first_position) != (number, first):
        yield Finding(
            ERROR,
            SHOW,
            slug,
            (),
            "season",
            f"season {season.number} starting at {season.first_position} does not "
            f"follow on: expected season {number} starting at {first}",
        )
        return  # every stamp would be reported outside the season as well
    low = 0 if season.first_position == 1 else season.first_position
    for entity in entities(file):
        for row, field, value in stamps(entity):
            if not low <= value <= file.last_position:
                yield Finding(
                    ERROR,
                    entity.kind,
                    entity.key,
                    row,
                    field,
                    f"stamp {value} is outside season {season.number} "
                    f"({season.first_position}..{file.last_position}); it belongs "
                    "in the file of the season it falls in",
                )
    for name, kind in SLUGGED_LISTS.items():
        defined = {row.slug for row in getattr(earlier, name)} if earlier else set()
        here: set[str] = set()
        for row in getattr(file, name):
            full = isinstance(row, kind.schema)
            if full and row.slug in here:
                yield Finding(ERROR, kind.name, row.slug, (), "slug", f"{row.slug!r} is used twice")
            here.add(row.slug)
            if full and row.slug in defined:
                yield Finding(
                    ERROR,
                    kind.name,
                    row.slug,
                    (),
                    "slug",
                    (
                        f"an earlier season defines {row.slug!r}; list only its slug and its "
                        f"rows new in season {season.number}"
                    ),
                )
            if not full and row.slug not in defined:
                yield Finding(
                    ERROR,
                    kind.name,
                    row.slug,
                    (),
                    "slug",
                    (f"no earlier season defines {row.slug!r}, so it needs its full definition here"),
                )
