"""The content formats: a season file as editors write it, and a whole show as the
loader, the checks and the lint see it.

A season file (`ballard/content/<show>/season-<n>.yaml`) holds exactly the rows stamped
in that season's episodes: storylines, characters and questions it introduces in full,
and for one an earlier season defines, an entry with its slug and its new stamped rows
only (a question's answer, a relationship's end). `ShowContent` is every season of a
show merged (ballard/content/seasons.py merges and splits them), so the checks, the lint
and the loader look at one whole show.

Each story kind's rows are defined once, in its own module under ballard/story/; this
module only puts them together. pydantic reports every error with its location
(episodes -> 3 -> plot_points -> 2 -> level), which is what an editor needs to find it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, TypeAlias

from pydantic import Discriminator, Field, GetCoreSchemaHandler, Tag
from pydantic_core import CoreSchema

from ballard.story.character import (
    AliasIn,
    BioIn,
    CharacterIn,
    CharacterLater,
    CharacterStatusIn,
)
from ballard.story.fields import Row, Slug, episode_code
from ballard.story.kinds import SLUGGED_LISTS, StoryKind
from ballard.story.plot_point import PlotPointIn
from ballard.story.question import QuestionIn, QuestionLater
from ballard.story.relationship import RelationshipIn, RelationshipLater
from ballard.story.show import RESERVED_SHOW_SLUGS, EpisodeIn, SeasonIn, ShowIn
from ballard.story.storyline import StorylineIn, StorylineLater, StorylineStatusIn

__all__ = [
    "RESERVED_SHOW_SLUGS",
    "AliasIn",
    "BioIn",
    "CharacterIn",
    "CharacterLater",
    "CharacterStatusIn",
    "EpisodeIn",
    "PackIn",
    "PlotPointIn",
    "QuestionIn",
    "QuestionLater",
    "RelationshipIn",
    "RelationshipLater",
    "SeasonContent",
    "SeasonIn",
    "ShowContent",
    "ShowIn",
    "ShowRef",
    "StorylineIn",
    "StorylineLater",
    "StorylineStatusIn",
]

# pydantic puts the chosen tag in error locations; readers of errors skip these.
DEFINITION, LATER = "definition", "later"
UNION_TAGS = frozenset({DEFINITION, LATER})


class ShowRef(Row):
    """How a later season's file names its show: by slug alone."""

    slug: Slug


def _by_field(name: str) -> Discriminator:
    """A full definition carries `name` (a title, a name, a text); a later entry does not."""

    def pick(value: Any) -> str:
        present = name in value if isinstance(value, dict) else hasattr(value, name)
        return DEFINITION if present else LATER

    return Discriminator(pick)


# A full entry or a later season's reference to it, told apart by whether `field` is there.
ShowEntry: TypeAlias = Annotated[
    Annotated[ShowIn, Tag(DEFINITION)] | Annotated[ShowRef, Tag(LATER)], _by_field("title")
]


def _entry(kind: StoryKind) -> Any:
    """A slugged kind's entry in a season file: its full definition (`schema`) or a later
    season's entry for it (`later`), told apart by the first field only a definition has
    (a storyline's title, a character's name)."""
    assert kind.later is not None, kind.name
    marker = next(name for name in kind.schema.model_fields if name not in kind.later.model_fields)
    return Annotated[
        Annotated[kind.schema, Tag(DEFINITION)] | Annotated[kind.later, Tag(LATER)], _by_field(marker)
    ]


@dataclass(frozen=True)
class Entries:
    """Marks a season file's list of a slugged kind: pydantic validates it as a list of the
    kind's entries, built from the registry (to type checkers, a list of Any: the lists are
    read by name, as the registry says)."""

    list_name: str

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return handler.generate_schema(list[_entry(SLUGGED_LISTS[self.list_name])])  # type: ignore[misc]


class PackIn(Row):
    """One season file."""

    format: Annotated[int, Field(ge=1, le=1)]
    show: ShowEntry
    season: SeasonIn
    storylines: Annotated[list[Any], Entries("storylines")] = []
    characters: Annotated[list[Any], Entries("characters")] = []
    episodes: list[EpisodeIn]
    questions: Annotated[list[Any], Entries("questions")] = []
    relationships: Annotated[list[Any], Entries("relationships")] = []

    @property
    def last_position(self) -> int:
        return self.season.first_position + len(self.episodes) - 1


class SeasonContent(Row):
    number: int
    first_position: int
    episodes: list[EpisodeIn]

    @property
    def last_position(self) -> int:
        return self.first_position + len(self.episodes) - 1

    def position(self, number: int) -> int:
        return self.first_position + number - 1


class ShowContent(Row):
    """A whole show: every season's episodes, and each entity with all its rows."""

    show: ShowIn
    seasons: list[SeasonContent]
    storylines: list[StorylineIn] = []
    characters: list[CharacterIn] = []
    questions: list[QuestionIn] = []
    relationships: list[RelationshipIn] = []

    @property
    def last_position(self) -> int:
        return self.seasons[-1].last_position if self.seasons else 0

    def episodes(self) -> Iterator[tuple[SeasonContent, EpisodeIn, int, str]]:
        """(season, episode, position, code) for every episode in show order."""
        for season in self.seasons:
            for episode in season.episodes:
                yield (
                    season,
                    episode,
                    season.position(episode.number),
                    episode_code(season.number, episode.number),
                )

    def season_of(self, position: int) -> SeasonContent | None:
        """The season an episode position falls in; stamp 0 (the premise) is the first's."""
        for season in self.seasons:
            if position <= season.last_position:
                return season
        return None
