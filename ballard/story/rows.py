"""Finding a place for a show's rows: one write path for loading a pack
(ballard/content/load.py) and saving in the editor (ballard/editor/entities.py)."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ballard.models import Character, PlotPoint, Question, Relationship, Storyline

# A show's slugged kinds, in its order (each checked on its own: a constrained TypeVar).
Slugged = TypeVar("Slugged", Storyline, Character, Question, Relationship)


def slugged_row(
    session: Session,
    show_id: int,
    model: type[Slugged],
    slug: str,
    row: Slugged | None,
    sort_order: int | None,
) -> Slugged:
    """`row`, the slug's row if it has one, else a new one (added), put at `sort_order`
    in the show's list of its kind; None: where it is, or after the last when new."""
    if row is None:
        if sort_order is None:
            top = session.scalar(select(func.max(model.sort_order)).where(model.show_id == show_id))
            sort_order = 0 if top is None else top + 1
        row = model(show_id=show_id, slug=slug, sort_order=sort_order)
        session.add(row)
    elif sort_order is not None:
        row.sort_order = sort_order
    return row


def step_aside(point: PlotPoint) -> None:
    """Move a point that changes its place out of the way of the unique index on
    (show, episode, sort order) first, so that a reorder never meets itself there."""
    point.sort_order = -point.id
