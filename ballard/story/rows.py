"""Finding a place for a show's rows: one write path for loading a pack
(ballard/content/load.py) and saving in the editor (ballard/editor/entities.py)."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ballard.models import Episode, PlotPoint, Season


class SluggedRow(Protocol):
    """A row of a slugged kind: a show's row named by its slug, in the show's order."""

    show_id: int
    slug: str
    sort_order: int

    def __init__(self, *, show_id: int, slug: str, sort_order: int) -> None: ...


Slugged = TypeVar("Slugged", bound=SluggedRow)


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
            table: Any = model  # its columns, as the query reads them
            top = session.scalar(select(func.max(table.sort_order)).where(table.show_id == show_id))
            sort_order = 0 if top is None else top + 1
        row = model(show_id=show_id, slug=slug, sort_order=sort_order)
        session.add(row)
    elif sort_order is not None:
        row.sort_order = sort_order
    return row


def episode_titles(session: Session, show_id: int) -> dict[int, str]:
    """Each episode's position -> its code and title as search hits show them
    ("S1E3 Title", or "S1E3 Episode 3" while it has none)."""
    return {
        position: f"S{season}E{number} {title or f'Episode {number}'}"
        for position, number, title, season in session.execute(
            select(Episode.position, Episode.number, Episode.title, Season.number)
            .join(Season, Episode.season_id == Season.id)
            .where(Episode.show_id == show_id)
            .order_by(Episode.position)
        )
    }


def step_aside(point: PlotPoint) -> None:
    """Move a point that changes its place out of the way of the unique index on
    (show, episode, sort order) first, so that a reorder never meets itself there."""
    point.sort_order = -point.id
