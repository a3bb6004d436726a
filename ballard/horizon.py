"""THE horizon gate: the only module that reads story tables on behalf of viewers.

A viewer's horizon h is the position of the last episode they have watched (0 = nothing).
Every query here filters on the row's stamp in SQL (`revealed_in <= h`, `introduced_in <= h`),
so rows from later episodes are never even loaded, and returns plain frozen dataclasses,
so templates cannot wander into relationships. Views call `open_gate()` and nothing else
from the data layer. tests/test_architecture.py keeps it that way.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ballard.models import (
    Character,
    CharacterAlias,
    CharacterBio,
    CharacterStatus,
    Episode,
    PlotPoint,
    Question,
    Season,
    Show,
    SpoilerLevel,
    Storyline,
    StorylineStatus,
    plot_point_characters,
)

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


@dataclass(frozen=True)
class StatusView:
    """A stamped status row: what changed, and in which episode."""

    status: str
    note: str | None
    episode: EpisodeCard | None  # None: known from the premise


@dataclass(frozen=True)
class StorylineView:
    slug: str
    title: str
    summary: str
    status: StatusView | None  # the latest row <= h
    history: tuple[StatusView, ...]
    points: tuple[tuple[EpisodeCard, tuple[PlotPointView, ...]], ...]  # by episode


@dataclass(frozen=True)
class CharacterSummary:
    slug: str
    name: str
    role: str
    actor: str | None
    status: StatusView | None
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class BioView:
    text: str
    episode: EpisodeCard | None  # None: known from the premise


@dataclass(frozen=True)
class CharacterDetail:
    summary: CharacterSummary
    introduced: EpisodeCard | None  # None: known from the premise
    bios: tuple[BioView, ...]
    history: tuple[StatusView, ...]
    appearances: tuple[EpisodeCard, ...]


@dataclass(frozen=True)
class QuestionView:
    slug: str
    text: str
    raised: EpisodeCard
    answer: str | None = None
    answered: EpisodeCard | None = None


@dataclass(frozen=True)
class QuestionBoard:
    open: tuple[QuestionView, ...]
    answered: tuple[QuestionView, ...]


@dataclass(frozen=True)
class StatusChange:
    subject: str  # a character's or storyline's name
    url_kind: str  # "character" or "storyline"
    slug: str
    change: StatusView


@dataclass(frozen=True)
class EpisodeNews:
    """What a watched episode added: questions, fates, new faces."""

    questions_raised: tuple[QuestionView, ...]
    questions_answered: tuple[QuestionView, ...]
    status_changes: tuple[StatusChange, ...]
    characters_introduced: tuple[CharacterRef, ...]

    @property
    def empty(self) -> bool:
        return not (self.questions_raised or self.questions_answered or self.status_changes
                    or self.characters_introduced)


@dataclass(frozen=True)
class TimelineRow:
    storyline: StorylineRef
    counts: tuple[int, ...]  # plot points per watched episode, 1..h


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "episode", "character", "storyline", "question", "plot point"
    title: str
    snippet: str
    endpoint: str
    args: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: tuple[SearchHit, ...]
    suggestions: tuple[str, ...]


# --- parsing the horizon -----------------------------------------------------------------


def parse_horizon(raw: str, episode_count: int) -> int | None:
    """The horizon in a URL or cookie, or None when it is malformed or out of range."""
    if not isinstance(raw, str) or not _HORIZON_TEXT.fullmatch(raw):
        return None
    value = int(raw)
    return value if value <= episode_count else None


def _lookup_key(slug: str) -> str:
    """A slug from a URL, fit to compare in SQL. PostgreSQL refuses text with a NUL byte
    (an error, not "no row"), and no stored slug can hold one: answer NotVisible first."""
    if "\x00" in slug:
        raise NotVisible(slug)
    return slug


def find_show(session: Session, slug: str) -> ShowInfo:
    """A show's h = 0 facts (title, premise, how many episodes), or NotVisible."""
    slug = _lookup_key(slug)
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


def open_gate(
    session: Session, show_slug: str, raw_horizon: str, show_upcoming_titles: bool = False
) -> Gate:
    """The gate for a URL's show and horizon; NotVisible for anything that does not parse.

    `show_upcoming_titles` is the viewer's explicit opt-in to see the titles (and only
    the titles) of episodes they have not watched.
    """
    show = find_show(session, show_slug)
    h = parse_horizon(raw_horizon, show.episode_count)
    if h is None:
        raise NotVisible(raw_horizon)
    return Gate(session, show, h, show_upcoming_titles)


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
            title = card.display_title if card.watched else card.title
            if title:
                label += f" · {title}"
            stops.append(SliderStop(card.position, label))
        return stops

    # Recaps --------------------------------------------------------------------------

    def recap(self, slug: str) -> Recap:
        episode = self.watched_episode(slug)
        rows = self._plot_points(
            PlotPoint.episode_position == episode.position,
            order=(Storyline.sort_order, PlotPoint.sort_order),
        )
        sections = tuple(
            StorylineSection(storyline, tuple(point for _, _, point in group))
            for storyline, group in groupby(rows, key=lambda row: row[0])
        )
        cards = self.episodes()
        index = episode.position - 1
        previous = cards[index - 1] if index > 0 else None
        following = cards[index + 1] if index + 1 < len(cards) else None
        return Recap(episode, sections, previous, following)

    def _plot_points(
        self, *conditions, order: tuple
    ) -> list[tuple[StorylineRef, int, PlotPointView]]:
        """(storyline, episode position, point) for plot points visible at h.

        Two queries, whatever the number of points: the points with their storyline,
        then the characters tagged on them. Plain rows, not ORM objects: a long story
        page builds hundreds of these.
        """
        rows = self.session.execute(
            select(PlotPoint.id, PlotPoint.episode_position, PlotPoint.text,
                   PlotPoint.spoiler_level, Storyline.slug, Storyline.title)
            .join(Storyline, PlotPoint.storyline_id == Storyline.id)
            .where(
                PlotPoint.show_id == self.show.id,
                PlotPoint.revealed_in <= self.h,
                Storyline.introduced_in <= self.h,
                *conditions,
            )
            .order_by(*order)
        ).all()
        tagged: dict[int, list[CharacterRef]] = defaultdict(list)
        if rows:
            links = self.session.execute(
                select(plot_point_characters.c.plot_point_id, Character.slug, Character.name)
                .join(Character, Character.id == plot_point_characters.c.character_id)
                .where(
                    plot_point_characters.c.plot_point_id.in_([r.id for r in rows]),
                    Character.introduced_in <= self.h,
                )
                .order_by(Character.sort_order)
            )
            for point_id, character_slug, name in links:
                tagged[point_id].append(CharacterRef(character_slug, name))
        refs: dict[str, StorylineRef] = {}
        return [
            (
                refs.setdefault(r.slug, StorylineRef(r.slug, r.title)),
                r.episode_position,
                PlotPointView(r.text, r.spoiler_level, tuple(tagged[r.id])),
            )
            for r in rows
        ]

    # Story so far ---------------------------------------------------------------------

    def storylines(
        self, levels: tuple[str, ...] | None = None, slug: str | None = None
    ) -> list[StorylineView]:
        """Every storyline introduced by h (or just `slug`) with its status and its plot
        points up to h.

        `levels` narrows the points (the condensed view shows major and twist); it never
        widens what is visible, which the stamps alone decide.
        """
        only = [Storyline.slug == slug] if slug is not None else []
        rows = self.session.scalars(
            select(Storyline)
            .where(Storyline.show_id == self.show.id, Storyline.introduced_in <= self.h, *only)
            .order_by(Storyline.sort_order)
        ).all()
        statuses = self._storyline_statuses([s.id for s in rows])
        conditions = [PlotPoint.spoiler_level.in_(levels)] if levels is not None else []
        conditions += only
        by_storyline: dict[str, list[tuple[int, PlotPointView]]] = defaultdict(list)
        for storyline, position, point in self._plot_points(
            *conditions, order=(PlotPoint.episode_position, PlotPoint.sort_order)
        ):
            by_storyline[storyline.slug].append((position, point))
        cards = self.episodes()
        result = []
        for s in rows:
            history = statuses.get(s.id, ())
            points = tuple(
                (cards[position - 1], tuple(point for _, point in group))
                for position, group in groupby(by_storyline[s.slug], key=lambda row: row[0])
            )
            result.append(StorylineView(
                s.slug, s.title, s.summary, history[-1] if history else None, history, points,
            ))
        return result

    def storyline(self, slug: str) -> StorylineView:
        found = self.storylines(slug=_lookup_key(slug))
        if not found:
            raise NotVisible(slug)
        return found[0]

    def _storyline_statuses(self, ids: list[int]) -> dict[int, tuple[StatusView, ...]]:
        rows = self.session.scalars(
            select(StorylineStatus)
            .where(StorylineStatus.storyline_id.in_(ids), StorylineStatus.revealed_in <= self.h)
            .order_by(StorylineStatus.revealed_in, StorylineStatus.id)
        )
        result: dict[int, list[StatusView]] = defaultdict(list)
        for r in rows:
            result[r.storyline_id].append(self._status(r.status, r.note, r.revealed_in))
        return {k: tuple(v) for k, v in result.items()}

    def _status(self, status: str, note: str | None, stamp: int) -> StatusView:
        return StatusView(status, note, self._card_at(stamp))

    def _card_at(self, position: int) -> EpisodeCard | None:
        """The card for a stamp <= h; None for stamp 0, which means "from the premise"."""
        return self.episodes()[position - 1] if position else None

    def timeline(self) -> list[TimelineRow]:
        """Plot points per storyline per watched episode, for the SVG picture."""
        counts = self.session.execute(
            select(PlotPoint.storyline_id, PlotPoint.episode_position, func.count())
            .where(PlotPoint.show_id == self.show.id, PlotPoint.revealed_in <= self.h)
            .group_by(PlotPoint.storyline_id, PlotPoint.episode_position)
        ).all()
        table: dict[int, dict[int, int]] = defaultdict(dict)
        for storyline_id, position, n in counts:
            table[storyline_id][position] = n
        rows = self.session.scalars(
            select(Storyline)
            .where(Storyline.show_id == self.show.id, Storyline.introduced_in <= self.h)
            .order_by(Storyline.sort_order)
        ).all()
        return [
            TimelineRow(
                StorylineRef(s.slug, s.title),
                tuple(table[s.id].get(e, 0) for e in range(1, self.h + 1)),
            )
            for s in rows
        ]

    # Characters ----------------------------------------------------------------------

    def _characters(self) -> list[Character]:
        return list(self.session.scalars(
            select(Character)
            .where(Character.show_id == self.show.id, Character.introduced_in <= self.h)
            .order_by(Character.sort_order)
        ))

    def _character_rows(self, model, ids: list[int]) -> dict[int, list]:
        rows = self.session.scalars(
            select(model)
            .where(model.character_id.in_(ids), model.revealed_in <= self.h)
            .order_by(model.revealed_in, model.id)
        )
        result: dict[int, list] = defaultdict(list)
        for r in rows:
            result[r.character_id].append(r)
        return result

    def _summaries(self, characters: list[Character]) -> list[CharacterSummary]:
        ids = [c.id for c in characters]
        statuses = self._character_rows(CharacterStatus, ids)
        aliases = self._character_rows(CharacterAlias, ids)
        result = []
        for c in characters:
            latest = statuses[c.id][-1] if statuses[c.id] else None
            result.append(CharacterSummary(
                c.slug, c.name, c.role, c.actor,
                self._status(latest.status, latest.note, latest.revealed_in) if latest else None,
                tuple(a.alias for a in aliases[c.id]),
            ))
        return result

    def characters(self) -> list[CharacterSummary]:
        return self._summaries(self._characters())

    def character(self, slug: str) -> CharacterDetail:
        slug = _lookup_key(slug)
        c = self.session.scalar(
            select(Character).where(
                Character.show_id == self.show.id,
                Character.slug == slug,
                Character.introduced_in <= self.h,
            )
        )
        if c is None:
            raise NotVisible(slug)
        summary = self._summaries([c])[0]
        bios = self._character_rows(CharacterBio, [c.id])[c.id]
        statuses = self._character_rows(CharacterStatus, [c.id])[c.id]
        positions = self.session.scalars(
            select(PlotPoint.episode_position)
            .join(plot_point_characters, plot_point_characters.c.plot_point_id == PlotPoint.id)
            .where(
                plot_point_characters.c.character_id == c.id,
                PlotPoint.revealed_in <= self.h,
            )
            .distinct()
            .order_by(PlotPoint.episode_position)
        ).all()
        return CharacterDetail(
            summary,
            self._card_at(c.introduced_in) if c.introduced_in else None,
            tuple(BioView(b.text, self._card_at(b.revealed_in)) for b in bios),
            tuple(self._status(s.status, s.note, s.revealed_in) for s in statuses),
            tuple(self.episodes()[p - 1] for p in positions),
        )

    # Questions -----------------------------------------------------------------------

    def _questions(self, *conditions) -> list[QuestionView]:
        rows = self.session.scalars(
            select(Question)
            .where(Question.show_id == self.show.id, Question.raised_in <= self.h, *conditions)
            .order_by(Question.sort_order)
        )
        return [self._question(q) for q in rows]

    def _question(self, q: Question) -> QuestionView:
        if q.answered_in is not None and q.answered_in <= self.h:
            return QuestionView(q.slug, q.text, self._card_at(q.raised_in), q.answer,
                                self._card_at(q.answered_in))
        return QuestionView(q.slug, q.text, self._card_at(q.raised_in))

    def questions(self) -> QuestionBoard:
        views = self._questions()
        return QuestionBoard(
            tuple(q for q in views if q.answered is None),
            tuple(q for q in views if q.answered is not None),
        )

    def question(self, slug: str) -> QuestionView:
        slug = _lookup_key(slug)
        found = self._questions(Question.slug == slug)
        if not found:
            raise NotVisible(slug)
        return found[0]

    def next_season_questions(self) -> list[QuestionView] | None:
        """The questions still open after the finale; None before the finale horizon."""
        if not self.is_finale:
            return None
        return list(self.questions().open)

    # What an episode added --------------------------------------------------------------

    def episode_news(self, position: int) -> EpisodeNews:
        """Questions, fates and characters that episode `position` (<= h) added."""
        if not 1 <= position <= self.h:
            raise NotVisible(str(position))
        raised = self._questions(Question.raised_in == position)
        answered = self._questions(Question.answered_in == position)
        changes: list[StatusChange] = []
        for s, st in self.session.execute(
            select(Storyline, StorylineStatus)
            .join(StorylineStatus, StorylineStatus.storyline_id == Storyline.id)
            .where(Storyline.show_id == self.show.id, StorylineStatus.revealed_in == position,
                   Storyline.introduced_in <= self.h)
            .order_by(Storyline.sort_order, StorylineStatus.id)
        ):
            changes.append(StatusChange(s.title, "storyline", s.slug,
                                        self._status(st.status, st.note, st.revealed_in)))
        for c, st in self.session.execute(
            select(Character, CharacterStatus)
            .join(CharacterStatus, CharacterStatus.character_id == Character.id)
            .where(Character.show_id == self.show.id, CharacterStatus.revealed_in == position,
                   Character.introduced_in <= self.h,
                   # a newcomer's first status is already said by "new faces"
                   Character.introduced_in < position)
            .order_by(Character.sort_order, CharacterStatus.id)
        ):
            changes.append(StatusChange(c.name, "character", c.slug,
                                        self._status(st.status, st.note, st.revealed_in)))
        introduced = self.session.execute(
            select(Character.slug, Character.name)
            .where(Character.show_id == self.show.id, Character.introduced_in == position)
            .order_by(Character.sort_order)
        ).all()
        return EpisodeNews(
            tuple(raised), tuple(answered), tuple(changes),
            tuple(CharacterRef(slug, name) for slug, name in introduced),
        )

    # Search --------------------------------------------------------------------------

    def search(self, query: str) -> SearchResults:
        """Case-insensitive search over what is visible at h, and nothing else.

        Everything searched comes from the gate's own h-filtered methods, so results,
        counts and suggestions cannot mention a row stamped after h.
        """
        terms = [t for t in re.findall(r"\w+", query.casefold()) if t]
        if not terms:
            return SearchResults(query, (), ())
        show = ("show", self.show.slug)
        at = ("h", str(self.h))
        documents: list[tuple[SearchHit, str]] = []
        for card in self.episodes():
            if card.watched:
                hit = SearchHit("episode", f"{card.code} {card.display_title}", "",
                                "guide.recap", (show, at, ("episode", card.slug)))
                documents.append((hit, f"{card.code} {card.display_title}"))
        for c in self.characters():
            hit = SearchHit("character", c.name, c.role, "guide.character",
                            (show, at, ("character", c.slug)))
            documents.append((hit, " ".join((c.name, c.role, c.actor or "", *c.aliases))))
        for s in self.storylines():
            hit = SearchHit("storyline", s.title, s.summary, "guide.storyline",
                            (show, at, ("storyline", s.slug)))
            documents.append((hit, f"{s.title} {s.summary}"))
            for card, points in s.points:
                for p in points:
                    hit = SearchHit("plot point", f"{card.code} {card.display_title}", p.text,
                                    "guide.recap", (show, at, ("episode", card.slug)))
                    documents.append((hit, p.text))
        for q in self._questions():
            hit = SearchHit("question", q.text, q.answer or "", "guide.question",
                            (show, at, ("question", q.slug)))
            documents.append((hit, f"{q.text} {q.answer or ''}"))

        hits = tuple(hit for hit, text in documents
                     if all(t in text.casefold() for t in terms))
        suggestions: tuple[str, ...] = ()
        if not hits:
            vocabulary = sorted({w for _, text in documents
                                 for w in re.findall(r"\w{4,}", text.casefold())})
            suggestions = tuple(
                difflib.get_close_matches(terms[0], vocabulary, n=3, cutoff=0.75)
            )
        return SearchResults(query, hits, suggestions)
