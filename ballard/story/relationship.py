"""Relationships: who is tied to whom, in which way (ballard/vocabulary.py), from which
episode, and until which. What a tie turns out to be is a new row from the episode that
tells it, not an edit of the old one."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated

from pydantic import ValidationInfo, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from ballard.models import Character, Confidence, EntityKind, Relationship
from ballard.story.character import search_doc
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
from ballard.story.kind import SLUGGED_PAGE, TEXT, IndexEntry, LintContext, StoryKind
from ballard.vocabulary import RelationshipKind, words


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


def check(tie: RelationshipIn, context: LintContext) -> Iterator[tuple[str, str]]:
    """A relationship is never shown before both its characters are introduced."""
    for field in ("who", "whom"):
        slug = getattr(tie, field)
        introduced = context.introduced["characters"].get(slug)
        if introduced is not None and introduced > tie.revealed_in:
            yield (
                "revealed_in",
                f"{slug!r} is introduced in {introduced}, after this relationship "
                f"is shown ({tie.revealed_in})",
            )
    if tie.confidence is Confidence.UNPLACED and tie.revealed_in < (
        finale := context.finale(tie.revealed_in)
    ):
        yield "revealed_in", f"an unplaced fact must wait for the finale ({finale}), not {tie.revealed_in}"


def search(session: Session, show_id: int) -> Iterator[IndexEntry]:
    """ "Ted Rawls works for Renée Ballard. <note>" on both characters' hits, from its
    revealed_in (or the later character's introduction); that it ended is not searchable."""
    for r in session.scalars(select(Relationship).where(Relationship.show_id == show_id)):
        text = f"{r.who.name} {words(r.kind)} {r.whom.name}." + (f" {r.note}" if r.note else "")
        stamp = max(r.revealed_in, r.who.introduced_in, r.whom.introduced_in)
        for c in (r.who, r.whom):
            yield search_doc(c), TEXT, text, stamp


RELATIONSHIP = StoryKind(
    EntityKind.RELATIONSHIP.value,
    "relationship",
    RelationshipIn,
    Relationship,
    list_name="relationships",
    dump=dump,
    later=RelationshipLater,
    stamp="revealed_in",
    closing=("ended_in",),
    refs={"who": "characters", "whom": "characters"},
    fill=lambda row, data, placed: fill(row, data, placed["characters"]),
    eager=(Relationship.who, Relationship.whom),
    template=SLUGGED_PAGE,
    arg="relationship",
    check=check,
    search=search,
    api={"connections": "Who is tied to whom at h: relationships revealed by h"},
)
