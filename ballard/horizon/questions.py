"""Questions raised by h (answered only when the answer is too), and what one watched
episode added: the questions it raised and answered, the fates it changed, new faces."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BindParameter, Row, Select, bindparam, or_, select

from ballard.horizon.core import SHOW, GateCore, H, lookup_key
from ballard.horizon.values import (
    CharacterRef,
    EpisodeNews,
    NotVisible,
    QuestionBoard,
    QuestionView,
    Renamed,
    SeasonSpan,
    StatusChange,
)
from ballard.models import Character, CharacterStatus, Question, Storyline, StorylineStatus


def _questions_statement(*conditions: Any) -> Select:
    """The questions raised by h, in the show's order, that also meet `conditions`."""
    return (
        select(Question.slug, Question.text, Question.raised_in, Question.answer, Question.answered_in)
        .where(Question.show_id == SHOW, Question.raised_in <= H, *conditions)
        .order_by(Question.sort_order)
    )


_POSITION: BindParameter[int] = bindparam("position")
_FINALE: BindParameter[int] = bindparam("finale")
_QUESTIONS = {
    "all": _questions_statement(),
    "one": _questions_statement(Question.slug == bindparam("question")),
    "raised or answered in": _questions_statement(
        or_(Question.raised_in == _POSITION, Question.answered_in == _POSITION)
    ),
    # Every row here is raised by the finale, so visible at h; its answer shows only
    # from answered_in (see _question).
    "left open": _questions_statement(
        Question.raised_in <= _FINALE, or_(Question.answered_in.is_(None), Question.answered_in > _FINALE)
    ),
}
# Questions raised by h that were renamed: their old slugs lead to them from raised_in on.
_RENAMED = select(Question.slug, Question.former_slugs).where(
    Question.show_id == SHOW, Question.raised_in <= H
)
_STORYLINE_CHANGES = (
    select(
        Storyline.slug,
        Storyline.title,
        StorylineStatus.status,
        StorylineStatus.note,
        StorylineStatus.revealed_in,
    )
    .join(StorylineStatus, StorylineStatus.storyline_id == Storyline.id)
    .where(Storyline.show_id == SHOW, StorylineStatus.revealed_in == _POSITION, Storyline.introduced_in <= H)
    .order_by(Storyline.sort_order, StorylineStatus.id)
)
_CHARACTER_CHANGES = (
    select(
        Character.slug,
        Character.name,
        CharacterStatus.status,
        CharacterStatus.note,
        CharacterStatus.revealed_in,
    )
    .join(CharacterStatus, CharacterStatus.character_id == Character.id)
    .where(
        Character.show_id == SHOW,
        CharacterStatus.revealed_in == _POSITION,
        Character.introduced_in <= H,
        # a newcomer's first status is already said by "new faces"
        Character.introduced_in < _POSITION,
    )
    .order_by(Character.sort_order, CharacterStatus.id)
)
_INTRODUCED = (
    select(Character.slug, Character.name)
    .where(Character.show_id == SHOW, Character.introduced_in == _POSITION)
    .order_by(Character.sort_order)
)


class Questions:
    """The gate's part for questions, and for what one watched episode added."""

    def __init__(self, core: GateCore):
        self.core = core

    def _questions(self, which: str, **params: Any) -> list[QuestionView]:
        """The questions raised by h, in the show's order, chosen by `which` (_QUESTIONS)."""
        return [self._question(q) for q in self.core.read(_QUESTIONS[which], **params)]

    def _question(self, q: Row[Any]) -> QuestionView:
        if q.answered_in is not None and q.answered_in <= self.core.h:
            return QuestionView(
                q.slug,
                q.text,
                self.core.episode_card(q.raised_in),
                q.answer,
                self.core.card_at(q.answered_in),
            )
        return QuestionView(q.slug, q.text, self.core.episode_card(q.raised_in))

    def questions(self) -> QuestionBoard:
        views = self._questions("all")
        return QuestionBoard(
            tuple(q for q in views if q.answered is None),
            tuple(q for q in views if q.answered is not None),
        )

    def question(self, slug: str) -> QuestionView:
        slug = lookup_key(slug)
        found = self._questions("one", question=slug)
        if not found:
            for new, former in self.core.read(_RENAMED):
                if slug in former:
                    raise Renamed("question", new)
            raise NotVisible(slug)
        return found[0]

    def next_season_questions(self) -> tuple[SeasonSpan, list[QuestionView]] | None:
        """The questions still open after the finale of the latest season h has finished;
        None before the first finale."""
        season = self.core.latest_finished_season()
        if season is None:
            return None
        left_open = self.left_open_after(season.number)
        assert left_open is not None, "h has reached the finale of a finished season"
        return season, left_open

    def left_open_after(self, number: int) -> list[QuestionView] | None:
        """The questions season `number` left open at its finale, each with the episode
        that later answered it only once h has reached that answer; None (nothing else:
        no count) before h reaches that finale. NotVisible for a season the show lacks."""
        finale = self.core.season_span(number).finale
        if self.core.h < finale:
            return None
        return self._questions("left open", finale=finale)

    # What an episode added --------------------------------------------------------------

    def episode_news(self, position: int) -> EpisodeNews:
        """Questions, fates and characters that episode `position` (<= h) added."""
        if not 1 <= position <= self.core.h:
            raise NotVisible(str(position))
        news = self._questions("raised or answered in", position=position)
        raised = [q for q in news if q.raised is not None and q.raised.position == position]
        answered = [q for q in news if q.answered is not None and q.answered.position == position]
        changes = [
            StatusChange(title, kind, slug, self.core.status(status, note, revealed_in))
            for kind, statement in (("storyline", _STORYLINE_CHANGES), ("character", _CHARACTER_CHANGES))
            for slug, title, status, note, revealed_in in self.core.read(statement, position=position)
        ]
        introduced = self.core.read(_INTRODUCED, position=position)
        return EpisodeNews(
            tuple(raised),
            tuple(answered),
            tuple(changes),
            tuple(CharacterRef(slug, name) for slug, name in introduced),
        )
