"""The shapes of the JSON API's answers, defined once.

ballard/views/api.py builds every answer through these models, and ballard/views/openapi.py
generates the document's component schemas from them, so what is served and what is
documented cannot drift apart. A docstring here is the schema's description in the
document, so it is written for API clients.

The rules of the document, kept by construction: every object is closed (extra="forbid"
gives `additionalProperties: false`) and every property is required (no field has a
default; a nullable one is typed `X | None`, which the document shows as X or null).

Class names are the schema names in the document, so `Show`, `Character`, `Question`...
here are answer shapes, not the story models of ballard/models.py (this module does not
import those; it is not named `*models` so that the architecture test, which looks for
story-model names imported from such modules, stays meaningful).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from ballard.models import SpoilerLevel
from ballard.story.fields import EPISODE_CODE_REGEX
from ballard.vocabulary import RelationshipKind


class Closed(BaseModel):
    """Base of every shape: no other properties, and immutable once built."""

    model_config = ConfigDict(extra="forbid", frozen=True)


Position = Annotated[int, Field(ge=1)]
Horizon = Annotated[int, Field(ge=0)]
Count = Annotated[int, Field(ge=0)]
Url = Annotated[str, Field(description="A path on this site.", json_schema_extra={"format": "uri-reference"})]


class ErrorDetail(Closed):
    code: Annotated[str, Field(examples=["not_found", "bad_request"])]
    message: str


class Error(Closed):
    """Every error, whatever its status."""

    error: ErrorDetail


# --- shows and episodes ------------------------------------------------------------------------


class Show(Closed):
    """A show's premise-level facts (nothing stamped in an episode)."""

    slug: str
    title: str
    network: str | None
    premise: str
    episode_count: Count
    url: Url
    start: Annotated[Url, Field(description="The show's home at h = 0.")]


class ShowBrief(Closed):
    slug: str
    title: str
    episode_count: Count


class EpisodeRef(Closed):
    """An episode at or before h, by position and code."""

    position: Position
    code: str


# The episode a stamped row dates from.
Since = Annotated[
    EpisodeRef | None,
    Field(
        description="The episode a fact dates from; null when it is known from the premise "
        "(before the first episode)."
    ),
]


class WatchedEpisode(Closed):
    """An episode at or before h. `title` is null when no title is established;
    `display_title` is then "Episode N"."""

    position: Position
    code: Annotated[str, Field(examples=["S1E3"])]
    slug: Annotated[str, Field(pattern=f"^{EPISODE_CODE_REGEX}$")]
    watched: Literal[True]
    title: str | None
    display_title: str
    release_date: dt.date | None
    runtime_minutes: Annotated[int, Field(ge=1)] | None
    writer: str | None
    director: str | None
    summary: Annotated[
        str | None,
        Field(description="What the episode is about, in 2 to 4 sentences; null when not written."),
    ]
    before_next: Annotated[
        str | None, Field(description="What to remember going into the next episode; null when not written.")
    ]
    url: Url


class UnwatchedEpisode(Closed):
    """An episode after h: its position and code, nothing else."""

    position: Position
    code: str
    watched: Literal[False]


Episode = WatchedEpisode | UnwatchedEpisode


# --- characters, storylines, plot points, questions -----------------------------------------


class CharacterRef(Closed):
    slug: str
    name: str
    url: Url


class StorylineRef(Closed):
    slug: str
    title: str
    url: Url


class Status(Closed):
    """A stamped status row: the latest one at or before h is current."""

    status: str
    note: str | None
    episode: Since


class PlotPoint(Closed):
    text: str
    level: SpoilerLevel
    twist: bool
    characters: list[CharacterRef]


class EpisodePoints(Closed):
    episode: EpisodeRef
    points: list[PlotPoint]


class Question(Closed):
    """`answer` and `answered` are null while the question is open at h."""

    slug: str
    text: str
    raised: Since
    answer: str | None
    answered: EpisodeRef | None
    url: Url


RelationshipKindName = Annotated[
    str,
    Field(
        description="A kind of tie, one of: " + ", ".join(k.value for k in RelationshipKind),
        json_schema_extra={"enum": [k.value for k in RelationshipKind]},
    ),
]


class Tie(Closed):
    """A relationship visible at h: `who` `words` `whom` ("works for"). `ended` is the
    episode that ended it, null while it has not ended by h."""

    who: CharacterRef
    kind: RelationshipKindName
    words: str
    whom: CharacterRef
    note: str | None
    since: EpisodeRef
    ended: EpisodeRef | None


class Connection(Closed):
    """A relationship seen from one character: the other one, and the kind in words
    from this character's side ("employs", "works for")."""

    other: CharacterRef
    kind: RelationshipKindName
    words: str
    note: str | None
    since: EpisodeRef
    ended: EpisodeRef | None


class StatusChange(Closed):
    kind: Literal["character", "storyline"]
    slug: str
    name: str
    change: Status
    url: Url


class News(Closed):
    """What one watched episode added."""

    characters_introduced: list[CharacterRef]
    status_changes: list[StatusChange]
    questions_raised: list[Question]
    questions_answered: list[Question]
    ties_revealed: Annotated[list[Tie], Field(description="Relationships it revealed.")]
    ties_ended: Annotated[list[Tie], Field(description="Relationships it ended.")]


class StorylineSummary(Closed):
    slug: str
    title: str
    summary: str
    status: Status | None
    url: Url


class StorylineStory(StorylineSummary):
    episodes: list[EpisodePoints]


class StorylineDetail(StorylineSummary):
    history: list[Status]
    episodes: list[EpisodePoints]


class CharacterSummary(Closed):
    slug: str
    name: str
    role: str
    actor: str | None
    status: Status | None
    aliases: list[str]
    url: Url


class Bio(Closed):
    text: str
    episode: Since


class CharacterDetail(CharacterSummary):
    """`introduced` is null for a character known from the premise."""

    introduced: Since
    bios: list[Bio]
    history: list[Status]
    appearances: list[EpisodeRef]
    connections: list[Connection]


SearchKind = Literal["character", "episode", "storyline", "question", "plot point"]


class SearchHit(Closed):
    kind: SearchKind
    title: str
    snippet: str
    snippet_html: Annotated[
        str, Field(description="The snippet as HTML: escaped, with <mark> around the matched words.")
    ]
    url: Url
    page: Annotated[Url, Field(description="The HTML page of the hit.")]


# --- the answers -----------------------------------------------------------------------------


class ShowList(Closed):
    shows: list[Show]


class At(Closed):
    """An answer at a horizon: the show, h, and the page's own data."""

    show: ShowBrief
    h: Horizon


class SliderStop(Closed):
    """A stop of the progress slider."""

    h: Horizon
    label: str


class Links(Closed):
    episodes: Url
    story: Url
    story_full: Url
    storylines: Url
    characters: Url
    questions: Url
    next_season: Url
    timeline: Url
    connections: Url
    search: Url


class Home(At):
    premise: str
    current_episode: WatchedEpisode | None
    news: News | None
    horizons: list[SliderStop]
    links: Links


class EpisodeList(At):
    episodes: list[Episode]


class RecapSection(Closed):
    storyline: StorylineRef
    points: list[PlotPoint]


class Recap(At):
    episode: WatchedEpisode
    storylines: list[RecapSection]
    news: News
    previous: WatchedEpisode | None
    next: WatchedEpisode | None


class Story(At):
    view: Literal["condensed", "full"]
    storylines: list[StorylineStory]


class StorylineList(At):
    storylines: list[StorylineSummary]


class Storyline(At):
    storyline: StorylineDetail


class CharacterList(At):
    characters: list[CharacterSummary]


class Character(At):
    character: CharacterDetail


class QuestionBoard(At):
    open: list[Question]
    answered: list[Question]


class QuestionAnswer(At):
    question: Question


class NextSeason(At):
    finished: Annotated[bool, Field(description="Whether h has reached a season's finale.")]
    season: Annotated[
        int | None, Field(description="The latest season whose finale h has reached; null before the first.")
    ]
    questions: Annotated[
        list[Question] | None,
        Field(
            description="Questions still open at that season's finale (with their answer once "
            "h reaches it); null before the first finale."
        ),
    ]


class TimelineRow(Closed):
    storyline: StorylineRef
    counts: list[Count]


class Timeline(At):
    episodes: list[EpisodeRef]
    storylines: list[TimelineRow]


class ConnectionList(At):
    """Who is tied to whom at h: the characters with a visible tie, in the show's order,
    and the relationships in the show's order."""

    characters: list[CharacterRef]
    ties: list[Tie]


class SearchCount(Closed):
    kind: SearchKind
    hits: int


class SearchResults(At):
    """Hits ranked best first (scored on what is visible at h alone), one page of them."""

    query: str
    hits: list[SearchHit]
    suggestions: list[str]
    total: Annotated[int, Field(description="Hits of every kind.")]
    counts: Annotated[list[SearchCount], Field(description="Hits per kind, of those found.")]
    kind: SearchKind | None
    page: int
    pages: Annotated[int, Field(description="Pages of hits of the chosen kind (or all).")]


class Suggestions(At):
    """Typeahead: visible names, aliases and titles the query, as typed, leads to."""

    query: str
    suggestions: list[str]
