"""Questions a viewer is left with: raised in one episode, perhaps answered in a later one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from ballard.models import Confidence, EntityKind, Question
from ballard.story.fields import (
    Editor,
    EpisodeStamp,
    FormerSlugs,
    Row,
    Shown,
    Slug,
    Sources,
    Text,
)
from ballard.story.kind import SLUGGED_PAGE, TEXT, IndexEntry, LintContext, SearchDoc, StoryKind


class QuestionIn(Row):
    slug: Annotated[Slug, Shown("raised_in")]  # in the address of its page
    text: Annotated[Text, Shown("raised_in"), Editor("Question", lines=2)]
    raised_in: Annotated[EpisodeStamp, Editor("Raised in")]
    answered_in: Annotated[EpisodeStamp | None, Editor("Answered in")] = None
    # Checked even when absent: an answer and its episode go together.
    answer: Annotated[
        Text | None,
        Shown("answered_in"),
        Field(validate_default=True),
        Editor("Answer", hint="Give it together with the episode.", lines=2),
    ] = None
    confidence: Annotated[Confidence, Editor("Confidence")] = Confidence.SURE
    sources: Sources = []
    former_slugs: FormerSlugs = []

    @field_validator("answered_in")
    @classmethod
    def _not_before_raised(cls, value: int | None, info: ValidationInfo) -> int | None:
        raised = info.data.get("raised_in")
        if value is not None and raised is not None and value < raised:
            raise ValueError(f"It cannot be answered before it is raised (E{raised}).")
        return value

    @field_validator("answer")
    @classmethod
    def _with_its_episode(cls, value: str | None, info: ValidationInfo) -> str | None:
        if "answered_in" in info.data and (info.data["answered_in"] is None) != (value is None):
            raise ValueError("Give the answer and the episode that answers it together, or neither.")
        return value


def fill(row: Question, data: QuestionIn) -> None:
    """Make `row` say what `data` says (pack loads and editor saves alike)."""
    row.text, row.raised_in = data.text, data.raised_in
    row.answered_in, row.answer = data.answered_in, data.answer
    row.confidence, row.sources = data.confidence, list(data.sources)
    row.former_slugs = list(data.former_slugs)


def dump(row: Question) -> QuestionIn:
    """The row as the pack (and the editor's snapshot) has it."""
    return QuestionIn(
        slug=row.slug,
        text=row.text,
        raised_in=row.raised_in,
        answered_in=row.answered_in,
        answer=row.answer,
        confidence=row.confidence,
        sources=row.sources,
        former_slugs=row.former_slugs,
    )


class QuestionLater(Row):
    """A question an earlier season raises, in the file of the season that answers it."""

    slug: Slug
    answered_in: EpisodeStamp
    answer: Text


def check(data: QuestionIn, context: LintContext) -> Iterator[tuple[str, str]]:
    """An unplaced question waits for the finale of its season."""
    if data.confidence is Confidence.UNPLACED and data.raised_in < (finale := context.finale(data.raised_in)):
        yield "raised_in", f"an unplaced question must wait for the finale ({finale}), not {data.raised_in}"


def search(session: Session, show_id: int) -> Iterator[IndexEntry]:
    """The question from where it is raised, its answer from where it is answered."""
    for q in session.scalars(select(Question).where(Question.show_id == show_id)):
        doc = SearchDoc(f"question:{q.slug}", "question", q.slug, q.text, q.sort_order)
        yield doc, TEXT, q.text, q.raised_in
        if q.answer and q.answered_in is not None:
            yield doc, TEXT, q.answer, q.answered_in


QUESTION = StoryKind(
    EntityKind.QUESTION.value,
    "question",
    QuestionIn,
    Question,
    list_name="questions",
    dump=dump,
    later=QuestionLater,
    stamp="raised_in",
    closing=("answered_in", "answer"),
    fill=lambda row, data, placed: fill(row, data),
    template=SLUGGED_PAGE,
    arg="question",
    check=check,
    search=search,
    api={
        "questions": "Questions raised by h: still open, and answered by h",
        "question": "One question as of h",
        "next_season": "Questions the latest season finished by h leaves open",
        "season_left_open": "Questions one season's finale leaves open (once h reaches it)",
    },
)
