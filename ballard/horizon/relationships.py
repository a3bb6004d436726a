"""Relationships visible at h: revealed by h, between two characters introduced by h, and
marked ended only once the episode that ends them is watched."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import aliased

from ballard.horizon.core import GateCore
from ballard.horizon.values import CharacterRef, Connections, ConnectionView, TieView
from ballard.models import Character, Relationship
from ballard.vocabulary import words


class RelationshipReads(GateCore):
    def _ties(self, *conditions: ColumnElement[bool], character: str | None = None) -> list[TieView]:
        """The ties visible at h, in the show's order (optionally one character's)."""
        who, whom = aliased(Character), aliased(Character)
        if character is not None:
            conditions = (*conditions, or_(who.slug == character, whom.slug == character))
        rows = self.session.execute(
            select(Relationship.kind, Relationship.note, Relationship.revealed_in,
                   Relationship.ended_in, who.slug, who.name, whom.slug, whom.name)
            .join(who, Relationship.who_id == who.id)
            .join(whom, Relationship.whom_id == whom.id)
            .where(Relationship.show_id == self.show.id, Relationship.revealed_in <= self.h,
                   who.introduced_in <= self.h, whom.introduced_in <= self.h, *conditions)
            .order_by(Relationship.sort_order, Relationship.id)
        ).all()
        return [
            TieView(CharacterRef(r[4], r[5]), r.kind, CharacterRef(r[6], r[7]), r.note,
                    self._card_at(r.revealed_in),
                    self._card_at(r.ended_in) if r.ended_in is not None
                    and r.ended_in <= self.h else None)
            for r in rows
        ]

    def connections(self) -> Connections:
        """Every tie visible at h, and the characters they tie, in the show's order."""
        ties = self._ties()
        slugs = {t.who.slug for t in ties} | {t.whom.slug for t in ties}
        characters = self.session.execute(
            select(Character.slug, Character.name)
            .where(Character.show_id == self.show.id, Character.introduced_in <= self.h,
                   Character.slug.in_(slugs))
            .order_by(Character.sort_order)
        ).all() if slugs else []
        return Connections(tuple(CharacterRef(s, n) for s, n in characters), tuple(ties))

    def character_connections(self, slug: str) -> tuple[ConnectionView, ...]:
        """One (visible) character's ties, each from that character's side."""
        result = []
        for t in self._ties(character=slug):
            from_whom = t.whom.slug == slug
            result.append(ConnectionView(t.who if from_whom else t.whom, t.kind,
                                         words(t.kind, from_whom), t.note, t.since, t.ended))
        return tuple(result)

    def episode_ties(self, position: int) -> tuple[tuple[TieView, ...], tuple[TieView, ...]]:
        """(revealed, ended): the ties episode `position` (<= h) revealed and ended."""
        ties = self._ties(or_(Relationship.revealed_in == position,
                              Relationship.ended_in == position))
        return (tuple(t for t in ties if t.since.position == position),
                tuple(t for t in ties if t.ended is not None and t.ended.position == position))
