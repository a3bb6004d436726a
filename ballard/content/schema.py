"""The content pack format: a show, one season, and its story rows.

Each story kind's rows are defined once, in its own module under ballard/story/; this
module only puts them together (and keeps the names importable from here).
pydantic reports every error with its location (episodes -> 3 -> plot_points -> 2 ->
level), which is what an editor needs to find the bad row.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ballard.story.character import AliasIn, BioIn, CharacterIn, CharacterStatusIn
from ballard.story.fields import Row
from ballard.story.plot_point import PlotPointIn
from ballard.story.question import QuestionIn
from ballard.story.relationship import RelationshipIn
from ballard.story.show import RESERVED_SHOW_SLUGS, EpisodeIn, SeasonIn, ShowIn
from ballard.story.storyline import StorylineIn, StorylineStatusIn

__all__ = [
    "RESERVED_SHOW_SLUGS", "AliasIn", "BioIn", "CharacterIn", "CharacterStatusIn", "EpisodeIn",
    "PackIn", "PlotPointIn", "QuestionIn", "RelationshipIn", "SeasonIn", "ShowIn", "StorylineIn",
    "StorylineStatusIn",
]


class PackIn(Row):
    format: Annotated[int, Field(ge=1, le=1)]
    show: ShowIn
    season: SeasonIn
    storylines: list[StorylineIn] = []
    characters: list[CharacterIn] = []
    episodes: list[EpisodeIn]
    questions: list[QuestionIn] = []
    relationships: list[RelationshipIn] = []
