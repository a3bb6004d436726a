"""Relationships: who is tied to whom, in which way (ballard/vocabulary.py), from which
episode, and until which. What a tie turns out to be is a new row from the episode that
tells it, not an edit of the old one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from pydantic import ValidationInfo, field_validator

from ballard.models import Character, Confidence, Relationship
from ballard.story.fields import (
    Editor,
    EpisodeStamp,
    NotLinted,
    Ref,
    Row,
    Shown,
    Slug,
    Sources,
    Text,
)
from ballard.vocabulary import RelationshipKind


class RelationshipIn(Row):
    slug: Annotated[Slug, NotLinted("never shown: the pack's and the editor's key")]
    who: Annotated[Slug, Ref("character"), Editor("Who")]
    kind: Annotated[
        RelationshipKind, Editor("Kind", hint="Read as: who <kind> whom, such as “Rawls works for Ballard”.")
    ]
    whom: Annotated[Slug, Ref("character"), Editor("Whom")]
    note: Annotated[
        Text | None,
        Shown("revealed_in"),
        Editor("Note", hint="Optional, in our own words, safe at the episode below.", lines=2),
    ] = None
    revealed_in: Annotated[
        EpisodeStamp, Editor("Shown from", hint="Never before both characters are introduced.")
    ]
    ended_in: Annotated[
        EpisodeStamp | None, Editor("Ended in", hint="A partnership over, a romance stopped, a death.")
    ] = None
    confidence: Annotated[Confidence, Editor("Confidence")] = Confidence.SURE
    sources: Sources = []

    @field_validator("whom")
    @classmethod
    def _two_characters(cls, value: str, info: ValidationInfo) -> str:
        if value == info.data.get("who"):
            raise ValueError("A relationship ties two different characters.")
        return value

    @field_validator("ended_in")
    @classmethod
    def _ends_after_it_is_shown(cls, value: int | None, info: ValidationInfo) -> int | None:
        revealed = info.data.get("revealed_in")
        if value is not None and revealed is not None and value <= revealed:
            raise ValueError(f"It can only end after the episode it is shown from (E{revealed}).")
        return value


def fill(row: Relationship, data: RelationshipIn, characters: Mapping[str, Character]) -> None:
    """Make `row` say what `data` says; `characters` resolve its two slugs."""
    row.who, row.whom = characters[data.who], characters[data.whom]
    row.kind, row.note = data.kind, data.note
    row.revealed_in, row.ended_in = data.revealed_in, data.ended_in
    row.confidence, row.sources = data.confidence, list(data.sources)


def dump(row: Relationship) -> RelationshipIn:
    """The row as the pack (and the editor's snapshot) has it."""
    return RelationshipIn(
        slug=row.slug,
        who=row.who.slug,
        kind=row.kind,
        whom=row.whom.slug,
        note=row.note,
        revealed_in=row.revealed_in,
        ended_in=row.ended_in,
        confidence=row.confidence,
        sources=row.sources,
    )


class RelationshipLater(Row):
    """A relationship an earlier season shows, in the file of the season that ends it."""

    slug: Slug
    ended_in: EpisodeStamp
