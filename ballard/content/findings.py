"""Findings about a pack, as data: which entity (kind and natural key), which nested row,
which field, and what is wrong. The CLI prints them; the editor places them next to the
field they name without parsing any text.

Natural keys within a pack: a slug; an episode code ("s1e3"); for a plot point its
episode code and its index in that episode's list ("s1e3/2"). The show itself is kind
"show" with its slug.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ballard.content.schema import PackIn
from ballard.story.fields import Row, episode_code
from ballard.story.kinds import KINDS, SLUGGED_LISTS

ERROR, WARNING = "error", "warning"
SHOW = "show"


@dataclass(frozen=True)
class Finding:
    level: str  # ERROR or WARNING
    kind: str  # "show", or a story kind's name ("plot_point")
    key: str
    row: tuple[tuple[str, int], ...]  # a nested stamped row, e.g. (("bios", 1),); () for none
    field: str
    message: str

    @property
    def nested(self) -> str:
        """'bios[1]', or '' for the entity itself."""
        return ".".join(f"{name}[{index}]" for name, index in self.row)

    @property
    def where(self) -> str:
        """'character ted-rawls, bios[1], field text'."""
        label = KINDS[self.kind].label if self.kind in KINDS else self.kind
        parts = [f"{label} {self.key}", self.nested, f"field {self.field}"]
        return ", ".join(p for p in parts if p)

    @property
    def identity(self) -> tuple[str, str, tuple[tuple[str, int], ...], str, str]:
        """What makes two findings the same one (before and after an edit)."""
        return self.kind, self.key, self.row, self.field, self.message

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.message}"


@dataclass(frozen=True)
class Entity:
    """One entity of a pack, with what the checks need to know of its place."""

    kind: str
    key: str
    data: Row
    position: int | None = None  # an episode's position; a plot point's episode's


def episode_position(pack: PackIn, number: int) -> int:
    return pack.season.first_position + number - 1


def last_position(pack: PackIn) -> int:
    return pack.season.first_position + len(pack.episodes) - 1


def entities(pack: PackIn) -> Iterator[Entity]:
    """Every entity of the pack, in pack order."""
    yield Entity(SHOW, pack.show.slug, pack.show, 0)
    for name, kind in SLUGGED_LISTS.items():
        for row in getattr(pack, name):
            yield Entity(kind.name, row.slug, row)
    for episode in pack.episodes:
        code = episode_code(pack.season.number, episode.number)
        position = episode_position(pack, episode.number)
        yield Entity("episode", code, episode, position)
        for index, point in enumerate(episode.plot_points):
            yield Entity("plot_point", f"{code}/{index}", point, position)
