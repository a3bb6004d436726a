"""Story entities as the editor sees them: natural keys, JSON snapshots, one write path.

A snapshot is the kind's pack model dumped to JSON (ballard/story/), plus the entity's
place (`sort_order`; for a plot point also its episode). Saving a form and restoring a
revision both go through `apply()`, which validates the snapshot with the kind's model
and fills the row with the kind's own `fill`, the function pack loading uses too.

Natural keys, unique within a show:
  episode       "s1e3"     (season and episode number; the episode's position follows)
  plot_point    its slug   (its episode and sort slot are its place, which edits move)
  a slugged kind  its slug (each kind the pack lists by slug: ballard/story/kinds.py)
Keys are fixed once created: they are in shared links and in the revision history.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ballard.editor.forms import entity_form
from ballard.models import (
    Character,
    EntityKind,
    Episode,
    PlotPoint,
    Revision,
    Season,
    Show,
    Storyline,
    plot_point_characters,
)
from ballard.story import plot_point
from ballard.story.fields import Row, describe_errors, episode_code, is_slug, parse_episode_code
from ballard.story.kinds import KINDS as STORY_KINDS
from ballard.story.kinds import SLUGGED_LISTS, StoryKind
from ballard.story.rows import episode_row, place_point, slugged_row
from ballard.story.show import EPISODE_OWN_FIELDS, dump_episode, fill_episode

Snapshot = dict[str, Any]


class ChangeRefused(Exception):
    """The change cannot be made in the current state; the message says what to do."""


# --- keys -----------------------------------------------------------------------------------


def _latest_season(session: Session, show: Show) -> Season | None:
    return session.scalars(
        select(Season).where(Season.show_id == show.id).order_by(Season.number.desc())
    ).first()


def next_episode_code(session: Session, show: Show, number: int | None = None) -> str | None:
    """The code a new episode of season `number` (default: the latest) gets: its next
    number. Only the latest season grows: an episode added to an earlier one would move
    every later episode, and every stamp that names them."""
    season = _latest_season(session, show)
    if season is None:
        return None
    if number is not None and number != season.number:
        raise ChangeRefused(
            f"Episodes can be added to the latest season only (season {season.number}); "
            f"adding one to season {number} would shift every later episode."
        )
    count = session.scalar(select(func.count()).select_from(Episode).where(Episode.season_id == season.id))
    return episode_code(season.number, (count or 0) + 1)


def suggest_point_key(session: Session, show: Show, code: str) -> str:
    """A free key for a new plot point of episode `code` ("s1e3-point-4"), never one the
    history has seen, so a restore cannot land on a different plot point."""
    used = set(session.scalars(select(PlotPoint.slug).where(PlotPoint.show_id == show.id)))
    used.update(
        session.scalars(
            select(Revision.entity_key).where(
                Revision.show_id == show.id, Revision.entity_kind == EntityKind.PLOT_POINT.value
            )
        )
    )
    number = 1
    while f"{code}-point-{number}" in used:
        number += 1
    return f"{code}-point-{number}"


def episode_code_at(session: Session, show: Show, position: int) -> str | None:
    row = session.execute(
        select(Season.number, Episode.number)
        .join(Season, Episode.season_id == Season.id)
        .where(Episode.show_id == show.id, Episode.position == position)
    ).first()
    return episode_code(*row) if row else None


# --- loading one entity by its key -----------------------------------------------------------


def load_episode(session: Session, show: Show, key: str) -> Episode | None:
    parsed = parse_episode_code(key)
    if parsed is None:
        return None
    return session.scalar(
        select(Episode)
        .join(Season, Episode.season_id == Season.id)
        .where(Episode.show_id == show.id, Season.number == parsed[0], Episode.number == parsed[1])
    )


def load_slugged(session: Session, show: Show, kind: StoryKind, key: str) -> Any:
    """The row of a slugged kind (or a plot point) with the slug `key`, or None."""
    if not is_slug(key):  # keys come from URLs and stored revisions
        return None
    return session.scalar(kind.select_one(show.id, key))


# --- snapshots: the kind's model, dumped --------------------------------------------------------


def _dumped(model: Row, **place: Any) -> Snapshot:
    return {**model.model_dump(mode="json"), **place}


def episode_snapshot(e: Episode) -> Snapshot:
    return dump_episode(e).model_dump(mode="json", include={"number", *EPISODE_OWN_FIELDS})


def slugged_snapshot(row: Any, kind: StoryKind) -> Snapshot:
    assert kind.dump is not None, kind.name
    return _dumped(kind.dump(row), sort_order=row.sort_order)


def plot_point_snapshot(p: PlotPoint, code: str) -> Snapshot:
    # revealed_in always explicit, so a snapshot reads the same whatever its episode.
    return _dumped(plot_point.dump(p), episode=code, sort_order=p.sort_order, revealed_in=p.revealed_in)


# --- writing: the one path for forms and restores ---------------------------------------------


def _validated(kind: StoryKind, data: Snapshot, **fixed: Any) -> Any:
    """The snapshot as the kind's model; a version that no longer passes is refused."""
    payload = {k: v for k, v in data.items() if k in kind.schema.model_fields}
    try:
        return kind.schema.model_validate({**payload, **fixed})
    except ValidationError as exc:
        raise ChangeRefused("This version is not valid now: " + "; ".join(describe_errors(exc))) from None


def _count(session: Session, *where) -> int:
    return session.scalar(select(func.count()).select_from(where[0]).where(*where[1:])) or 0


def apply_episode(session: Session, show: Show, key: str, data: Snapshot | None) -> None:
    episode = load_episode(session, show, key)
    if data is None:
        if episode is None:
            return
        last = session.scalar(select(func.max(Episode.number)).where(Episode.season_id == episode.season_id))
        if episode.number != last:
            raise ChangeRefused(
                f"Only the last episode of a season can be deleted; {key.upper()} is not the last."
            )
        points = _count(
            session, PlotPoint, PlotPoint.show_id == show.id, PlotPoint.episode_position == episode.position
        )
        if points:
            raise ChangeRefused(f"{key.upper()} still has {points} plot point(s); delete them first.")
        session.delete(episode)
        return
    parsed = parse_episode_code(key)
    assert parsed is not None  # load_episode found it, or it is the next code
    model = _validated(STORY_KINDS["episode"], data, number=parsed[1])
    if episode is None:
        if key != next_episode_code(session, show):
            raise ChangeRefused(
                f"{key.upper()} can only be added as the next episode of the latest season "
                f"(now {(next_episode_code(session, show) or 'none').upper()})."
            )
        season = _latest_season(session, show)
        assert season is not None  # next_episode_code found it
        episode = episode_row(session, show.id, season, parsed[1], None)
    fill_episode(episode, model)


def apply_slugged(kind: StoryKind, session: Session, show: Show, key: str, data: Snapshot | None) -> None:
    """Create, edit, reorder or delete a row of a slugged kind: validated by the kind's
    model, the slugs it names (`refs`) found, filled by the kind's own fill, in its place
    in its list (as the snapshot says, or at the end when new)."""
    row = load_slugged(session, show, kind, key)
    if data is None:
        if row is not None:
            _refuse_if_named(session, show, kind, row)
            session.delete(row)
        return
    model = _validated(kind, data, slug=key)
    named = _named_rows(session, show, kind, model)
    table: Any = kind.model
    assert kind.fill is not None, kind.name
    kind.fill(slugged_row(session, show.id, table, key, row, data.get("sort_order")), model, named)


def _refuse_if_named(session: Session, show: Show, kind: StoryKind, row: Any) -> None:
    """A row that others name cannot go: plot points name storylines and characters (by
    their own columns), and the kinds with `refs` name rows of the lists they point at."""
    if kind.name == EntityKind.STORYLINE:
        points = _count(session, PlotPoint, PlotPoint.storyline_id == row.id)
        if points:
            raise ChangeRefused(
                f"{points} plot point(s) belong to this storyline; delete them or move them "
                "to another storyline first."
            )
    if kind.name == EntityKind.CHARACTER:
        points = _count(session, plot_point_characters, plot_point_characters.c.character_id == row.id)
        if points:
            raise ChangeRefused(f"This character is in {points} plot point(s); take them out of those first.")
    for other in SLUGGED_LISTS.values():
        fields = [name for name, list_name in other.refs.items() if list_name == kind.list_name]
        if not fields:
            continue
        model: Any = other.model
        columns = [getattr(model, name) for name in fields]
        naming = or_(*(c.contains(row) if c.property.uselist else c == row for c in columns))
        count = _count(session, model, model.show_id == show.id, naming)
        if count:
            raise ChangeRefused(f"This {kind.label} is in {count} {other.label}(s); delete those first.")


def _named_rows(session: Session, show: Show, kind: StoryKind, model: Any) -> dict[str, dict[str, Any]]:
    """The rows the kind's `refs` name, by list and slug; a slug no row has any more is refused."""
    wanted: dict[str, set[str]] = {}
    for name, list_name in kind.refs.items():
        value = getattr(model, name)
        wanted.setdefault(list_name, set()).update(value if isinstance(value, list) else [value])
    named: dict[str, dict[str, Any]] = {}
    for list_name, slugs in wanted.items():
        target: Any = SLUGGED_LISTS[list_name].model
        named[list_name] = {
            r.slug: r
            for r in session.scalars(
                select(target).where(target.show_id == show.id, target.slug.in_(sorted(slugs)))
            )
        }
        missing = slugs - set(named[list_name])
        if missing:
            raise ChangeRefused(f"These {list_name} do not exist (any more): {', '.join(sorted(missing))}.")
    return named


def apply_plot_point(session: Session, show: Show, key: str, data: Snapshot | None) -> None:
    """Create, edit, move or reorder a plot point. Its place is the snapshot's `episode`
    (default: where it is) and `sort_order` (default: where it is, or after the last
    point of the episode it moves to); a slot another point holds in the same episode
    is swapped with it."""
    point = load_slugged(session, show, STORY_KINDS["plot_point"], key)
    if data is None:
        if point is not None:
            session.delete(point)
        return
    code = data.get("episode") or (point and episode_code_at(session, show, point.episode_position))
    episode = load_episode(session, show, code) if code else None
    if episode is None:
        raise ChangeRefused(f"There is no episode {(code or '?').upper()} for this plot point.")
    model = _validated(STORY_KINDS["plot_point"], data, slug=key)
    storylines = {
        s.slug: s
        for s in session.scalars(
            select(Storyline).where(Storyline.show_id == show.id, Storyline.slug == model.storyline)
        )
    }
    if model.storyline not in storylines:
        raise ChangeRefused(f"The storyline {model.storyline!r} does not exist (any more).")
    characters = {
        c.slug: c
        for c in session.scalars(
            select(Character).where(Character.show_id == show.id, Character.slug.in_(model.characters))
        )
    }
    missing = set(model.characters) - set(characters)
    if missing:
        raise ChangeRefused(f"These characters do not exist (any more): {', '.join(sorted(missing))}.")
    if point is None:
        point = PlotPoint(show_id=show.id, slug=key)
    with session.no_autoflush:  # a new point is added once it has its place
        place_point(session, show.id, point, episode.position, data.get("sort_order"))
    session.add(point)
    plot_point.fill(point, model, episode.position, storylines, characters)


def move_within_episode(session: Session, show: Show, key: str, step: int) -> Snapshot | None:
    """The snapshot that moves the point one place up (-1) or down (+1) in its episode;
    None when it is already first or last."""
    point = load_slugged(session, show, STORY_KINDS["plot_point"], key)
    if point is None:
        return None
    slots = list(
        session.scalars(
            select(PlotPoint.sort_order)
            .where(PlotPoint.show_id == show.id, PlotPoint.episode_position == point.episode_position)
            .order_by(PlotPoint.sort_order)
        )
    )
    index = slots.index(point.sort_order) + step
    if not 0 <= index < len(slots):
        return None
    current = STORY_KINDS[EntityKind.PLOT_POINT.value].snapshot(session, show, key)
    assert current is not None  # the point was loaded above
    return {**current, "sort_order": slots[index]}


# --- the kinds' editor parts, bound to the one registry (ballard/story/kinds.py) ---------------


def _point_snapshot(session: Session, show: Show, point: PlotPoint) -> Snapshot:
    code = episode_code_at(session, show, point.episode_position)
    assert code is not None  # a plot point is always in an episode
    return plot_point_snapshot(point, code)


STORY_KINDS["episode"].bind(
    load=load_episode,
    apply=apply_episode,
    snapshot=lambda session, show, row: episode_snapshot(row),
    form=entity_form(STORY_KINDS["episode"]),
)
STORY_KINDS["plot_point"].bind(
    load=lambda session, show, key: load_slugged(session, show, STORY_KINDS["plot_point"], key),
    apply=apply_plot_point,
    snapshot=_point_snapshot,
    form=entity_form(STORY_KINDS["plot_point"]),
)
for _kind in SLUGGED_LISTS.values():
    _kind.bind(
        load=lambda session, show, key, kind=_kind: load_slugged(session, show, kind, key),
        apply=lambda session, show, key, data, kind=_kind: apply_slugged(kind, session, show, key, data),
        snapshot=lambda session, show, row, kind=_kind: slugged_snapshot(row, kind),
        form=entity_form(_kind),
    )
