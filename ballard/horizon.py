"""THE horizon gate: the only module that reads story tables on behalf of viewers.

A viewer's horizon h is the position of the last episode they have watched (0 = nothing).
Every query here filters on the row's stamp in SQL (`revealed_in <= h`, `introduced_in <= h`),
so rows from later episodes are never even loaded, and returns plain frozen dataclasses,
so templates cannot wander into relationships. Views call `open_gate()` and nothing else
from the data layer. tests/test_architecture.py keeps it that way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from itertools import groupby

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ballard.models import Character, Episode, PlotPoint, Season, Show, SpoilerLevel, Storyline

_HORIZON_TEXT = re.compile(r"0|[1-9][0-9]{0,3}")
_EPISODE_CODE = re.compile(r"s([1-9][0-9]{0,2})e([1-9][0-9]{0,3})")


class NotVisible(LookupError):
    """The thing asked for does not exist for this viewer: unknown, or not yet watched.

    Both cases raise the same exception so that they answer the same 404.
    """


# --- the values views get --------------------------------------------------------------


@dataclass(frozen=True)
class ShowInfo:
    id: int
    slug: str
    title: str
    network: str | None
    premise: str
    episode_count: int


@dataclass(frozen=True)
class EpisodeCard:
    """An episode as a viewer at h may see it: unwatched ones carry nothing but the code."""

    position: int
    code: str  # "S1E7"
    watched: bool
    title: str | None = None
    release_date: dt.date | None = None
    runtime_minutes: int | None = None
    writer: str | None = None
    director: str | None = None

    @property
    def slug(self) -> str:
        return self.code.lower()

    @property
    def display_title(self) -> str:
        """The title, "Episode 9" when no title is known, or just the code when unwatched."""
        if not self.watched:
            return self.code
        return self.title or f"Episode {self.code.split('E')[1]}"


@dataclass(frozen=True)
class CharacterRef:
    slug: str
    name: str


@dataclass(frozen=True)
class StorylineRef:
    slug: str
    title: str


@dataclass(frozen=True)
class PlotPointView:
    text: str
    level: str
    characters: tuple[CharacterRef, ...]

    @property
    def is_twist(self) -> bool:
        return self.level == SpoilerLevel.TWIST


@dataclass(frozen=True)
class StorylineSection:
    storyline: StorylineRef
    points: tuple[PlotPointView, ...]


@dataclass(frozen=True)
class Recap:
    episode: EpisodeCard
    sections: tuple[StorylineSection, ...]
    previous: EpisodeCard | None
    next: EpisodeCard | None


@dataclass(frozen=True)
class SliderStop:
    value: int
    label: str  # "Watched through E4 · Landmines"; no title past what is watched


# --- parsing the horizon -----------------------------------------------------------------


def parse_horizon(raw: str, episode_count: int) -> int | None:
    """The horizon in a URL or cookie, or None when it is malformed or out of range."""
    if not isinstance(raw, str) or not _HORIZON_TEXT.fullmatch(raw):
        return None
    value = int(raw)
    return value if value <= episode_count else None


def find_show(session: Session, slug: str) -> ShowInfo:
    """A show's h = 0 facts (title, premise, how many episodes), or NotVisible."""
    row = session.execute(
        select(Show, func.count(Episode.id))
        .outerjoin(Episode, Episode.show_id == Show.id)
        .where(Show.slug == slug)
        .group_by(Show.id)
    ).first()
    if row is None:
        raise NotVisible(slug)
    show, count = row
    return ShowInfo(show.id, show.slug, show.title, show.network, show.premise, count)


def list_shows(session: Session) -> list[ShowInfo]:
    rows = session.execute(
        select(Show, func.count(Episode.id))
        .outerjoin(Episode, Episode.show_id == Show.id)
        .group_by(Show.id)
        .order_by(Show.title)
    ).all()
    return [ShowInfo(s.id, s.slug, s.title, s.network, s.premise, n) for s, n in rows]


def open_gate(session: Session, show_slug: str, raw_horizon: str) -> Gate:
    """The gate for a URL's show and horizon; NotVisible for anything that does not parse."""
    show = find_show(session, show_slug)
    h = parse_horizon(raw_horizon, show.episode_count)
    if h is None:
        raise NotVisible(raw_horizon)
    return Gate(session, show, h)


# --- the gate ----------------------------------------------------------------------------


@dataclass
class Gate:
    session: Session
    show: ShowInfo
    h: int
    show_upcoming_titles: bool = False
    _episodes: list[EpisodeCard] | None = field(default=None, repr=False)

    @property
    def is_finale(self) -> bool:
        return self.h == self.show.episode_count

    # Episodes ------------------------------------------------------------------------

    def episodes(self) -> list[EpisodeCard]:
        """Every episode of the show, with unwatched ones reduced to their code."""
        if self._episodes is None:
            rows = self.session.execute(
                select(Episode, Season.number)
                .join(Season, Episode.season_id == Season.id)
                .where(Episode.show_id == self.show.id)
                .order_by(Episode.position)
            ).all()
            self._episodes = [self._card(e, season_number) for e, season_number in rows]
        return self._episodes

    def _card(self, e: Episode, season_number: int) -> EpisodeCard:
        code = f"S{season_number}E{e.number}"
        if e.position > self.h:
            # The card for an unwatched episode is built from its position alone.
            title = e.title if self.show_upcoming_titles else None
            return EpisodeCard(e.position, code, watched=False, title=title)
        return EpisodeCard(
            e.position, code, watched=True, title=e.title, release_date=e.release_date,
            runtime_minutes=e.runtime_minutes, writer=e.writer, director=e.director,
        )

    def current_episode(self) -> EpisodeCard | None:
        return self.episodes()[self.h - 1] if self.h else None

    def watched_episode(self, slug: str) -> EpisodeCard:
        """A watched episode by its code ("s1e3"); later or unknown ones are NotVisible."""
        match = _EPISODE_CODE.fullmatch(slug)
        if match is None:
            raise NotVisible(slug)
        for card in self.episodes():
            if card.watched and card.slug == slug:
                return card
        raise NotVisible(slug)

    def slider_stops(self) -> list[SliderStop]:
        stops = [SliderStop(0, "Not started yet")]
        for card in self.episodes():
            label = f"Watched through E{card.position}"
            if card.watched or self.show_upcoming_titles:
                label += f" · {card.display_title if card.watched else card.title or card.code}"
            stops.append(SliderStop(card.position, label))
        return stops

    # Recaps --------------------------------------------------------------------------

    def recap(self, slug: str) -> Recap:
        episode = self.watched_episode(slug)
        points = self.session.scalars(
            select(PlotPoint)
            .join(Storyline, PlotPoint.storyline_id == Storyline.id)
            .where(
                PlotPoint.show_id == self.show.id,
                PlotPoint.episode_position == episode.position,
                PlotPoint.revealed_in <= self.h,
                Storyline.introduced_in <= self.h,
            )
            .order_by(Storyline.sort_order, PlotPoint.sort_order)
            .options(selectinload(PlotPoint.storyline), selectinload(PlotPoint.characters))
        ).all()
        sections = tuple(
            StorylineSection(
                StorylineRef(storyline.slug, storyline.title),
                tuple(self._point(p) for p in group),
            )
            for storyline, group in groupby(points, key=lambda p: p.storyline)
        )
        cards = self.episodes()
        index = episode.position - 1
        previous = cards[index - 1] if index > 0 else None
        following = cards[index + 1] if index + 1 < len(cards) else None
        return Recap(episode, sections, previous, following)

    def _point(self, p: PlotPoint) -> PlotPointView:
        characters = tuple(
            CharacterRef(c.slug, c.name) for c in p.characters if c.introduced_in <= self.h
        )
        return PlotPointView(p.text, p.spoiler_level, characters)
