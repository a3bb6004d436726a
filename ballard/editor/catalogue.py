"""A show's episodes as the editor needs them: codes to positions, and the stamp choices
("1 · S1E1 Library of Lost Souls") every stamp field offers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ballard.models import Episode, Season, Show
from ballard.story.fields import episode_code


@dataclass(frozen=True)
class EpisodeSlot:
    position: int
    code: str  # "s1e3"
    title: str | None

    @property
    def label(self) -> str:
        """'S1E3 Tin Men', or 'S1E9' when no title is known."""
        return f"{self.code.upper()} {self.title}" if self.title else self.code.upper()


class Catalogue:
    """A show's episodes, for turning codes into positions and listing stamps."""

    def __init__(self, session: Session, show: Show):
        self.show = show
        rows = session.execute(
            select(Episode, Season.number)
            .join(Season, Episode.season_id == Season.id)
            .where(Episode.show_id == show.id)
            .order_by(Episode.position)
        ).all()
        self.slots = [EpisodeSlot(e.position, episode_code(n, e.number), e.title) for e, n in rows]
        self._by_code = {s.code: s for s in self.slots}
        self._by_position = {s.position: s for s in self.slots}

    @property
    def last_position(self) -> int:
        return self.slots[-1].position if self.slots else 0

    def by_code(self, code: str) -> EpisodeSlot | None:
        return self._by_code.get(code)

    def code(self, position: int) -> str:
        slot = self._by_position.get(position)
        return slot.code if slot else f"#{position}"

    def stamp_choices(self) -> list[tuple[int, str]]:
        """('0 · premise'), ('1 · S1E1 Library of Lost Souls'), ...: every stamp there is
        (a stamp field offers those from its own minimum on)."""
        return [(0, "0 · premise"), *((s.position, f"{s.position} · {s.label}") for s in self.slots)]
