"""The "previously on" refresher: one screen of what to remember before the next episode.

Built from the gate's own reads at h (no story table is read here): the cases still open
with their latest status, the fates that changed in the last two watched episodes, the
questions still open, the twists of the latest episode, and the next episode's code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ballard.horizon.values import PreviouslyOn

if TYPE_CHECKING:
    from ballard.horizon.gate import Gate

CLOSED = ("solved", "closed")
RECENT = 2  # "the last two watched episodes"


def previously_on(gate: Gate) -> PreviouslyOn:
    latest = gate.current_episode()
    if latest is None:
        return PreviouslyOn(None, (), (), (), (), _next(gate))
    cases = tuple(s for s in gate.storylines(levels=()) if s.status is None or s.status.status not in CLOSED)
    fates = tuple(
        change
        for position in range(max(1, gate.h - RECENT + 1), gate.h + 1)
        for change in gate.episode_news(position).status_changes
        if change.url_kind == "character"
    )
    twists = tuple(
        point for section in gate.recap(latest.slug).sections for point in section.points if point.is_twist
    )
    return PreviouslyOn(latest, cases, fates, gate.questions().open, twists, _next(gate))


def _next(gate: Gate):
    cards = gate.episodes()
    return cards[gate.h] if gate.h < len(cards) else None
