"""THE horizon gate: the only package that reads story tables on behalf of viewers.

A viewer's horizon h is the position of the last episode they have watched (0 = nothing).
Every query here filters on the row's stamp in SQL (`revealed_in <= h`, `introduced_in <= h`),
so rows from later episodes are never even loaded, and returns plain frozen dataclasses,
so templates cannot wander into relationships. Views call `open_gate()` and nothing else
from the data layer, and import it from here only. tests/test_architecture.py keeps it that way.

    values.py      the frozen dataclasses views get, and NotVisible
    gate.py        open_gate, find_show, list_shows, parse_horizon; the Gate, holding a core
                   and one part per kind of story fact, each holding that core:
    core.py          the show, h, episode cards, slider, recaps and plot points
    story.py         storylines, their statuses, the timeline
    characters.py    characters with their bios, statuses, aliases and appearances
    questions.py     questions, and what one episode added
    relationships.py who is tied to whom, and what one episode revealed or ended
    finale.py        a season's finale page: standings, cliffhangers, questions left
    refresher.py     the "previously on" refresher, from the reads above
    search.py        search: ranking (BM25 over rows visible at h), snippets, pages
    search_query.py  a typed query as terms, in each engine's match syntax
    search_index.py  the search index's reads at h (matching only; no engine scores)
"""

from ballard.horizon.gate import (
    Gate,
    find_show,
    list_shows,
    open_gate,
    parse_horizon,
    parse_season,
)
from ballard.horizon.search import PAGE_SIZE as SEARCH_PAGE_SIZE
from ballard.horizon.values import (
    SEARCH_KINDS,
    BioView,
    CharacterDetail,
    CharacterRef,
    CharacterSummary,
    Connections,
    ConnectionView,
    EpisodeCard,
    EpisodeNews,
    NotVisible,
    PlotPointView,
    PreviouslyOn,
    QuestionBoard,
    QuestionView,
    Recap,
    Renamed,
    SearchHit,
    SearchResults,
    SeasonFinale,
    ShowInfo,
    SliderStop,
    Standing,
    StatusChange,
    StatusView,
    StorylineRef,
    StorylineSection,
    StorylineView,
    TieView,
    TimelineRow,
)

__all__ = [
    "parse_season",
    "SEARCH_KINDS",
    "SEARCH_PAGE_SIZE",
    "BioView",
    "CharacterDetail",
    "CharacterRef",
    "CharacterSummary",
    "ConnectionView",
    "Connections",
    "EpisodeCard",
    "EpisodeNews",
    "Gate",
    "NotVisible",
    "PlotPointView",
    "PreviouslyOn",
    "QuestionBoard",
    "QuestionView",
    "Recap",
    "Renamed",
    "SearchHit",
    "SearchResults",
    "SeasonFinale",
    "ShowInfo",
    "SliderStop",
    "Standing",
    "StatusChange",
    "StatusView",
    "StorylineRef",
    "StorylineSection",
    "StorylineView",
    "TieView",
    "TimelineRow",
    "find_show",
    "list_shows",
    "open_gate",
    "parse_horizon",
]
