"""The registry of story kinds: for each, its pack model, its table, where the pack keeps
it and which nested lists hold its stamped rows. The pack checks, the lint and the editor
read it instead of naming each kind's fields themselves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ballard.db import Base
from ballard.models import (
    Character,
    CharacterAlias,
    CharacterBio,
    CharacterStatus,
    EntityKind,
    Episode,
    PlotPoint,
    Question,
    Relationship,
    Storyline,
    StorylineStatus,
)
from ballard.story.character import CharacterIn
from ballard.story.fields import Row
from ballard.story.plot_point import PlotPointIn
from ballard.story.question import QuestionIn
from ballard.story.relationship import RelationshipIn
from ballard.story.show import EpisodeIn
from ballard.story.storyline import StorylineIn


@dataclass(frozen=True)
class StoryKind:
    name: str  # as in revisions and findings: "plot_point"
    label: str  # as people read it: "plot point"
    schema: type[Row]
    model: type[Base]
    # nested list field -> the table of its stamped rows: "bios" -> CharacterBio
    children: Mapping[str, type[Base]] = field(default_factory=dict)


EPISODE = StoryKind(EntityKind.EPISODE.value, "episode", EpisodeIn, Episode)
STORYLINE = StoryKind(
    EntityKind.STORYLINE.value, "storyline", StorylineIn, Storyline, {"statuses": StorylineStatus}
)
CHARACTER = StoryKind(
    EntityKind.CHARACTER.value,
    "character",
    CharacterIn,
    Character,
    {"bios": CharacterBio, "statuses": CharacterStatus, "aliases": CharacterAlias},
)
PLOT_POINT = StoryKind(EntityKind.PLOT_POINT.value, "plot point", PlotPointIn, PlotPoint)
QUESTION = StoryKind(EntityKind.QUESTION.value, "question", QuestionIn, Question)
RELATIONSHIP = StoryKind(EntityKind.RELATIONSHIP.value, "relationship", RelationshipIn, Relationship)

KINDS: dict[str, StoryKind] = {
    k.name: k for k in (EPISODE, STORYLINE, CHARACTER, PLOT_POINT, QUESTION, RELATIONSHIP)
}
# The kinds the pack lists at the top level by slug, and the list each is in.
SLUGGED_LISTS: dict[str, StoryKind] = {
    "storylines": STORYLINE,
    "characters": CHARACTER,
    "questions": QUESTION,
    "relationships": RELATIONSHIP,
}
