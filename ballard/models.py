"""Typed SQLAlchemy models.

Story state is never a plain column: every fact is a row carrying the episode position
in which a viewer learns it (`revealed_in`, `introduced_in`, `raised_in`, `answered_in`).
Only ballard.horizon reads these tables for viewers.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TypeAlias

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ballard.db import REVEALS_INFO, STAMP_INFO, Base, StrEnumText, intpk, stamp
from ballard.vocabulary import RelationshipKind


class SpoilerLevel(enum.StrEnum):
    MINOR = "minor"
    MAJOR = "major"
    TWIST = "twist"


class Confidence(enum.StrEnum):
    SURE = "sure"
    LIKELY = "likely"
    UNPLACED = "unplaced"


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    SOLVED = "solved"
    CLOSED = "closed"


# Enum columns are typed by their enum (as Warehouse does): `Mapped[Confidence]` is a
# VARCHAR(10) that reads back as a Confidence.
Base.registry.update_type_annotation_map(
    {
        SpoilerLevel: StrEnumText(SpoilerLevel, 10),
        Confidence: StrEnumText(Confidence, 10),
        CaseStatus: StrEnumText(CaseStatus, 20),
        RelationshipKind: StrEnumText(RelationshipKind, 20),
    }
)


def _values(enum_cls: type[enum.StrEnum]) -> str:
    return ", ".join(f"'{member.value}'" for member in enum_cls)


class Show(Base):
    __tablename__ = "shows"

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    network: Mapped[str | None] = mapped_column(String(200))
    # Visible at h = 0: what someone who has seen nothing may read.
    premise: Mapped[str] = mapped_column(Text)

    seasons: Mapped[list[Season]] = relationship(
        back_populates="show", cascade="all, delete-orphan", order_by="Season.number"
    )
    episodes: Mapped[list[Episode]] = relationship(
        back_populates="show", cascade="all, delete-orphan", order_by="Episode.position"
    )

    def __repr__(self) -> str:
        return f"<Show {self.slug}>"


class Season(Base):
    __tablename__ = "seasons"
    __table_args__ = (UniqueConstraint("show_id", "number"),)

    id: Mapped[intpk]
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"))
    number: Mapped[int]
    first_position: Mapped[int]

    show: Mapped[Show] = relationship(back_populates="seasons")

    def __repr__(self) -> str:
        return f"<Season {self.number} of show {self.show_id}>"


class Episode(Base):
    __tablename__ = "episodes"
    __table_args__ = (
        UniqueConstraint("show_id", "position"),
        CheckConstraint("position >= 1", name="position_positive"),
    )

    id: Mapped[intpk]
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"))
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete="CASCADE"), index=True)
    # The episode's own stamp: its position in the show's order (S1E1 = 1). The episode
    # exists from the premise on ("S1E7"); what it is called and who made it, from here.
    position: Mapped[int] = mapped_column(
        info={
            STAMP_INFO: True,
            REVEALS_INFO: (
                "title",
                "release_date",
                "runtime_minutes",
                "writer",
                "director",
                "summary",
                "before_next",
            ),
        }
    )
    number: Mapped[int]
    title: Mapped[str | None] = mapped_column(String(200))
    release_date: Mapped[dt.date | None]
    runtime_minutes: Mapped[int | None]
    writer: Mapped[str | None] = mapped_column(String(300))
    director: Mapped[str | None] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(Text)
    before_next: Mapped[str | None] = mapped_column(Text)

    show: Mapped[Show] = relationship(back_populates="episodes")
    season: Mapped[Season] = relationship()

    def __repr__(self) -> str:
        return f"<Episode {self.position} of show {self.show_id}>"


class Storyline(Base):
    __tablename__ = "storylines"
    __table_args__ = (UniqueConstraint("show_id", "slug"),)

    id: Mapped[intpk]
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    # Title and summary are shown from introduced_in on, so they must be safe then.
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    introduced_in: Mapped[stamp]
    sort_order: Mapped[int]

    statuses: Mapped[list[StorylineStatus]] = relationship(
        cascade="all, delete-orphan", order_by="StorylineStatus.revealed_in"
    )

    def __repr__(self) -> str:
        return f"<Storyline {self.slug}>"


class StorylineStatus(Base):
    __tablename__ = "storyline_statuses"
    __table_args__ = (CheckConstraint(f"status IN ({_values(CaseStatus)})", name="status_known"),)

    id: Mapped[intpk]
    storyline_id: Mapped[int] = mapped_column(ForeignKey("storylines.id", ondelete="CASCADE"), index=True)
    revealed_in: Mapped[stamp]
    status: Mapped[CaseStatus]
    note: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<StorylineStatus {self.status} @{self.revealed_in}>"


class Character(Base):
    __tablename__ = "characters"
    __table_args__ = (UniqueConstraint("show_id", "slug"),)

    id: Mapped[intpk]
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    # Spellings the spoiler lint looks for in text; never shown to viewers.
    short_names: Mapped[list[str]]
    introduced_in: Mapped[stamp]
    role: Mapped[str] = mapped_column(String(300))
    actor: Mapped[str | None] = mapped_column(String(200))
    sort_order: Mapped[int]

    bios: Mapped[list[CharacterBio]] = relationship(
        cascade="all, delete-orphan", order_by="(CharacterBio.revealed_in, CharacterBio.id)"
    )
    statuses: Mapped[list[CharacterStatus]] = relationship(
        cascade="all, delete-orphan",
        order_by="(CharacterStatus.revealed_in, CharacterStatus.id)",
    )
    aliases: Mapped[list[CharacterAlias]] = relationship(
        cascade="all, delete-orphan", order_by="(CharacterAlias.revealed_in, CharacterAlias.id)"
    )

    def __repr__(self) -> str:
        return f"<Character {self.slug}>"


class CharacterBio(Base):
    __tablename__ = "character_bios"

    id: Mapped[intpk]
    character_id: Mapped[int] = mapped_column(ForeignKey("characters.id", ondelete="CASCADE"), index=True)
    revealed_in: Mapped[stamp]
    text: Mapped[str] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<CharacterBio {self.character_id} @{self.revealed_in}>"


class CharacterStatus(Base):
    __tablename__ = "character_statuses"

    id: Mapped[intpk]
    character_id: Mapped[int] = mapped_column(ForeignKey("characters.id", ondelete="CASCADE"), index=True)
    revealed_in: Mapped[stamp]
    status: Mapped[str] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<CharacterStatus {self.status} @{self.revealed_in}>"


class CharacterAlias(Base):
    __tablename__ = "character_aliases"

    id: Mapped[intpk]
    character_id: Mapped[int] = mapped_column(ForeignKey("characters.id", ondelete="CASCADE"), index=True)
    revealed_in: Mapped[stamp]
    alias: Mapped[str] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"<CharacterAlias {self.alias} @{self.revealed_in}>"


plot_point_characters = Table(
    "plot_point_characters",
    Base.metadata,
    Column("plot_point_id", ForeignKey("plot_points.id", ondelete="CASCADE"), primary_key=True),
    Column("character_id", ForeignKey("characters.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class PlotPoint(Base):
    __tablename__ = "plot_points"
    __table_args__ = (
        UniqueConstraint("show_id", "episode_position", "sort_order"),
        CheckConstraint(f"spoiler_level IN ({_values(SpoilerLevel)})", name="level_known"),
        CheckConstraint(f"confidence IN ({_values(Confidence)})", name="confidence_known"),
        CheckConstraint("revealed_in >= episode_position", name="not_revealed_before_shown"),
        Index("ix_plot_points_show_revealed", "show_id", "revealed_in"),
        # A unique index rather than a constraint, so SQLite gets it without a table copy.
        Index("uq_plot_points_show_id_slug", "show_id", "slug", unique=True),
    )

    id: Mapped[intpk]
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"))
    # Its key in the show, kept across loads and moves (see ballard/story/plot_point.py).
    slug: Mapped[str] = mapped_column(String(80))
    # The episode whose recap tells it, and the episode by which a viewer knows it.
    episode_position: Mapped[stamp]
    revealed_in: Mapped[stamp]
    storyline_id: Mapped[int] = mapped_column(ForeignKey("storylines.id", ondelete="CASCADE"), index=True)
    spoiler_level: Mapped[SpoilerLevel]
    sort_order: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    confidence: Mapped[Confidence]
    sources: Mapped[list[str]]

    storyline: Mapped[Storyline] = relationship()
    characters: Mapped[list[Character]] = relationship(
        secondary=plot_point_characters, order_by="Character.sort_order"
    )

    def __repr__(self) -> str:
        return f"<PlotPoint {self.slug}>"


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (
        UniqueConstraint("show_id", "slug"),
        CheckConstraint(f"confidence IN ({_values(Confidence)})", name="confidence_known"),
        CheckConstraint("answered_in IS NULL OR answered_in >= raised_in", name="answered_after_raised"),
    )

    id: Mapped[intpk]
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    raised_in: Mapped[stamp]
    # The question exists from raised_in; its answer only from answered_in.
    answered_in: Mapped[int | None] = mapped_column(info={STAMP_INFO: True, REVEALS_INFO: ("answer",)})
    answer: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[Confidence]
    sources: Mapped[list[str]]
    # Old slugs whose addresses redirect here, from raised_in on (never shown).
    former_slugs: Mapped[list[str]]
    sort_order: Mapped[int]

    def __repr__(self) -> str:
        return f"<Question {self.slug}>"


class Relationship(Base):
    """A tie between two characters, as a viewer learns it: "who <kind> whom" from
    `revealed_in`, and ended (a partnership over, a death) from `ended_in`.

    What a tie turns out to be is its own later row, never an edit of this one. The lint
    refuses a row shown before both characters are introduced.
    """

    __tablename__ = "relationships"
    __table_args__ = (
        UniqueConstraint("show_id", "slug"),
        CheckConstraint(f"kind IN ({_values(RelationshipKind)})", name="kind_known"),
        CheckConstraint(f"confidence IN ({_values(Confidence)})", name="confidence_known"),
        CheckConstraint("ended_in IS NULL OR ended_in > revealed_in", name="ended_after_revealed"),
        CheckConstraint("who_id <> whom_id", name="two_characters"),
    )

    id: Mapped[intpk]
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    who_id: Mapped[int] = mapped_column(ForeignKey("characters.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RelationshipKind]
    whom_id: Mapped[int] = mapped_column(ForeignKey("characters.id", ondelete="CASCADE"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    revealed_in: Mapped[stamp]
    # The tie exists from revealed_in; that it ended, only from ended_in.
    ended_in: Mapped[int | None] = mapped_column(info={STAMP_INFO: True, REVEALS_INFO: ()})
    confidence: Mapped[Confidence]
    sources: Mapped[list[str]]
    sort_order: Mapped[int]

    who: Mapped[Character] = relationship(foreign_keys=[who_id])
    whom: Mapped[Character] = relationship(foreign_keys=[whom_id])

    def __repr__(self) -> str:
        return f"<Relationship {self.slug}>"


class SearchEntry(Base):
    """One searchable text of one search hit, with the stamp from which a viewer may see it.

    Derived from the story rows by ballard/content/search_index.py, inside the same
    transaction as every load and editor save. One row per stamp (a character's name and
    each alias apart), so a later row can never change an earlier row's text or score.
    Both engines index `tokens`, the folded text with the show's marker on every word
    (textfold.show_tokens), so a word's postings are this show's: SQLite in the FTS5 table
    search_fts (kept in step by triggers), PostgreSQL with a GIN index on
    to_tsvector('search_english', tokens). Both are made by the migrations, not here (see
    migrations/env.py).
    """

    __tablename__ = "search_entries"
    __table_args__ = (Index("ix_search_entries_show_visible", "show_id", "visible_from"),)

    id: Mapped[intpk]
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"))
    # The hit this text belongs to ("character:ted-rawls") and what it shows and links to.
    document: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(400))
    # Names, aliases and titles weigh more than plot text.
    weight: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    # body with diacritics removed, character for character (PostgreSQL indexes this).
    folded: Mapped[str] = mapped_column(Text)
    # folded with the show's marker on every word: what the engines index.
    tokens: Mapped[str] = mapped_column(Text)
    words: Mapped[int]
    sort_order: Mapped[int]
    visible_from: Mapped[stamp]

    def __repr__(self) -> str:
        return f"<SearchEntry {self.document} @{self.visible_from}>"


class ContentVersion(Base):
    """One row; bumped by every content change so caches keyed on it go stale together."""

    __tablename__ = "content_version"

    id: Mapped[intpk]
    version: Mapped[int]
    updated_at: Mapped[dt.datetime]
    # New and random with every bump: a restore or a recreated database can bring the
    # number back, never the token (ballard/content/version.py).
    token: Mapped[str | None] = mapped_column(String(32))

    def __repr__(self) -> str:
        return f"<ContentVersion {self.version}>"


# Tables that hold story facts; the architecture test keeps viewer code away from them.
STORY_MODELS = (
    Show,
    Season,
    Episode,
    Storyline,
    StorylineStatus,
    Character,
    CharacterBio,
    CharacterStatus,
    CharacterAlias,
    PlotPoint,
    Question,
    Relationship,
    SearchEntry,
)


# --- editors ------------------------------------------------------------------------------
# Not story facts: editor accounts, their failed sign-ins, and the revision history.


class User(Base):
    """An editor account. Viewers have no accounts."""

    __tablename__ = "users"

    id: Mapped[intpk]
    # Stored lowercased, so sign-in is case-insensitive on the address.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime]
    # Part of the session fingerprint: sign-out and a password change raise it, which ends
    # every session issued before on the server (ballard/editor/accounts.py).
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class LoginAttempt(Base):
    """A failed sign-in, kept for a short window to rate-limit password guessing.

    In the database rather than in memory, so every gunicorn worker and every instance
    behind the load balancer counts the same attempts.
    """

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_ip_attempted_at", "ip", "attempted_at"),)

    id: Mapped[intpk]
    ip: Mapped[str] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(254))
    attempted_at: Mapped[dt.datetime]

    def __repr__(self) -> str:
        return f"<LoginAttempt {self.email} from {self.ip}>"


class EntityKind(enum.StrEnum):
    EPISODE = "episode"
    STORYLINE = "storyline"
    CHARACTER = "character"
    PLOT_POINT = "plot_point"
    QUESTION = "question"
    RELATIONSHIP = "relationship"


class Revision(Base):
    """One editor change to one story entity: who, when, what, and the row before and after.

    `entity_key` is the entity's natural key within its show (a slug, an episode code such
    as "s1e3", or "s1e3/2" for the plot point in sort slot 2 of S1E3). `before` and `after`
    are JSON snapshots in the content pack's own shape; None means "did not exist".
    """

    __tablename__ = "revisions"
    __table_args__ = (
        CheckConstraint(f"entity_kind IN ({_values(EntityKind)})", name="entity_kind_known"),
        Index("ix_revisions_entity", "show_id", "entity_kind", "entity_key"),
    )

    id: Mapped[intpk]
    # (show_id leads ix_revisions_entity, which serves the per-show history too.)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime]
    entity_kind: Mapped[str] = mapped_column(String(20))
    entity_key: Mapped[str] = mapped_column(String(120))
    before: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    # The content version this change produced.
    content_version: Mapped[int]
    # Set when this change restored an earlier version.
    restored_from_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Revision {self.id} {self.entity_kind} {self.entity_key}>"


# A show's row with a slug, kept in the show's order: what the helpers that find, create
# and order rows of any of these kinds take (as `type[SluggedRow]`).
SluggedRow: TypeAlias = Storyline | Character | Question | Relationship | PlotPoint
