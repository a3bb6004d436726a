"""How a view gets a gate: the show by its slug, the horizon from its URL text, and the
Gate itself, composed of the parts that each read one kind of story fact at h."""

from __future__ import annotations

import dataclasses
import re

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ballard.horizon.characters import CharacterReads
from ballard.horizon.core import lookup_key
from ballard.horizon.finale import FinaleReads
from ballard.horizon.questions import QuestionReads
from ballard.horizon.refresher import previously_on
from ballard.horizon.relationships import RelationshipReads
from ballard.horizon.search import search, suggest
from ballard.horizon.story import StorylineReads
from ballard.horizon.values import (
    CharacterDetail,
    EpisodeNews,
    NotVisible,
    PreviouslyOn,
    SearchResults,
    ShowInfo,
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


class Gate(StorylineReads, FinaleReads, CharacterReads, QuestionReads, RelationshipReads):
    """Everything a viewer at h may read about one show (fields and episodes: core.py)."""

    def character(self, slug: str) -> CharacterDetail:
        """A character as of h, with their connections."""
        detail = super().character(slug)
        return dataclasses.replace(detail, connections=self.character_connections(detail.summary.slug))

    def episode_news(self, position: int) -> EpisodeNews:
        """What episode `position` added, the relationships it revealed and ended too."""
        news = super().episode_news(position)
        revealed, ended = self.episode_ties(position)
        return dataclasses.replace(news, ties_revealed=revealed, ties_ended=ended)

    def previously(self) -> PreviouslyOn:
        """The "previously on" refresher at h."""
        return previously_on(self)

    def search(self, query: str, kind: str | None = None, page: int = 1) -> SearchResults:
        """Ranked hits at h, one page of them, optionally of one kind (SEARCH_KINDS)."""
        return search(self, query, kind, page)

    def suggest(self, query: str) -> tuple[str, ...]:
        """Typeahead: visible names, aliases and titles the query leads to."""
        return suggest(self, query)


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
