"""Story entities as the editor sees them: natural keys, JSON snapshots, one write path.

A snapshot is a plain dict in the content pack's own vocabulary (slugs, stamps, episode
codes) plus the entity's place (`sort_order`). Saving a form and restoring a revision
both go through `apply()`, so a restored version is written exactly like a saved one.

Natural keys, unique within a show:
  episode     "s1e3"     (season and episode number; the episode's position follows)
  storyline   its slug
  character   its slug
  question    its slug
  plot_point  "s1e3/2"   (the episode it is told in, and its sort slot there)
Slugs and a plot point's episode are fixed once created: they are in shared links and
in the revision history.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ballard.models import (
    Character,
    CharacterAlias,
    CharacterBio,
    CharacterStatus,
    EntityKind,
    Episode,
    PlotPoint,
    Question,
    Revision,
    Season,
    Show,
    Storyline,
    StorylineStatus,
    plot_point_characters,
)

Snapshot = dict[str, Any]
_EPISODE_CODE = re.compile(r"s([1-9][0-9]{0,2})e([1-9][0-9]{0,3})")
_POINT_KEY = re.compile(r"(s[1-9][0-9]{0,2}e[1-9][0-9]{0,3})/(0|[1-9][0-9]{0,5})")


class ChangeRefused(Exception):
    """The change cannot be made in the current state; the message says what to do."""


# --- the show's episodes ------------------------------------------------------------------


@dataclass(frozen=True)
class EpisodeSlot:
    position: int
    code: str  # "s1e3"
    title: str | None

    @property
    def label(self) -> str:
        """'S1E3 Tin Men', or 'S1E9' when no title is known."""
        return f"{self.code.upper()} {self.title}" if self.title else self.code.upper()


class Catalogue:
    """A show's episodes, for turning codes into positions and listing stamps."""

    def __init__(self, session: Session, show: Show):
        self.show = show
        rows = session.execute(
            select(Episode, Season.number)
            .join(Season, Episode.season_id == Season.id)
            .where(Episode.show_id == show.id)
            .order_by(Episode.position)
        ).all()
        self.slots = [EpisodeSlot(e.position, f"s{n}e{e.number}", e.title) for e, n in rows]
        self._by_code = {s.code: s for s in self.slots}
        self._by_position = {s.position: s for s in self.slots}

    @property
    def last_position(self) -> int:
        return self.slots[-1].position if self.slots else 0

    def by_code(self, code: str) -> EpisodeSlot | None:
        return self._by_code.get(code)

    def code(self, position: int) -> str:
        slot = self._by_position.get(position)
        return slot.code if slot else f"#{position}"

    def stamp_choices(self, minimum: int = 0) -> list[tuple[int, str]]:
        """('0 · premise'), ('1 · S1E1 Library of Lost Souls'), ... from `minimum` on."""
        choices = [(0, "0 · premise")] if minimum <= 0 else []
        choices += [(s.position, f"{s.position} · {s.label}") for s in self.slots
                    if s.position >= minimum]
        return choices


def _latest_season(session: Session, show: Show) -> Season | None:
    return session.scalars(
        select(Season).where(Season.show_id == show.id).order_by(Season.number.desc())
    ).first()


def next_episode_code(session: Session, show: Show) -> str | None:
    """The code a new episode gets: the next number in the show's latest season."""
    season = _latest_season(session, show)
    if season is None:
        return None
    count = session.scalar(
        select(func.count()).select_from(Episode).where(Episode.season_id == season.id)
    )
    return f"s{season.number}e{(count or 0) + 1}"


def next_point_key(session: Session, show: Show, catalogue: Catalogue, code: str) -> str:
    """A free slot after the episode's last plot point, never reusing one the history
    has seen, so a restore cannot land on a different plot point."""
    slot = catalogue.by_code(code)
    if slot is None:
        raise ChangeRefused(f"There is no episode {code.upper()}.")
    used = set(session.scalars(select(PlotPoint.sort_order).where(
        PlotPoint.show_id == show.id, PlotPoint.episode_position == slot.position)))
    for key in session.scalars(select(Revision.entity_key).where(
            Revision.show_id == show.id, Revision.entity_kind == EntityKind.PLOT_POINT.value,
            Revision.entity_key.startswith(f"{code}/"))):
        used.add(int(key.rsplit("/", 1)[1]))
    return f"{code}/{max(used) + 1 if used else 0}"


# --- snapshots ------------------------------------------------------------------------------


def _rows(rows: list, *fields: str) -> list[dict[str, Any]]:
    return [{f: getattr(r, f) for f in fields} for r in rows]


def episode_snapshot(e: Episode) -> Snapshot:
    return {
        "number": e.number, "title": e.title,
        "release_date": e.release_date.isoformat() if e.release_date else None,
        "runtime_minutes": e.runtime_minutes, "writer": e.writer, "director": e.director,
    }


def storyline_snapshot(s: Storyline) -> Snapshot:
    return {
        "slug": s.slug, "title": s.title, "introduced_in": s.introduced_in, "summary": s.summary,
        "statuses": _rows(s.statuses, "revealed_in", "status", "note"),
        "sort_order": s.sort_order,
    }


def character_snapshot(c: Character) -> Snapshot:
    return {
        "slug": c.slug, "name": c.name, "short_names": list(c.short_names),
        "introduced_in": c.introduced_in, "role": c.role, "actor": c.actor,
        "bios": _rows(c.bios, "revealed_in", "text"),
        "statuses": _rows(c.statuses, "revealed_in", "status", "note"),
        "aliases": _rows(c.aliases, "revealed_in", "alias"),
        "sort_order": c.sort_order,
    }


def question_snapshot(q: Question) -> Snapshot:
    return {
        "slug": q.slug, "text": q.text, "raised_in": q.raised_in, "answered_in": q.answered_in,
        "answer": q.answer, "confidence": q.confidence, "sources": list(q.sources),
        "sort_order": q.sort_order,
    }


def plot_point_snapshot(p: PlotPoint, code: str) -> Snapshot:
    return {
        "episode": code, "sort_order": p.sort_order, "storyline": p.storyline.slug,
        "level": p.spoiler_level, "characters": [c.slug for c in p.characters],
        "text": p.text, "confidence": p.confidence, "sources": list(p.sources),
        "revealed_in": p.revealed_in,
    }


# --- loading one entity by its key -----------------------------------------------------------


def load_episode(session: Session, show: Show, key: str) -> Episode | None:
    match = _EPISODE_CODE.fullmatch(key)
    if match is None:
        return None
    return session.scalar(
        select(Episode).join(Season, Episode.season_id == Season.id).where(
            Episode.show_id == show.id, Season.number == int(match.group(1)),
            Episode.number == int(match.group(2)))
    )


def load_storyline(session: Session, show: Show, key: str) -> Storyline | None:
    return session.scalar(
        select(Storyline).where(Storyline.show_id == show.id, Storyline.slug == key)
        .options(selectinload(Storyline.statuses))
    )


def load_character(session: Session, show: Show, key: str) -> Character | None:
    return session.scalar(
        select(Character).where(Character.show_id == show.id, Character.slug == key)
        .options(selectinload(Character.bios), selectinload(Character.statuses),
                 selectinload(Character.aliases))
    )


def load_question(session: Session, show: Show, key: str) -> Question | None:
    return session.scalar(select(Question).where(Question.show_id == show.id, Question.slug == key))


def parse_point_key(key: str) -> tuple[str, int] | None:
    match = _POINT_KEY.fullmatch(key)
    return (match.group(1), int(match.group(2))) if match else None


def load_plot_point(session: Session, show: Show, key: str) -> PlotPoint | None:
    parsed = parse_point_key(key)
    episode = load_episode(session, show, parsed[0]) if parsed else None
    if episode is None:
        return None
    return session.scalar(
        select(PlotPoint).where(
            PlotPoint.show_id == show.id, PlotPoint.episode_position == episode.position,
            PlotPoint.sort_order == parsed[1])
        .options(selectinload(PlotPoint.characters), selectinload(PlotPoint.storyline))
    )


# --- writing: the one path for forms and restores ---------------------------------------------


def _next_order(session: Session, model: type, show: Show) -> int:
    top = session.scalar(select(func.max(model.sort_order)).where(model.show_id == show.id))
    return 0 if top is None else top + 1


def _sorted_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in stamp order (stable), which is the order the database reads them back in."""
    return sorted(rows, key=lambda r: r["revealed_in"])


def apply_episode(session: Session, show: Show, key: str, data: Snapshot | None) -> None:
    episode = load_episode(session, show, key)
    if data is None:
        if episode is None:
            return
        last = session.scalar(select(func.max(Episode.number)).where(
            Episode.season_id == episode.season_id))
        if episode.number != last:
            raise ChangeRefused(
                f"Only the last episode of a season can be deleted; {key.upper()} is not the last.")
        points = session.scalar(select(func.count()).select_from(PlotPoint).where(
            PlotPoint.show_id == show.id, PlotPoint.episode_position == episode.position))
        if points:
            raise ChangeRefused(
                f"{key.upper()} still has {points} plot point(s); delete them first.")
        session.delete(episode)
        return
    if episode is None:
        if key != next_episode_code(session, show):
            raise ChangeRefused(
                f"{key.upper()} can only be added as the next episode of the latest season "
                f"(now {(next_episode_code(session, show) or 'none').upper()}).")
        season = _latest_season(session, show)
        assert season is not None  # next_episode_code found it
        number = int(_EPISODE_CODE.fullmatch(key).group(2))
        episode = Episode(show_id=show.id, season_id=season.id, number=number,
                          position=season.first_position + number - 1)
        session.add(episode)
    release = data.get("release_date")
    episode.title = data.get("title")
    episode.release_date = dt.date.fromisoformat(release) if release else None
    episode.runtime_minutes = data.get("runtime_minutes")
    episode.writer = data.get("writer")
    episode.director = data.get("director")


def apply_storyline(session: Session, show: Show, key: str, data: Snapshot | None) -> None:
    storyline = load_storyline(session, show, key)
    if data is None:
        if storyline is None:
            return
        points = session.scalar(select(func.count()).select_from(PlotPoint).where(
            PlotPoint.storyline_id == storyline.id))
        if points:
            raise ChangeRefused(
                f"{points} plot point(s) belong to this storyline; delete them or move them "
                "to another storyline first.")
        session.delete(storyline)
        return
    if storyline is None:
        storyline = Storyline(show_id=show.id, slug=key,
                              sort_order=data.get("sort_order", _next_order(session, Storyline, show)))
        session.add(storyline)
    elif "sort_order" in data:
        storyline.sort_order = data["sort_order"]
    storyline.title, storyline.summary = data["title"], data["summary"]
    storyline.introduced_in = data["introduced_in"]
    storyline.statuses = [
        StorylineStatus(revealed_in=r["revealed_in"], status=r["status"], note=r.get("note"))
        for r in _sorted_rows(data.get("statuses", []))
    ]


def apply_character(session: Session, show: Show, key: str, data: Snapshot | None) -> None:
    character = load_character(session, show, key)
    if data is None:
        if character is None:
            return
        points = session.scalar(select(func.count()).select_from(plot_point_characters).where(
            plot_point_characters.c.character_id == character.id))
        if points:
            raise ChangeRefused(
                f"This character is in {points} plot point(s); take them out of those first.")
        session.delete(character)
        return
    if character is None:
        character = Character(show_id=show.id, slug=key,
                              sort_order=data.get("sort_order", _next_order(session, Character, show)))
        session.add(character)
    elif "sort_order" in data:
        character.sort_order = data["sort_order"]
    character.name, character.short_names = data["name"], list(data.get("short_names", []))
    character.introduced_in, character.role = data["introduced_in"], data["role"]
    character.actor = data.get("actor")
    character.bios = [CharacterBio(revealed_in=r["revealed_in"], text=r["text"])
                      for r in _sorted_rows(data.get("bios", []))]
    character.statuses = [
        CharacterStatus(revealed_in=r["revealed_in"], status=r["status"], note=r.get("note"))
        for r in _sorted_rows(data.get("statuses", []))
    ]
    character.aliases = [CharacterAlias(revealed_in=r["revealed_in"], alias=r["alias"])
                         for r in _sorted_rows(data.get("aliases", []))]


def apply_question(session: Session, show: Show, key: str, data: Snapshot | None) -> None:
    question = load_question(session, show, key)
    if data is None:
        if question is not None:
            session.delete(question)
        return
    if question is None:
        question = Question(show_id=show.id, slug=key,
                            sort_order=data.get("sort_order", _next_order(session, Question, show)))
        session.add(question)
    elif "sort_order" in data:
        question.sort_order = data["sort_order"]
    question.text, question.raised_in = data["text"], data["raised_in"]
    question.answered_in, question.answer = data.get("answered_in"), data.get("answer")
    question.confidence, question.sources = data["confidence"], list(data.get("sources", []))


def apply_plot_point(session: Session, show: Show, key: str, data: Snapshot | None) -> None:
    point = load_plot_point(session, show, key)
    if data is None:
        if point is not None:
            session.delete(point)
        return
    parsed = parse_point_key(key)
    episode = load_episode(session, show, parsed[0]) if parsed else None
    if episode is None:
        raise ChangeRefused(f"There is no episode {key.split('/')[0].upper()} for this plot point.")
    storyline = load_storyline(session, show, data["storyline"])
    if storyline is None:
        raise ChangeRefused(f"The storyline {data['storyline']!r} does not exist (any more).")
    characters = session.scalars(select(Character).where(
        Character.show_id == show.id, Character.slug.in_(data.get("characters", [])))).all()
    missing = set(data.get("characters", [])) - {c.slug for c in characters}
    if missing:
        raise ChangeRefused(f"These characters do not exist (any more): {', '.join(sorted(missing))}.")
    if point is None:
        point = PlotPoint(show_id=show.id, episode_position=episode.position, sort_order=parsed[1])
        session.add(point)
    point.storyline = storyline
    point.characters = sorted(characters, key=lambda c: c.sort_order)
    point.spoiler_level, point.text = data["level"], data["text"]
    point.confidence, point.sources = data["confidence"], list(data.get("sources", []))
    revealed = data.get("revealed_in")
    point.revealed_in = episode.position if revealed is None else revealed


# --- the registry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # "plot point"
    load: Callable[[Session, Show, str], Any]
    apply: Callable[[Session, Show, str, Snapshot | None], None]
    _snapshot: Callable[..., Snapshot]

    def snapshot(self, session: Session, show: Show, key: str) -> Snapshot | None:
        """The entity's current state, or None when it does not exist."""
        row = self.load(session, show, key)
        if row is None:
            return None
        if self.name == EntityKind.PLOT_POINT:
            return self._snapshot(row, key.split("/")[0])
        return self._snapshot(row)


KINDS: dict[str, Kind] = {
    k.name: k for k in (
        Kind(EntityKind.EPISODE.value, "episode", load_episode, apply_episode, episode_snapshot),
        Kind(EntityKind.STORYLINE.value, "storyline", load_storyline, apply_storyline,
             storyline_snapshot),
        Kind(EntityKind.CHARACTER.value, "character", load_character, apply_character,
             character_snapshot),
        Kind(EntityKind.PLOT_POINT.value, "plot point", load_plot_point, apply_plot_point,
             plot_point_snapshot),
        Kind(EntityKind.QUESTION.value, "question", load_question, apply_question,
             question_snapshot),
    )
}
