"""The "previously on" refresher: one screen of what to remember before the next episode.

Built from the gate's own parts at h (no story table is read here): the cases still open
with their latest status, the fates that changed in the last two watched episodes, the
questions still open, the twists of the latest episode, and the next episode's code.
"""

from __future__ import annotations

from ballard.horizon.core import GateCore
from ballard.horizon.questions import Questions
from ballard.horizon.story import Storylines
from ballard.horizon.values import EpisodeCard, PreviouslyOn

CLOSED = ("solved", "closed")
RECENT = 2  # "the last two watched episodes"


class Refresher:
    """The gate's part for the refresher, read through the storylines' and questions' parts."""

    def __init__(self, core: GateCore, storylines: Storylines, questions: Questions):
        self.core = core
        self.storylines = storylines
        self.questions = questions

    def previously(self) -> PreviouslyOn:
        core = self.core
        latest = core.current_episode()
        if latest is None:
            return PreviouslyOn(None, (), (), (), (), self._next())
        cases = tuple(
            s
            for s in self.storylines.storylines(levels=())
            if s.status is None or s.status.status not in CLOSED
        )
        # The fates only: the ties an episode revealed or ended (the gate's episode_news
        # adds those) are not read.
        fates = tuple(
            change
            for position in range(max(1, core.h - RECENT + 1), core.h + 1)
            for change in self.questions.episode_news(position).status_changes
            if change.url_kind == "character"
        )
        twists = tuple(
            point
            for section in core.recap(latest.slug).sections
            for point in section.points
            if point.is_twist
        )
        return PreviouslyOn(latest, cases, fates, self.questions.questions().open, twists, self._next())

    def _next(self) -> EpisodeCard | None:
        cards, h = self.core.episodes(), self.core.h
        return cards[h] if h < len(cards) else None
