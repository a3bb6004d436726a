"""The values the gate hands to views: frozen dataclasses, with no way back to the rows.

Templates and the API serialise these and nothing else, so a page cannot wander into a
relationship the gate did not filter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup, escape

from ballard.models import SpoilerLevel
from ballard.vocabulary import words


class NotVisible(LookupError):
    """The thing asked for does not exist for this viewer: unknown, or not yet watched.

    Both cases raise the same exception so that they answer the same 404.
    """


class Renamed(LookupError):
    """The slug asked for is a former slug of a row visible at h: its address moved to
    `slug` (the URL argument `argument`, named after what it points at). Raised only
    where the row is visible; elsewhere the old slug is NotVisible like any unknown one."""

    def __init__(self, argument: str, slug: str):
        super().__init__(slug)
        self.argument = argument
        self.slug = slug


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
    season: int = 1
    release_date: dt.date | None = None
    runtime_minutes: int | None = None
    writer: str | None = None
    director: str | None = None
    summary: str | None = None
    before_next: str | None = None

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
class SeasonSpan:
    """A season's place in the show: public from the premise on, like episode codes."""

    number: int
    episodes: tuple[EpisodeCard, ...]

    @property
    def finale(self) -> int:
        return self.episodes[-1].position


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
    level: SpoilerLevel
    characters: tuple[CharacterRef, ...]
    slug: str = ""  # its anchor in its recap (search hits link there)

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
    label: str  # "Watched through S1E4 · Landmines"; no title past what is watched
    season: int = 0  # 0: "not started"


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
    connections: tuple[ConnectionView, ...] = ()


@dataclass(frozen=True)
class QuestionView:
    slug: str
    text: str
    raised: EpisodeCard  # a question is raised in an episode (EpisodeStamp), never the premise
    answer: str | None = None
    answered: EpisodeCard | None = None


@dataclass(frozen=True)
class QuestionBoard:
    open: tuple[QuestionView, ...]
    answered: tuple[QuestionView, ...]


@dataclass(frozen=True)
class Standing:
    """Where a character stands at the end of a season: their latest status by its finale."""

    character: CharacterRef
    status: StatusView | None


@dataclass(frozen=True)
class SeasonFinale:
    """What a season's finale leaves: main characters' standings, its cliffhangers (twists
    of the finale episode) and the questions still open after it."""

    season: SeasonSpan
    standings: tuple[Standing, ...]
    cliffhangers: tuple[PlotPointView, ...]
    questions: tuple[QuestionView, ...]


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
    ties_revealed: tuple[TieView, ...] = ()
    ties_ended: tuple[TieView, ...] = ()

    @property
    def empty(self) -> bool:
        return not (
            self.questions_raised
            or self.questions_answered
            or self.status_changes
            or self.characters_introduced
            or self.ties_revealed
            or self.ties_ended
        )


@dataclass(frozen=True)
class TimelineRow:
    storyline: StorylineRef
    counts: tuple[int, ...]  # plot points per watched episode, 1..h
    status: StatusView | None = None  # the latest row <= h (solved or closed in E_k)


SEARCH_KINDS = ("character", "episode", "storyline", "question", "plot point")


@dataclass(frozen=True)
class SearchHit:
    kind: str  # one of SEARCH_KINDS
    title: str
    snippet: str  # plain text
    marks: tuple[tuple[int, int], ...]  # (start, end) of each matched word in snippet
    endpoint: str
    args: tuple[tuple[str, str], ...]  # the page's URL arguments besides the show and h
    fragment: str = ""  # the place on that page (a plot point in its recap)

    @property
    def snippet_html(self) -> Markup:
        """The snippet escaped, with <mark> around the matched words and nothing else."""
        out, at = [], 0
        for start, end in self.marks:
            out += [
                escape(self.snippet[at:start]),
                Markup("<mark>"),
                escape(self.snippet[start:end]),
                Markup("</mark>"),
            ]
            at = end
        out.append(escape(self.snippet[at:]))
        return Markup("").join(out)


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: tuple[SearchHit, ...]  # this page's
    suggestions: tuple[str, ...]
    total: int = 0  # hits of every kind
    counts: tuple[tuple[str, int], ...] = ()  # (kind, hits), in SEARCH_KINDS order
    kind: str | None = None  # the kind filter, if any
    page: int = 1
    pages: int = 0  # pages of the (filtered) hits


@dataclass(frozen=True)
class TieView:
    """A relationship visible at h: "who <words> whom", since an episode, perhaps ended.

    `ended` is the episode that ended it, and only once that episode is watched."""

    who: CharacterRef
    kind: str  # a RelationshipKind value
    whom: CharacterRef
    note: str | None
    since: EpisodeCard  # a relationship is revealed in an episode (EpisodeStamp), never the premise
    ended: EpisodeCard | None

    @property
    def words(self) -> str:
        return words(self.kind)


@dataclass(frozen=True)
class ConnectionView:
    """A relationship seen from one of its two characters: the other one, and the kind
    in words from this side ("employs", "works for")."""

    other: CharacterRef
    kind: str
    words: str
    note: str | None
    since: EpisodeCard
    ended: EpisodeCard | None


@dataclass(frozen=True)
class Connections:
    """Who is tied to whom at h: the characters with a visible tie, in the show's order,
    and the ties in the show's order."""

    characters: tuple[CharacterRef, ...]
    ties: tuple[TieView, ...]


@dataclass(frozen=True)
class PreviouslyOn:
    """What to remember before the next episode, from what is visible at h."""

    latest: EpisodeCard | None  # None at h = 0
    open_cases: tuple[StorylineView, ...]
    fates: tuple[StatusChange, ...]  # characters' status changes in the last two episodes
    open_questions: tuple[QuestionView, ...]
    twists: tuple[PlotPointView, ...]  # the latest episode's
    next: EpisodeCard | None  # unwatched: its code only; None after the finale

    @property
    def empty(self) -> bool:
        return self.latest is None
