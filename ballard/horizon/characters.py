"""Characters introduced by h, with the bios, statuses and aliases revealed by h."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, TypeAlias

from sqlalchemy import Row, bindparam, select

from ballard.horizon.core import SHOW, GateCore, H, lookup_key
from ballard.horizon.values import BioView, CharacterDetail, CharacterSummary, NotVisible
from ballard.models import (
    Character,
    CharacterAlias,
    CharacterBio,
    CharacterStatus,
    PlotPoint,
    plot_point_characters,
)

_COLUMNS = (
    Character.id,
    Character.slug,
    Character.name,
    Character.role,
    Character.actor,
    Character.introduced_in,
)
_CHARACTERS = (
    select(*_COLUMNS)
    .where(Character.show_id == SHOW, Character.introduced_in <= H)
    .order_by(Character.sort_order)
)
_CHARACTER = select(*_COLUMNS).where(
    Character.show_id == SHOW, Character.slug == bindparam("character"), Character.introduced_in <= H
)
_APPEARANCES = (
    select(PlotPoint.episode_position)
    .join(plot_point_characters, plot_point_characters.c.plot_point_id == PlotPoint.id)
    .where(plot_point_characters.c.character_id == bindparam("character_id"), PlotPoint.revealed_in <= H)
    .distinct()
    .order_by(PlotPoint.episode_position)
)
# The stamped rows that hang off a character: each character's revealed by h, oldest
# first, in one query for any number of characters.
_REVEALED = {
    model: select(model.character_id, *columns)
    .where(model.character_id.in_(bindparam("ids", expanding=True)), model.revealed_in <= H)
    .order_by(model.revealed_in, model.id)
    for model, columns in (
        (CharacterStatus, (CharacterStatus.status, CharacterStatus.note, CharacterStatus.revealed_in)),
        (CharacterAlias, (CharacterAlias.alias,)),
        (CharacterBio, (CharacterBio.text, CharacterBio.revealed_in)),
    )
}


_Revealed: TypeAlias = CharacterStatus | CharacterAlias | CharacterBio


class Characters:
    """The gate's part for characters: their bios, statuses, aliases and appearances."""

    def __init__(self, core: GateCore):
        self.core = core

    def revealed(self, model: type[_Revealed], ids: list[int]) -> dict[int, list[Row[Any]]]:
        """The rows of `model` revealed by h for each of the characters `ids`, oldest first."""
        result: dict[int, list[Row[Any]]] = defaultdict(list)
        for r in self.core.read(_REVEALED[model], ids=ids):
            result[r.character_id].append(r)
        return result

    def _summaries(self, characters: list[Row[Any]]) -> list[CharacterSummary]:
        ids = [c.id for c in characters]
        statuses = self.revealed(CharacterStatus, ids)
        aliases = self.revealed(CharacterAlias, ids)
        return [self._summary(c, statuses[c.id], aliases[c.id]) for c in characters]

    def _summary(self, c: Row[Any], statuses: list[Row[Any]], aliases: list[Row[Any]]) -> CharacterSummary:
        latest = statuses[-1] if statuses else None
        return CharacterSummary(
            c.slug,
            c.name,
            c.role,
            c.actor,
            self.core.status(latest.status, latest.note, latest.revealed_in) if latest else None,
            tuple(a.alias for a in aliases),
        )

    def characters(self) -> list[CharacterSummary]:
        return self._summaries(list(self.core.read(_CHARACTERS)))

    def character(self, slug: str) -> CharacterDetail:
        """A character as of h, without their connections (the gate adds those)."""
        core = self.core
        found = core.read(_CHARACTER, character=lookup_key(slug))
        if not found:
            raise NotVisible(slug)
        c = found[0]
        statuses = self.revealed(CharacterStatus, [c.id])[c.id]
        summary = self._summary(c, statuses, self.revealed(CharacterAlias, [c.id])[c.id])
        bios = self.revealed(CharacterBio, [c.id])[c.id]
        positions = [p for (p,) in core.read(_APPEARANCES, character_id=c.id)]
        return CharacterDetail(
            summary,
            core.card_at(c.introduced_in) if c.introduced_in else None,
            tuple(BioView(b.text, core.card_at(b.revealed_in)) for b in bios),
            tuple(core.status(s.status, s.note, s.revealed_in) for s in statuses),
            tuple(core.episodes()[p - 1] for p in positions),
        )
