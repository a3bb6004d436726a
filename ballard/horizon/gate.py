"""How a view gets a gate: the show by its slug, the horizon from its URL text, and the
Gate itself, composed of the parts that each read one kind of story fact at h."""

from __future__ import annotations

import dataclasses
import re

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ballard.horizon.characters import Characters
from ballard.horizon.core import GateCore, lookup_key
from ballard.horizon.finale import Finales
from ballard.horizon.questions import Questions
from ballard.horizon.refresher import Refresher
from ballard.horizon.relationships import Relationships
from ballard.horizon.search import Search
from ballard.horizon.story import Storylines
from ballard.horizon.values import (
    CharacterDetail,
    CharacterSummary,
    Connections,
    EpisodeCard,
    EpisodeNews,
    NotVisible,
    PreviouslyOn,
    QuestionBoard,
    QuestionView,
    Recap,
    SearchResults,
    SeasonFinale,
    SeasonSpan,
    ShowInfo,
    SliderStop,
    StorylineView,
    TimelineRow,
)
from ballard.models import Episode, Show

_HORIZON_TEXT = re.compile(r"0|[1-9][0-9]{0,3}")
_SHOWS = (
    select(Show.id, Show.slug, Show.title, Show.network, Show.premise, func.count(Episode.id))
    .outerjoin(Episode, Episode.show_id == Show.id)
    .group_by(Show.id)
)
_SHOW = _SHOWS.where(Show.slug == bindparam("slug"))  # built once: see core.py
_ALL_SHOWS = _SHOWS.order_by(Show.title)


class Gate:
    """Everything a viewer at h may read about one show.

    Composed of parts that each read one kind of story fact at h, all holding the same
    core (the session, the show, h and the episode cards: core.py). Views and templates
    call the gate's methods; where a page needs two parts (a character and their ties,
    an episode's news and its ties), the gate puts them together.
    """

    def __init__(self, session: Session, show: ShowInfo, h: int, show_upcoming_titles: bool = False):
        self.core = core = GateCore(session, show, h, show_upcoming_titles)
        self._storylines = Storylines(core)
        self._characters = Characters(core)
        self._questions = Questions(core)
        self._relationships = Relationships(core)
        self._finales = Finales(core, self._characters, self._questions)
        self._refresher = Refresher(core, self._storylines, self._questions)
        self._search = Search(core)

    def __repr__(self) -> str:
        return f"Gate({self.show.slug!r}, h={self.h})"

    # The core: the show, h, the episode cards, recaps --------------------------------

    @property
    def session(self) -> Session:
        return self.core.session

    @property
    def show(self) -> ShowInfo:
        return self.core.show

    @property
    def h(self) -> int:
        return self.core.h

    @property
    def show_upcoming_titles(self) -> bool:
        return self.core.show_upcoming_titles

    @property
    def link_memo(self) -> dict[tuple, str]:
        """Links already built for this gate's page (ballard/views/links.py's gate_url)."""
        return self.core.link_memo

    @property
    def h_code(self) -> str:
        """The episode h stands for, as viewers name it ("S2E3"); "" at the premise."""
        return self.core.h_code

    def episodes(self) -> list[EpisodeCard]:
        """Every episode of the show, with unwatched ones reduced to their code."""
        return self.core.episodes()

    def seasons(self) -> list[SeasonSpan]:
        return self.core.seasons()

    def latest_finished_season(self) -> SeasonSpan | None:
        return self.core.latest_finished_season()

    def season_span(self, number: int) -> SeasonSpan:
        return self.core.season_span(number)

    def current_episode(self) -> EpisodeCard | None:
        return self.core.current_episode()

    def watched_episode(self, slug: str) -> EpisodeCard:
        return self.core.watched_episode(slug)

    def slider_stops(self) -> list[SliderStop]:
        return self.core.slider_stops()

    def recap(self, slug: str) -> Recap:
        return self.core.recap(slug)

    # The parts ------------------------------------------------------------------------

    def storylines(
        self, levels: tuple[str, ...] | None = None, slug: str | None = None
    ) -> list[StorylineView]:
        return self._storylines.storylines(levels, slug)

    def storyline(self, slug: str) -> StorylineView:
        return self._storylines.storyline(slug)

    def storyline_arrivals(self) -> dict[str, int]:
        return self._storylines.arrivals()

    def timeline(self) -> list[TimelineRow]:
        return self._storylines.timeline()

    def characters(self) -> list[CharacterSummary]:
        return self._characters.characters()

    def character(self, slug: str) -> CharacterDetail:
        """A character as of h, with their connections."""
        detail = self._characters.character(slug)
        connections = self._relationships.character_connections(detail.summary.slug)
        return dataclasses.replace(detail, connections=connections)

    def connections(self) -> Connections:
        return self._relationships.connections()

    def questions(self) -> QuestionBoard:
        return self._questions.questions()

    def question(self, slug: str) -> QuestionView:
        return self._questions.question(slug)

    def next_season_questions(self) -> tuple[SeasonSpan, list[QuestionView]] | None:
        return self._questions.next_season_questions()

    def left_open_after(self, number: int) -> list[QuestionView] | None:
        return self._questions.left_open_after(number)

    def episode_news(self, position: int) -> EpisodeNews:
        """What episode `position` added, the relationships it revealed and ended too."""
        news = self._questions.episode_news(position)
        revealed, ended = self._relationships.episode_ties(position)
        return dataclasses.replace(news, ties_revealed=revealed, ties_ended=ended)

    def season_finale(self, number: int) -> SeasonFinale | None:
        return self._finales.season_finale(number)

    def previously(self) -> PreviouslyOn:
        """The "previously on" refresher at h."""
        return self._refresher.previously()

    def search(self, query: str, kind: str | None = None, page: int = 1) -> SearchResults:
        """Ranked hits at h, one page of them, optionally of one kind (SEARCH_KINDS)."""
        return self._search.search(query, kind, page)

    def suggest(self, query: str) -> tuple[str, ...]:
        """Typeahead: visible names, aliases and titles the query leads to."""
        return self._search.suggest(query)


def parse_horizon(raw: str, episode_count: int) -> int | None:
    """The horizon in a URL or cookie, or None when it is malformed or out of range."""
    if not isinstance(raw, str) or not _HORIZON_TEXT.fullmatch(raw):
        return None
    value = int(raw)
    return value if value <= episode_count else None


def parse_season(raw: str) -> int:
    """A season number in a URL ("2"; one spelling, no leading zeros), or NotVisible."""
    if not isinstance(raw, str) or not _HORIZON_TEXT.fullmatch(raw) or raw == "0":
        raise NotVisible(raw)
    return int(raw)


def find_show(session: Session, slug: str) -> ShowInfo:
    """A show's h = 0 facts (title, premise, how many episodes), or NotVisible."""
    slug = lookup_key(slug)
    row = session.connection().execute(_SHOW, {"slug": slug}).first()
    if row is None:
        raise NotVisible(slug)
    return ShowInfo(*row)


def list_shows(session: Session) -> list[ShowInfo]:
    return [ShowInfo(*row) for row in session.connection().execute(_ALL_SHOWS)]


def open_gate(session: Session, show_slug: str, raw_horizon: str, show_upcoming_titles: bool = False) -> Gate:
    """The gate for a URL's show and horizon; NotVisible for anything that does not parse.

    `show_upcoming_titles` is the viewer's explicit opt-in to see the titles (and only
    the titles) of episodes they have not watched.
    """
    show = find_show(session, show_slug)
    h = parse_horizon(raw_horizon, show.episode_count)
    if h is None:
        raise NotVisible(raw_horizon)
    return Gate(session, show, h, show_upcoming_titles)
