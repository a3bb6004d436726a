"""Finding a place for a show's rows: one write path for loading a pack
(ballard/content/load.py) and saving in the editor (ballard/editor/entities.py)."""

from __future__ import annotations

from collections.abc import Iterable
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


def episode_row(session: Session, show_id: int, season: Season, number: int, row: Episode | None) -> Episode:
    """`row`, else a new episode (added) number `number` of `season`, at the position
    that number gives it in the show; an episode found by its position is put in `season`."""
    if row is None:
        row = Episode(show_id=show_id, position=season.first_position + number - 1)
        session.add(row)
    row.season = season
    return row


def next_slot(session: Session, show_id: int, position: int) -> int:
    """The sort slot after the last plot point of the episode at `position`."""
    top = session.scalar(
        select(func.max(PlotPoint.sort_order)).where(
            PlotPoint.show_id == show_id, PlotPoint.episode_position == position
        )
    )
    return 0 if top is None else top + 1


def place_points(session: Session, places: Iterable[tuple[PlotPoint, int, int]]) -> None:
    """Put each point at its (episode position, sort slot). The points that change place
    first move out of the way of the unique index on (show, episode, slot), so that a
    reorder or a swap never meets itself there; points that stay are not written."""
    moving = [
        (point, position, slot)
        for point, position, slot in places
        if point.id is None or (point.episode_position, point.sort_order) != (position, slot)
    ]
    if len(moving) > 1:  # one point alone never meets itself
        for point, _, _ in moving:
            if point.id is not None:
                point.sort_order = -point.id
        session.flush()
    for point, position, slot in moving:
        point.episode_position, point.sort_order = position, slot


def place_point(session: Session, show_id: int, point: PlotPoint, position: int, wanted: int | None) -> None:
    """Put one point in the episode at `position`, in slot `wanted`: a slot another point
    of its own episode holds is swapped with it; None, or a held slot in another episode:
    where it is if it stays in its episode, else after the episode's last point."""
    staying = point.id is not None and point.episode_position == position
    holder = (
        None
        if wanted is None
        else session.scalar(
            select(PlotPoint).where(
                PlotPoint.show_id == show_id,
                PlotPoint.episode_position == position,
                PlotPoint.sort_order == wanted,
                PlotPoint.id != point.id,
            )
        )
    )
    if wanted is None or (holder is not None and not staying):
        if not staying:
            place_points(session, [(point, position, next_slot(session, show_id, position))])
        return
    places = [(point, position, wanted)]
    if holder is not None:  # a reorder: the two points trade slots
        places.append((holder, position, point.sort_order))
    place_points(session, places)
