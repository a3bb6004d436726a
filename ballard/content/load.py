"""Bring the database in line with a whole show: insert, update and delete its rows.

Rows are matched on natural keys (slugs, season numbers, episode positions), so loading
the same content twice changes nothing and does not bump the content version, and a plot
point keeps its row (and its revisions) when it moves. Each row is filled by its story
kind's own `fill` (ballard/story/), the same function the editor saves through, and found,
created and placed by the same functions (ballard/story/rows.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ballard.content.dump import pack_from_db
from ballard.content.schema import ShowContent
from ballard.content.search_index import rebuild_show
from ballard.content.version import bump_version, current_version
from ballard.models import Episode, PlotPoint, Season, Show
from ballard.story import plot_point
from ballard.story.kinds import SLUGGED_LISTS, StoryKind
from ballard.story.rows import episode_row, place_points, slugged_row
from ballard.story.show import fill_episode, fill_show


@dataclass(frozen=True)
class LoadResult:
    show_slug: str
    changed: bool
    version: int


def load_show(session: Session, content: ShowContent) -> LoadResult:
    """Make the database hold exactly this show; the caller commits."""
    show = session.scalar(select(Show).where(Show.slug == content.show.slug))
    if show is not None and pack_from_db(session, show) == content:
        return LoadResult(content.show.slug, changed=False, version=current_version(session))

    if show is None:
        show = Show(slug=content.show.slug, title="", premise="")
        session.add(show)
    fill_show(show, content.show)
    session.flush()

    _sync_seasons(session, show, content)
    # Each kind after those it names (SLUGGED_LISTS is in that order), plot points last.
    placed: dict[str, dict[str, Any]] = {}
    for name, kind in SLUGGED_LISTS.items():
        placed[name] = _sync_slugged(session, show, kind, getattr(content, name), placed)
    _sync_plot_points(session, show, content, placed)
    session.flush()
    rebuild_show(session, show.id)
    return LoadResult(content.show.slug, changed=True, version=bump_version(session))


def _delete_missing(session: Session, existing: dict[Any, Any], keep: set[Any]) -> None:
    for key, row in existing.items():
        if key not in keep:
            session.delete(row)


def _sync_seasons(session: Session, show: Show, content: ShowContent) -> None:
    """Seasons by number and episodes by position."""
    seasons = {s.number: s for s in session.scalars(select(Season).where(Season.show_id == show.id))}
    episodes = {e.position: e for e in session.scalars(select(Episode).where(Episode.show_id == show.id))}
    kept_seasons: set[int] = set()
    result: dict[int, Episode] = {}
    for data in content.seasons:
        season = seasons.get(data.number) or Season(show=show, number=data.number)
        session.add(season)
        season.first_position = data.first_position
        kept_seasons.add(data.number)
        for episode_data in data.episodes:
            position = data.position(episode_data.number)
            episode = episode_row(session, show.id, season, episode_data.number, episodes.get(position))
            fill_episode(episode, episode_data)
            result[position] = episode
    _delete_missing(session, episodes, set(result))
    session.flush()
    _delete_missing(session, seasons, kept_seasons)
    session.flush()


def _sync_slugged(
    session: Session, show: Show, kind: StoryKind, rows: list, placed: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The rows of a slugged kind: one row per slug, in pack order, filled by the kind."""
    model: Any = kind.model
    assert kind.fill is not None, kind.name
    existing = {r.slug: r for r in session.scalars(select(model).where(model.show_id == show.id))}
    result: dict[str, Any] = {}
    for order, data in enumerate(rows):
        row = slugged_row(session, show.id, model, data.slug, existing.get(data.slug), order)
        kind.fill(row, data, placed)
        result[data.slug] = row
    _delete_missing(session, existing, set(result))
    session.flush()
    return result


def _sync_plot_points(
    session: Session, show: Show, content: ShowContent, placed: dict[str, dict[str, Any]]
) -> None:
    """Plot points by slug: a point keeps its row when it moves or is reordered."""
    existing = {
        p.slug: p
        for p in session.scalars(
            select(PlotPoint).where(PlotPoint.show_id == show.id).options(selectinload(PlotPoint.characters))
        )
    }
    wanted = [
        (position, order, point)
        for _, episode, position, _ in content.episodes()
        for order, point in enumerate(episode.plot_points)
    ]
    # The points gone first, so that none holds a place another one takes.
    _delete_missing(session, existing, {point.slug for _, _, point in wanted})
    session.flush()
    rows = {
        point.slug: existing.get(point.slug) or PlotPoint(show_id=show.id, slug=point.slug)
        for _, _, point in wanted
    }
    place_points(session, [(rows[point.slug], position, order) for position, order, point in wanted])
    for position, _, point in wanted:
        row = rows[point.slug]
        session.add(row)
        plot_point.fill(row, point, position, placed["storylines"], placed["characters"])
    session.flush()
