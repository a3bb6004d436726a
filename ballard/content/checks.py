"""Structural rules a pack must meet that pydantic cannot see row by row: unique slugs,
references that resolve, and every stamp within the season's episodes.

Stamps are found, not listed: a field is a stamp when its column says so
(`info={"stamp": True}`, see ballard/db.py), so a new stamped field is checked too.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from ballard.content.findings import ERROR, SHOW, Entity, Finding, entities, last_position
from ballard.content.schema import PackIn
from ballard.db import stamp_columns
from ballard.story.fields import Row
from ballard.story.kinds import KINDS, SLUGGED_LISTS
from ballard.story.plot_point import PlotPointIn
from ballard.story.relationship import RelationshipIn


@cache
def stamp_fields(row_model: type[Row], table_model: type) -> tuple[str, ...]:
    """The fields of a pack row model that hold a stamp of its table."""
    stamped = {column.key for column in stamp_columns(table_model.__table__)}
    return tuple(name for name in row_model.model_fields if name in stamped)


def stamps(entity: Entity) -> Iterator[tuple[tuple[tuple[str, int], ...], str, int]]:
    """(nested row, field, value) for every stamp the entity and its stamped rows carry."""
    kind = KINDS.get(entity.kind)
    if kind is None:
        return
    for name in stamp_fields(kind.schema, kind.model):
        value = getattr(entity.data, name)
        if value is not None:
            yield (), name, value
    for list_name, table in kind.children.items():
        for index, child in enumerate(getattr(entity.data, list_name)):
            for name in stamp_fields(type(child), table):
                value = getattr(child, name)
                if value is not None:
                    yield ((list_name, index),), name, value


def check_references(pack: PackIn) -> Iterator[Finding]:
    top = last_position(pack)
    numbers = [e.number for e in pack.episodes]
    if numbers != list(range(1, len(numbers) + 1)):
        yield Finding(ERROR, SHOW, pack.show.slug, (), "episodes",
                      f"episodes must be numbered 1..{len(numbers)} in order")
    for name, kind in SLUGGED_LISTS.items():
        seen: set[str] = set()
        for row in getattr(pack, name):
            if row.slug in seen:
                yield Finding(ERROR, kind.name, row.slug, (), "slug", f"{row.slug!r} is used twice")
            seen.add(row.slug)

    storylines = {s.slug for s in pack.storylines}
    characters = {c.slug for c in pack.characters}
    for entity in entities(pack):
        for row, field, value in stamps(entity):
            if value > top:
                yield Finding(ERROR, entity.kind, entity.key, row, field,
                              f"stamp {value} is after the last episode ({top})")
        if isinstance(entity.data, PlotPointIn):
            yield from _point_references(entity, entity.data, storylines, characters)
        if isinstance(entity.data, RelationshipIn):
            for field in ("who", "whom"):
                if getattr(entity.data, field) not in characters:
                    yield Finding(ERROR, entity.kind, entity.key, (), field,
                                  f"no character with slug {getattr(entity.data, field)!r}")


def _point_references(entity: Entity, point: PlotPointIn, storylines: set[str],
                      characters: set[str]) -> Iterator[Finding]:
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
        yield problem("revealed_in",
                      f"{point.revealed_in} is before the episode itself ({entity.position})")
