"""Storylines (cases): a title and summary from their introduction, and stamped status rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ballard.models import CaseStatus, EntityKind, Storyline, StorylineStatus
from ballard.story.fields import (
    MAX_ROWS,
    Editor,
    Row,
    ShortText,
    Shown,
    Slug,
    Stamp,
    Text,
    by_stamp,
)
from ballard.story.kind import NAME, SLUGGED_PAGE, TEXT, IndexEntry, SearchDoc, StoryKind


class StorylineStatusIn(Row):
    revealed_in: Annotated[Stamp, Editor("Shown from")]
    status: Annotated[CaseStatus, Editor("Status")]
    note: Annotated[Text | None, Shown("revealed_in"), Editor("Note", lines=2)] = None


class StorylineIn(Row):
    slug: Annotated[Slug, Shown("introduced_in")]  # in the addresses of its pages
    title: Annotated[ShortText, Shown("introduced_in"), Editor("Title")]
    introduced_in: Annotated[Stamp, Editor("Introduced in")]
    summary: Annotated[
        Text,
        Shown("introduced_in"),
        Editor("Summary", hint="One sentence, safe for a viewer at its stamp.", lines=3),
    ]
    statuses: Annotated[list[StorylineStatusIn], Field(max_length=MAX_ROWS), Editor("Case status")] = []


def fill(row: Storyline, data: StorylineIn) -> None:
    """Make `row` say what `data` says (pack loads and editor saves alike)."""
    row.title, row.summary, row.introduced_in = data.title, data.summary, data.introduced_in
    row.statuses = [
        StorylineStatus(revealed_in=s.revealed_in, status=s.status, note=s.note)
        for s in by_stamp(data.statuses)
    ]


def dump(row: Storyline) -> StorylineIn:
    """The row as the pack (and the editor's snapshot) has it."""
    return StorylineIn(
        slug=row.slug,
        title=row.title,
        introduced_in=row.introduced_in,
        summary=row.summary,
        statuses=[
            StorylineStatusIn(revealed_in=s.revealed_in, status=s.status, note=s.note) for s in row.statuses
        ],
    )


class StorylineLater(Row):
    """A storyline an earlier season defines, in a later season's file: only the status
    rows stamped in that season."""

    slug: Slug
    statuses: Annotated[list[StorylineStatusIn], Field(max_length=MAX_ROWS)] = []


def search(session: Session, show_id: int) -> Iterator[IndexEntry]:
    """Its title and summary, from its introduction."""
    for s in session.scalars(select(Storyline).where(Storyline.show_id == show_id)):
        doc = SearchDoc(f"storyline:{s.slug}", "storyline", s.slug, s.title, s.sort_order)
        yield doc, NAME, s.title, s.introduced_in
        yield doc, TEXT, s.summary, s.introduced_in


STORYLINE = StoryKind(
    EntityKind.STORYLINE.value,
    "storyline",
    StorylineIn,
    Storyline,
    {"statuses": StorylineStatus},
    list_name="storylines",
    dump=dump,
    later=StorylineLater,
    stamp="introduced_in",
    fill=lambda row, data, placed: fill(row, data),
    eager=(Storyline.statuses,),
    lead=("title", "summary"),
    template=SLUGGED_PAGE,
    arg="storyline",
    warn_empty={"statuses": "no status rows: the case shows no status"},
    search=search,
    api={
        "storylines": "Storylines introduced by h, with their status as of h",
        "storyline": "One storyline: status history and plot points up to h",
    },
)
