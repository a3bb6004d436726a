"""Relationships visible at h: revealed by h, between two characters introduced by h, and
marked ended only once the episode that ends them is watched."""

from __future__ import annotations

import functools

from sqlalchemy import BindParameter, Select, bindparam, or_, select
from sqlalchemy.orm import aliased

from ballard.horizon.core import SHOW, GateCore, H
from ballard.horizon.values import CharacterRef, Connections, ConnectionView, TieView
from ballard.models import Character, Relationship
from ballard.vocabulary import words

_CHARACTERS = (
    select(Character.slug, Character.name)
    .where(
        Character.show_id == SHOW,
        Character.introduced_in <= H,
        Character.slug.in_(bindparam("slugs", expanding=True)),
    )
    .order_by(Character.sort_order)
)


@functools.cache
def _ties_statement(episode: bool, character: bool) -> Select:
    """Ties visible at h in the show's order: all, those episode :position revealed or
    ended, or those of the character :character."""
    who, whom = aliased(Character), aliased(Character)
    conditions = []
    if episode:
        position: BindParameter[int] = bindparam("position")
        conditions.append(or_(Relationship.revealed_in == position, Relationship.ended_in == position))
    if character:
        slug: BindParameter[str] = bindparam("character")
        conditions.append(or_(who.slug == slug, whom.slug == slug))
    return (
        select(
            Relationship.kind,
            Relationship.note,
            Relationship.revealed_in,
            Relationship.ended_in,
            who.slug,
            who.name,
            whom.slug,
            whom.name,
        )
        .join(who, Relationship.who_id == who.id)
        .join(whom, Relationship.whom_id == whom.id)
        .where(
            Relationship.show_id == SHOW,
            Relationship.revealed_in <= H,
            who.introduced_in <= H,
            whom.introduced_in <= H,
            *conditions,
        )
        .order_by(Relationship.sort_order, Relationship.id)
    )


class Relationships:
    """The gate's part for who is tied to whom."""

    def __init__(self, core: GateCore):
        self.core = core

    def _ties(self, position: int | None = None, character: str | None = None) -> list[TieView]:
        """The ties visible at h, in the show's order (optionally only those episode
        `position` revealed or ended, or one character's)."""
        statement = _ties_statement(position is not None, character is not None)
        rows = self.core.read(statement, position=position, character=character)
        return [
            TieView(
                CharacterRef(r[4], r[5]),
                r.kind,
                CharacterRef(r[6], r[7]),
                r.note,
                self.core.episode_card(r.revealed_in),
                self.core.card_at(r.ended_in)
                if r.ended_in is not None and r.ended_in <= self.core.h
                else None,
            )
            for r in rows
        ]

    def connections(self) -> Connections:
        """Every tie visible at h, and the characters they tie, in the show's order."""
        ties = self._ties()
        slugs = {t.who.slug for t in ties} | {t.whom.slug for t in ties}
        characters = self.core.read(_CHARACTERS, slugs=sorted(slugs)) if slugs else []
        return Connections(tuple(CharacterRef(s, n) for s, n in characters), tuple(ties))

    def character_connections(self, slug: str) -> tuple[ConnectionView, ...]:
        """One (visible) character's ties, each from that character's side."""
        result = []
        for t in self._ties(character=slug):
            from_whom = t.whom.slug == slug
            result.append(
                ConnectionView(
                    t.who if from_whom else t.whom, t.kind, words(t.kind, from_whom), t.note, t.since, t.ended
                )
            )
        return tuple(result)

    def episode_ties(self, position: int) -> tuple[tuple[TieView, ...], tuple[TieView, ...]]:
        """(revealed, ended): the ties episode `position` (<= h) revealed and ended."""
        ties = self._ties(position=position)
        return (
            tuple(t for t in ties if t.since.position == position),
            tuple(t for t in ties if t.ended is not None and t.ended.position == position),
        )
