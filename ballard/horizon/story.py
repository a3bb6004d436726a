"""The story so far: storylines with their statuses and plot points, and the timeline."""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby

from sqlalchemy import func, select

from ballard.horizon.core import GateCore, lookup_key
from ballard.horizon.values import (
    NotVisible,
    PlotPointView,
    StatusView,
    StorylineRef,
    StorylineView,
    TimelineRow,
)
from ballard.models import PlotPoint, Storyline, StorylineStatus


class StorylineReads(GateCore):
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
        found = self.storylines(slug=lookup_key(slug))
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
