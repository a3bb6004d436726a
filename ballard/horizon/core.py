"""What every part of the gate holds: the show, the horizon h and the episode cards, and
the plot points visible at h (recaps here; the story pages in story.py)."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from sqlalchemy import BindParameter, Row, Select, bindparam, select
from sqlalchemy.orm import Session

from ballard.horizon.values import (
    CharacterRef,
    EpisodeCard,
    NotVisible,
    PlotPointView,
    Recap,
    SeasonSpan,
    ShowInfo,
    SliderStop,
    StatusView,
    StorylineRef,
    StorylineSection,
)
from ballard.models import Character, Episode, PlotPoint, Season, Storyline, plot_point_characters
from ballard.story.fields import is_slug, parse_episode_code

# Every read's statement is built once, with bind parameters (`show`, `h` and its own):
# building a select costs several times what running it costs on these small tables.
SHOW: BindParameter[int] = bindparam("show")
H: BindParameter[int] = bindparam("h")

_EPISODES = (
    select(
        Episode.position,
        Episode.number,
        Episode.title,
        Episode.release_date,
        Episode.runtime_minutes,
        Episode.writer,
        Episode.director,
        Episode.summary,
        Episode.before_next,
        Season.number.label("season"),
    )
    .join(Season, Episode.season_id == Season.id)
    .where(Episode.show_id == SHOW)
    .order_by(Episode.position)
)
_TAGGED = (
    select(plot_point_characters.c.plot_point_id, Character.slug, Character.name)
    .join(Character, Character.id == plot_point_characters.c.character_id)
    .where(
        plot_point_characters.c.plot_point_id.in_(bindparam("ids", expanding=True)),
        Character.introduced_in <= H,
    )
    .order_by(Character.sort_order)
)


@functools.cache
def _plot_points_statement(episode: bool, levels: bool, storyline: bool) -> Select:
    """Plot points visible at h with their storyline: one episode's in story order, or
    the story's in episode order, narrowed to some `levels` or one `storyline`."""
    conditions = [PlotPoint.show_id == SHOW, PlotPoint.revealed_in <= H, Storyline.introduced_in <= H]
    if episode:
        conditions.append(PlotPoint.episode_position == bindparam("position"))
    if levels:
        conditions.append(PlotPoint.spoiler_level.in_(bindparam("levels", expanding=True)))
    if storyline:
        conditions.append(Storyline.slug == bindparam("storyline"))
    order = (
        (Storyline.sort_order, PlotPoint.sort_order)
        if episode
        else (PlotPoint.episode_position, PlotPoint.sort_order)
    )
    return (
        select(
            PlotPoint.id,
            PlotPoint.episode_position,
            PlotPoint.text,
            PlotPoint.spoiler_level,
            Storyline.slug,
            Storyline.title,
            PlotPoint.slug.label("point_slug"),
        )
        .join(Storyline, PlotPoint.storyline_id == Storyline.id)
        .where(*conditions)
        .order_by(*order)
    )


def lookup_key(slug: str) -> str:
    """A slug to look up. What is not a slug (the CLI passes what it is given; a NUL
    byte, which PostgreSQL would refuse to compare) can match no stored row: NotVisible."""
    if not is_slug(slug):
        raise NotVisible(slug)
    return slug


@dataclass
class GateCore:
    """The shared core every part of the gate holds: the session, the show and h, the
    episode cards (read once per gate), and the reads of plot points the parts build on."""

    session: Session
    show: ShowInfo
    h: int
    show_upcoming_titles: bool = False
    _episodes: list[EpisodeCard] | None = field(default=None, repr=False)
    # Links already built for this gate's page (ballard/views/links.py's gate_url).
    link_memo: dict[tuple, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def h_code(self) -> str:
        """The episode h stands for, as viewers name it ("S2E3"); "" at the premise."""
        card = self.current_episode()
        return card.code if card else ""

    def seasons(self) -> list[SeasonSpan]:
        """The show's seasons with their episode cards, in order."""
        return [
            SeasonSpan(number, tuple(cards))
            for number, cards in groupby(self.episodes(), key=lambda c: c.season)
        ]

    def latest_finished_season(self) -> SeasonSpan | None:
        """The last season whose finale h has reached; None before the first finale."""
        finished = [s for s in self.seasons() if s.finale <= self.h]
        return finished[-1] if finished else None

    def season_span(self, number: int) -> SeasonSpan:
        """One season by number; NotVisible for one the show lacks."""
        for season in self.seasons():
            if season.number == number:
                return season
        raise NotVisible(str(number))

    # Episodes ------------------------------------------------------------------------

    def episodes(self) -> list[EpisodeCard]:
        """Every episode of the show, with unwatched ones reduced to their code."""
        if self._episodes is None:
            self._episodes = [self._card(e) for e in self.read(_EPISODES)]
        return self._episodes

    def read(self, statement: Select, **params: Any) -> Sequence[Row[Any]]:
        """The rows of a statement built once (above), for this show at h. Run on the
        session's connection: these are plain rows, so the ORM's layer is not needed
        (nor its autoflush: the gate reads what is committed or flushed)."""
        values: Mapping[str, Any] = {"show": self.show.id, "h": self.h, **params}
        return self.session.connection().execute(statement, values).all()

    def _card(self, e: Row[Any]) -> EpisodeCard:
        code = f"S{e.season}E{e.number}"
        if e.position > self.h:
            # The card for an unwatched episode is built from its position alone.
            title = e.title if self.show_upcoming_titles else None
            return EpisodeCard(e.position, code, watched=False, title=title, season=e.season)
        return EpisodeCard(
            e.position,
            code,
            watched=True,
            title=e.title,
            release_date=e.release_date,
            runtime_minutes=e.runtime_minutes,
            writer=e.writer,
            director=e.director,
            summary=e.summary,
            before_next=e.before_next,
            season=e.season,
        )

    def card_at(self, position: int) -> EpisodeCard | None:
        """The card for a stamp <= h; None for stamp 0, which means "from the premise"."""
        return self.episodes()[position - 1] if position else None

    def episode_card(self, position: int) -> EpisodeCard:
        """The card for a stamp that is always an episode (an EpisodeStamp, 1 <= it <= h)."""
        assert position >= 1, "an episode stamp"
        return self.episodes()[position - 1]

    def status(self, status: str, note: str | None, stamp: int) -> StatusView:
        return StatusView(status, note, self.card_at(stamp))

    def current_episode(self) -> EpisodeCard | None:
        return self.episodes()[self.h - 1] if self.h else None

    def watched_episode(self, slug: str) -> EpisodeCard:
        """A watched episode by its code ("s1e3"); later or unknown ones are NotVisible."""
        if parse_episode_code(slug) is None:
            raise NotVisible(slug)
        for card in self.episodes():
            if card.watched and card.slug == slug:
                return card
        raise NotVisible(slug)

    def slider_stops(self) -> list[SliderStop]:
        stops = [SliderStop(0, "Not started yet")]
        for card in self.episodes():
            label = f"Watched through {card.code}"
            title = card.display_title if card.watched else card.title
            if title:
                label += f" · {title}"
            stops.append(SliderStop(card.position, label, card.season))
        return stops

    # Recaps and plot points ----------------------------------------------------------

    def recap(self, slug: str) -> Recap:
        episode = self.watched_episode(slug)
        rows = self.plot_points(position=episode.position)
        sections = tuple(
            StorylineSection(storyline, tuple(point for _, _, point in group))
            for storyline, group in groupby(rows, key=lambda row: row[0])
        )
        cards = self.episodes()
        index = episode.position - 1
        previous = cards[index - 1] if index > 0 else None
        following = cards[index + 1] if index + 1 < len(cards) else None
        return Recap(episode, sections, previous, following)

    def plot_points(
        self,
        position: int | None = None,
        levels: tuple[str, ...] | None = None,
        storyline: str | None = None,
    ) -> list[tuple[StorylineRef, int, PlotPointView]]:
        """(storyline, episode position, point) for plot points visible at h: episode
        `position`'s in story order, or else the story's in episode order, perhaps only
        those of some `levels` or of one `storyline`.

        Two queries, whatever the number of points: the points with their storyline,
        then the characters tagged on them. Plain rows, not ORM objects: a long story
        page builds hundreds of these.
        """
        statement = _plot_points_statement(position is not None, levels is not None, storyline is not None)
        rows = self.read(statement, position=position, levels=levels, storyline=storyline)
        tagged: dict[int, list[CharacterRef]] = defaultdict(list)
        if rows:
            for point_id, character_slug, name in self.read(_TAGGED, ids=[r.id for r in rows]):
                tagged[point_id].append(CharacterRef(character_slug, name))
        refs: dict[str, StorylineRef] = {}
        return [
            (
                refs.setdefault(r.slug, StorylineRef(r.slug, r.title)),
                r.episode_position,
                PlotPointView(r.text, r.spoiler_level, tuple(tagged[r.id]), r.point_slug),
            )
            for r in rows
        ]
