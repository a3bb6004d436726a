"""Bring the database in line with a pack: insert, update and delete its show's rows.

Rows are matched on natural keys (slugs, episode positions, plot point order), so
loading the same pack twice changes nothing and does not bump the content version. Each
row is filled by its story kind's own `fill` (ballard/story/), the same function the
editor saves through.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ballard.content.dump import pack_from_db
from ballard.content.findings import episode_position
from ballard.content.schema import PackIn
from ballard.content.search_index import rebuild_show
from ballard.content.version import bump_version, current_version
from ballard.models import (
    Character,
    Episode,
    PlotPoint,
    Question,
    Relationship,
    Season,
    Show,
    Storyline,
)
from ballard.story import character, plot_point, question, relationship, storyline
from ballard.story.show import fill_episode, fill_show


@dataclass(frozen=True)
class LoadResult:
    show_slug: str
    changed: bool
    version: int


def load_pack(session: Session, pack: PackIn) -> LoadResult:
    """Make the database hold exactly this pack for its show; the caller commits."""
    show = session.scalar(select(Show).where(Show.slug == pack.show.slug))
    if show is not None and pack_from_db(session, show) == pack:
        return LoadResult(pack.show.slug, changed=False, version=current_version(session))

    if show is None:
        show = Show(slug=pack.show.slug, title="", premise="")
        session.add(show)
    fill_show(show, pack.show)
    session.flush()

    season = _sync_season(session, show, pack)
    episodes = _sync_episodes(session, show, season, pack)
    storylines = _sync_slugged(session, show, Storyline, pack.storylines, storyline.fill)
    characters = _sync_slugged(session, show, Character, pack.characters, character.fill)
    _sync_plot_points(session, show, pack, episodes, storylines, characters)
    _sync_slugged(session, show, Question, pack.questions, question.fill)
    _sync_relationships(session, show, pack, characters)
    session.flush()
    rebuild_show(session, show.id)
    return LoadResult(pack.show.slug, changed=True, version=bump_version(session))


def _delete_missing(session: Session, existing: dict[Any, Any], keep: set[Any]) -> None:
    for key, row in existing.items():
        if key not in keep:
            session.delete(row)


def _sync_season(session: Session, show: Show, pack: PackIn) -> Season:
    season = session.scalar(
        select(Season).where(Season.show_id == show.id, Season.number == pack.season.number))
    if season is None:
        season = Season(show=show, number=pack.season.number)
        session.add(season)
    season.first_position = pack.season.first_position
    session.flush()
    return season


def _sync_episodes(session: Session, show: Show, season: Season, pack: PackIn) -> dict[int, Episode]:
    existing = {e.position: e for e in
                session.scalars(select(Episode).where(Episode.season_id == season.id))}
    result: dict[int, Episode] = {}
    for data in pack.episodes:
        position = episode_position(pack, data.number)
        episode = existing.get(position) or Episode(show=show, season=season, position=position)
        session.add(episode)
        fill_episode(episode, data)
        result[position] = episode
    _delete_missing(session, existing, set(result))
    session.flush()
    return result


def _sync_slugged(session: Session, show: Show, model: type, rows: list, fill) -> dict[str, Any]:
    """Storylines, characters or questions: one row per slug, in pack order."""
    existing = {r.slug: r for r in session.scalars(select(model).where(model.show_id == show.id))}
    result: dict[str, Any] = {}
    for order, data in enumerate(rows):
        row = existing.get(data.slug) or model(show_id=show.id, slug=data.slug)
        session.add(row)
        row.sort_order = order
        fill(row, data)
        result[data.slug] = row
    _delete_missing(session, existing, set(result))
    session.flush()
    return result


def _sync_plot_points(session: Session, show: Show, pack: PackIn, episodes: dict[int, Episode],
                      storylines: dict[str, Storyline], characters: dict[str, Character]) -> None:
    existing = {
        (p.episode_position, p.sort_order): p
        for p in session.scalars(
            select(PlotPoint)
            .where(PlotPoint.show_id == show.id, PlotPoint.episode_position.in_(episodes))
            .options(selectinload(PlotPoint.characters))
        )
    }
    keep: set[tuple[int, int]] = set()
    for position, data in zip(episodes, pack.episodes, strict=True):
        for order, point in enumerate(data.plot_points):
            row = existing.get((position, order)) or PlotPoint(
                show_id=show.id, episode_position=position, sort_order=order)
            session.add(row)
            plot_point.fill(row, point, position, storylines, characters)
            keep.add((position, order))
    _delete_missing(session, existing, keep)
    session.flush()


def _sync_relationships(session: Session, show: Show, pack: PackIn,
                        characters: dict[str, Character]) -> None:
    """Relationships: one row per slug, in pack order, naming characters of this pack."""
    _sync_slugged(session, show, Relationship, pack.relationships,
                  lambda row, data: relationship.fill(row, data, characters))
