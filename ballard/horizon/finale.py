"""The finale page's reads: once h reaches a season's finale, where each main character
stands at the end of that season, the finale's cliffhangers, and the questions it leaves.

"The end of the season" is the finale, never h: a reader further on sees each character
as the finale left them (a later status belongs to a later season). Every row read here
is stamped at or before the finale, so at or before h.

A main character is one the season's plot points tag in at least a third of its
episodes (and at least one), or one met before the finale whose status the finale
changes (Gary Pearlman: on screen in 3 of 10 episodes, caught in the last): the cast the
season is about, from the content alone, with no flag to keep up to date.
"""

from __future__ import annotations

from sqlalchemy import BindParameter, and_, bindparam, func, or_, select

from ballard.horizon.characters import Characters
from ballard.horizon.core import SHOW, GateCore, H
from ballard.horizon.questions import Questions
from ballard.horizon.values import CharacterRef, SeasonFinale, Standing
from ballard.models import Character, CharacterStatus, PlotPoint, SpoilerLevel, plot_point_characters

_FIRST: BindParameter[int] = bindparam("first")
_FINALE: BindParameter[int] = bindparam("finale")
_LEAST: BindParameter[int] = bindparam("least")
_MAIN_CHARACTERS = (
    select(Character.id, Character.slug, Character.name)
    .join(plot_point_characters, plot_point_characters.c.character_id == Character.id)
    .join(PlotPoint, PlotPoint.id == plot_point_characters.c.plot_point_id)
    .where(
        Character.show_id == SHOW,
        Character.introduced_in <= _FINALE,
        Character.introduced_in <= H,
        PlotPoint.revealed_in <= _FINALE,
        PlotPoint.revealed_in <= H,
        PlotPoint.episode_position >= _FIRST,
        PlotPoint.episode_position <= _FINALE,
    )
    .group_by(Character.id, Character.slug, Character.name, Character.sort_order, Character.introduced_in)
    .having(
        or_(
            func.count(PlotPoint.episode_position.distinct()) >= _LEAST,
            and_(
                Character.introduced_in < _FINALE,
                Character.id.in_(
                    select(CharacterStatus.character_id).where(CharacterStatus.revealed_in == _FINALE)
                ),
            ),
        )
    )
    .order_by(Character.sort_order)
)
CLIFFHANGER_LEVELS = (SpoilerLevel.TWIST.value,)


def main_character_threshold(episodes: int) -> int:
    """Episodes (of the season's) a character must be tagged in to count as main."""
    return max(1, -(-episodes // 3))


class Finales:
    """The gate's part for a season's finale page, read through the characters' and the
    questions' parts."""

    def __init__(self, core: GateCore, characters: Characters, questions: Questions):
        self.core = core
        self.characters = characters
        self.questions = questions

    def season_finale(self, number: int) -> SeasonFinale | None:
        """Season `number`'s finale page; None (nothing else) before h reaches its
        finale. NotVisible for a season the show lacks."""
        core = self.core
        season = core.season_span(number)
        finale = season.finale
        if core.h < finale:
            return None
        first = season.episodes[0].position
        main = core.read(
            _MAIN_CHARACTERS, first=first, finale=finale, least=main_character_threshold(len(season.episodes))
        )
        statuses = self.characters.revealed(CharacterStatus, [c.id for c in main])
        standings = []
        for c in main:
            rows = [s for s in statuses[c.id] if s.revealed_in <= finale]
            latest = rows[-1] if rows else None
            standings.append(
                Standing(
                    CharacterRef(c.slug, c.name),
                    core.status(latest.status, latest.note, latest.revealed_in) if latest else None,
                )
            )
        cliffhangers = tuple(
            point for _, _, point in core.plot_points(position=finale, levels=CLIFFHANGER_LEVELS)
        )
        return SeasonFinale(
            season, tuple(standings), cliffhangers, tuple(self.questions.left_open_after(number) or ())
        )
