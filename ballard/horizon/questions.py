"""Questions raised by h (answered only when the answer is too), and what one watched
episode added: the questions it raised and answered, the fates it changed, new faces."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select

from ballard.horizon.core import GateCore, lookup_key
from ballard.horizon.values import (
    CharacterRef,
    EpisodeNews,
    NotVisible,
    QuestionBoard,
    QuestionView,
    SeasonSpan,
    StatusChange,
)
from ballard.models import Character, CharacterStatus, Question, Storyline, StorylineStatus


class QuestionReads(GateCore):
    def _questions(self, *conditions: ColumnElement[bool]) -> list[QuestionView]:
        """The questions raised by h, in the show's order (search reads them all so)."""
        rows = self.session.scalars(
            select(Question)
            .where(Question.show_id == self.show.id, Question.raised_in <= self.h, *conditions)
            .order_by(Question.sort_order)
        )
        return [self._question(q) for q in rows]

    def _question(self, q: Question) -> QuestionView:
        if q.answered_in is not None and q.answered_in <= self.h:
            return QuestionView(q.slug, q.text, self._card_at(q.raised_in), q.answer,
                                self._card_at(q.answered_in))
        return QuestionView(q.slug, q.text, self._card_at(q.raised_in))

    def questions(self) -> QuestionBoard:
        views = self._questions()
        return QuestionBoard(
            tuple(q for q in views if q.answered is None),
            tuple(q for q in views if q.answered is not None),
        )

    def question(self, slug: str) -> QuestionView:
        slug = lookup_key(slug)
        found = self._questions(Question.slug == slug)
        if not found:
            raise NotVisible(slug)
        return found[0]

    def next_season_questions(self) -> tuple[SeasonSpan, list[QuestionView]] | None:
        """The questions still open after the finale of the latest season h has finished;
        None before the first finale."""
        season = self.latest_finished_season()
        return None if season is None else (season, self.left_open_after(season.number))

    def season_span(self, number: int) -> SeasonSpan:
        """One season by number; NotVisible for one the show lacks."""
        for season in self.seasons():
            if season.number == number:
                return season
        raise NotVisible(str(number))

    def left_open_after(self, number: int) -> list[QuestionView] | None:
        """The questions season `number` left open at its finale, each with the episode
        that later answered it only once h has reached that answer; None (nothing else:
        no count) before h reaches that finale. NotVisible for a season the show lacks."""
        finale = self.season_span(number).finale
        if self.h < finale:
            return None
        # Every row here is raised by the finale, so visible at h; its answer shows only
        # from answered_in (see _question).
        return self._questions(Question.raised_in <= finale,
                               or_(Question.answered_in.is_(None), Question.answered_in > finale))

    # What an episode added --------------------------------------------------------------

    def episode_news(self, position: int) -> EpisodeNews:
        """Questions, fates and characters that episode `position` (<= h) added."""
        if not 1 <= position <= self.h:
            raise NotVisible(str(position))
        raised = self._questions(Question.raised_in == position)
        answered = self._questions(Question.answered_in == position)
        changes: list[StatusChange] = []
        for s, st in self.session.execute(
            select(Storyline, StorylineStatus)
            .join(StorylineStatus, StorylineStatus.storyline_id == Storyline.id)
            .where(Storyline.show_id == self.show.id, StorylineStatus.revealed_in == position,
                   Storyline.introduced_in <= self.h)
            .order_by(Storyline.sort_order, StorylineStatus.id)
        ):
            changes.append(StatusChange(s.title, "storyline", s.slug,
                                        self._status(st.status, st.note, st.revealed_in)))
        for c, st in self.session.execute(
            select(Character, CharacterStatus)
            .join(CharacterStatus, CharacterStatus.character_id == Character.id)
            .where(Character.show_id == self.show.id, CharacterStatus.revealed_in == position,
                   Character.introduced_in <= self.h,
                   # a newcomer's first status is already said by "new faces"
                   Character.introduced_in < position)
            .order_by(Character.sort_order, CharacterStatus.id)
        ):
            changes.append(StatusChange(c.name, "character", c.slug,
                                        self._status(st.status, st.note, st.revealed_in)))
        introduced = self.session.execute(
            select(Character.slug, Character.name)
            .where(Character.show_id == self.show.id, Character.introduced_in == position)
            .order_by(Character.sort_order)
        ).all()
        return EpisodeNews(
            tuple(raised), tuple(answered), tuple(changes),
            tuple(CharacterRef(slug, name) for slug, name in introduced),
        )
