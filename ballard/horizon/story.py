"""The story so far: storylines with their statuses and plot points, and the timeline."""

from __future__ import annotations

import functools
from collections import defaultdict
from itertools import groupby

from sqlalchemy import Select, bindparam, func, select

from ballard.horizon.core import SHOW, GateCore, H, lookup_key
from ballard.horizon.values import (
    NotVisible,
    PlotPointView,
    StatusView,
    StorylineRef,
    StorylineView,
    TimelineRow,
)
from ballard.models import PlotPoint, Storyline, StorylineStatus

_STATUSES = (
    select(
        StorylineStatus.storyline_id,
        StorylineStatus.status,
        StorylineStatus.note,
        StorylineStatus.revealed_in,
    )
    .where(
        StorylineStatus.storyline_id.in_(bindparam("ids", expanding=True)), StorylineStatus.revealed_in <= H
    )
    .order_by(StorylineStatus.revealed_in, StorylineStatus.id)
)
_COUNTS = (
    select(PlotPoint.storyline_id, PlotPoint.episode_position, func.count())
    .where(PlotPoint.show_id == SHOW, PlotPoint.revealed_in <= H)
    .group_by(PlotPoint.storyline_id, PlotPoint.episode_position)
)


# Storylines in the order they came into the story: each one's place depends only on the
# storylines introduced by its own episode, so it is the same at every later horizon.
_ARRIVALS = (
    select(Storyline.slug)
    .where(Storyline.show_id == SHOW, Storyline.introduced_in <= H)
    .order_by(Storyline.introduced_in, Storyline.sort_order, Storyline.slug)
)


@functools.cache
def _storylines_statement(one: bool) -> Select:
    """Storylines introduced by h, in the show's order (or the one with slug :storyline)."""
    only = [Storyline.slug == bindparam("storyline")] if one else []
    return (
        select(Storyline.id, Storyline.slug, Storyline.title, Storyline.summary)
        .where(Storyline.show_id == SHOW, Storyline.introduced_in <= H, *only)
        .order_by(Storyline.sort_order)
    )


class Storylines:
    """The gate's part for storylines: their statuses, plot points, arrivals, timeline."""

    def __init__(self, core: GateCore):
        self.core = core
        self._arrivals: dict[str, int] | None = None

    def storylines(
        self, levels: tuple[str, ...] | None = None, slug: str | None = None
    ) -> list[StorylineView]:
        """Every storyline introduced by h (or just `slug`) with its status and its plot
        points up to h.

        `levels` narrows the points (the condensed view shows major and twist); it never
        widens what is visible, which the stamps alone decide.
        """
        core = self.core
        rows = core.read(_storylines_statement(slug is not None), storyline=slug)
        statuses = self._statuses([s.id for s in rows])
        by_storyline: dict[str, list[tuple[int, PlotPointView]]] = defaultdict(list)
        for storyline, position, point in core.plot_points(levels=levels, storyline=slug):
            by_storyline[storyline.slug].append((position, point))
        cards = core.episodes()
        result = []
        for s in rows:
            history = statuses.get(s.id, ())
            points = tuple(
                (cards[position - 1], tuple(point for _, point in group))
                for position, group in groupby(by_storyline[s.slug], key=lambda row: row[0])
            )
            result.append(
                StorylineView(
                    s.slug,
                    s.title,
                    s.summary,
                    history[-1] if history else None,
                    history,
                    points,
                )
            )
        return result

    def storyline(self, slug: str) -> StorylineView:
        found = self.storylines(slug=lookup_key(slug))
        if not found:
            raise NotVisible(slug)
        return found[0]

    def _statuses(self, ids: list[int]) -> dict[int, tuple[StatusView, ...]]:
        rows = self.core.read(_STATUSES, ids=ids)
        result: dict[int, list[StatusView]] = defaultdict(list)
        for r in rows:
            result[r.storyline_id].append(self.core.status(r.status, r.note, r.revealed_in))
        return {k: tuple(v) for k, v in result.items()}

    def arrivals(self) -> dict[str, int]:
        """Each visible storyline's place in the order storylines arrived (0, 1, ...):
        stable from the horizon that introduces it on (the storylines' colours)."""
        if self._arrivals is None:
            self._arrivals = {slug: i for i, (slug,) in enumerate(self.core.read(_ARRIVALS))}
        return self._arrivals

    def timeline(self) -> list[TimelineRow]:
        """Plot points per storyline per watched episode, and each storyline's status at h,
        for the SVG picture."""
        table: dict[int, dict[int, int]] = defaultdict(dict)
        for storyline_id, position, n in self.core.read(_COUNTS):
            table[storyline_id][position] = n
        rows = self.core.read(_storylines_statement(False))
        statuses = self._statuses([s.id for s in rows])
        return [
            TimelineRow(
                StorylineRef(s.slug, s.title),
                tuple(table[s.id].get(e, 0) for e in range(1, self.core.h + 1)),
                statuses[s.id][-1] if statuses.get(s.id) else None,
            )
            for s in rows
        ]
