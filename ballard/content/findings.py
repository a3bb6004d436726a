"""Findings about content, as data: which entity (kind and natural key), which nested row,
which field, and what is wrong. The CLI prints them; the editor places them next to the
field they name without parsing any text.

Natural keys within a show: a slug (storylines, characters, questions and plot points);
an episode code ("s1e3"). The show itself is kind "show" with its slug.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ballard.content.schema import PackIn, ShowContent
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
    """One entity of a show or a season file, with what the checks need of its place."""

    kind: str
    key: str
    data: Row
    position: int | None = None  # an episode's position; a plot point's episode's


def entities(content: ShowContent | PackIn) -> Iterator[Entity]:
    """Every entity of a whole show or of one season file, in order."""
    yield Entity(SHOW, content.show.slug, content.show, 0)
    for name, kind in SLUGGED_LISTS.items():
        for row in getattr(content, name):
            yield Entity(kind.name, row.slug, row)
    if isinstance(content, ShowContent):
        episodes = [(e, p, c) for _, e, p, c in content.episodes()]
    else:
        first, number = content.season.first_position, content.season.number
        episodes = [(e, first + e.number - 1, episode_code(number, e.number)) for e in content.episodes]
    for episode, position, code in episodes:
        yield Entity("episode", code, episode, position)
        for point in episode.plot_points:
            yield Entity("plot_point", point.slug, point, position)
