"""Characters introduced by h, with the bios, statuses and aliases revealed by h."""

from __future__ import annotations

from collections import defaultdict
from typing import TypeVar

from sqlalchemy import select

from ballard.horizon.core import GateCore, lookup_key
from ballard.horizon.values import BioView, CharacterDetail, CharacterSummary, NotVisible
from ballard.models import (
    Character,
    CharacterAlias,
    CharacterBio,
    CharacterStatus,
    PlotPoint,
    plot_point_characters,
)

# The stamped rows that hang off a character.
_Revealed = TypeVar("_Revealed", CharacterBio, CharacterStatus, CharacterAlias)


class CharacterReads(GateCore):
    def _characters(self) -> list[Character]:
        return list(self.session.scalars(
            select(Character)
            .where(Character.show_id == self.show.id, Character.introduced_in <= self.h)
            .order_by(Character.sort_order)
        ))

    def _character_rows(self, model: type[_Revealed], ids: list[int]) -> dict[int, list[_Revealed]]:
        """Each character's `model` rows revealed by h, oldest first, in one query."""
        rows = self.session.scalars(
            select(model)
            .where(model.character_id.in_(ids), model.revealed_in <= self.h)
            .order_by(model.revealed_in, model.id)
        )
        result: dict[int, list[_Revealed]] = defaultdict(list)
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
        slug = lookup_key(slug)
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
