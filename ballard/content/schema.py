"""The content pack format as pydantic models: one place that says what a valid pack is.

pydantic reports every error with its location (episodes -> 3 -> plot_points -> 2 -> level),
which is what an editor needs to find the bad row.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from ballard.models import CaseStatus, Confidence, SpoilerLevel

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Stamp = Annotated[int, Field(ge=0)]
EpisodeStamp = Annotated[int, Field(ge=1)]


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# First path segments the app itself uses; a show there would be unreachable.
RESERVED_SHOW_SLUGS = frozenset({"api", "auth", "editor", "static", "healthz"})


class ShowIn(Row):
    slug: Slug
    title: ShortText
    network: ShortText | None = None
    premise: Text

    @field_validator("slug")
    @classmethod
    def _not_reserved(cls, slug: str) -> str:
        if slug in RESERVED_SHOW_SLUGS:
            raise ValueError(f"{slug!r} is a reserved address; choose another slug")
        return slug


class SeasonIn(Row):
    number: Annotated[int, Field(ge=1)]
    first_position: EpisodeStamp


class StorylineStatusIn(Row):
    revealed_in: Stamp
    status: CaseStatus
    note: Text | None = None


class StorylineIn(Row):
    slug: Slug
    title: ShortText
    introduced_in: Stamp
    summary: Text
    statuses: list[StorylineStatusIn] = []


class BioIn(Row):
    revealed_in: Stamp
    text: Text


class CharacterStatusIn(Row):
    revealed_in: Stamp
    status: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    note: Text | None = None


class AliasIn(Row):
    revealed_in: Stamp
    alias: ShortText


class CharacterIn(Row):
    slug: Slug
    name: ShortText
    short_names: list[ShortText] = []
    introduced_in: Stamp
    role: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    actor: ShortText | None = None
    bios: list[BioIn] = []
    statuses: list[CharacterStatusIn] = []
    aliases: list[AliasIn] = []


class PlotPointIn(Row):
    storyline: Slug
    level: SpoilerLevel
    characters: list[Slug] = []
    text: Text
    confidence: Confidence = Confidence.SURE
    sources: list[ShortText] = []
    revealed_in: EpisodeStamp | None = None


class EpisodeIn(Row):
    number: Annotated[int, Field(ge=1)]
    title: ShortText | None = None
    release_date: dt.date | None = None
    runtime_minutes: Annotated[int, Field(ge=1, le=600)] | None = None
    writer: ShortText | None = None
    director: ShortText | None = None
    plot_points: list[PlotPointIn] = []


class QuestionIn(Row):
    slug: Slug
    text: Text
    raised_in: EpisodeStamp
    answered_in: EpisodeStamp | None = None
    answer: Text | None = None
    confidence: Confidence = Confidence.SURE
    sources: list[ShortText] = []

    @model_validator(mode="after")
    def _answer_with_stamp(self) -> QuestionIn:
        if (self.answered_in is None) != (self.answer is None):
            raise ValueError("answered_in and answer go together: give both or neither")
        return self


class PackIn(Row):
    format: Annotated[int, Field(ge=1, le=1)]
    show: ShowIn
    season: SeasonIn
    storylines: list[StorylineIn] = []
    characters: list[CharacterIn] = []
    episodes: list[EpisodeIn]
    questions: list[QuestionIn] = []
