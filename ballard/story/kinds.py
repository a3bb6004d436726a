"""The registry of story kinds: one `StoryKind` per kind, the only place a kind is described.

Each holds its pack model (`schema`), its table, the nested lists of its stamped rows,
where the pack lists it, its labels and its editor page (form fields first, submit text,
template, endpoint and URL argument). The pack loader and checks, the dumper, the lint,
the editor's write path, history and pages read a kind from here instead of naming its
fields themselves.

What the layers above this one do with a kind (the editor's load, apply and snapshot,
its form class, its pages' previews) they attach with `bind()` when they are imported,
so that this layer imports none of them; reading a part no layer attached is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ballard.db import Base
from ballard.models import (
    Character,
    CharacterAlias,
    CharacterBio,
    CharacterStatus,
    EntityKind,
    Episode,
    PlotPoint,
    Question,
    Relationship,
    Storyline,
    StorylineStatus,
)
from ballard.story import character, plot_point, question, relationship, storyline
from ballard.story.character import CharacterIn
from ballard.story.fields import Row
from ballard.story.plot_point import PlotPointIn
from ballard.story.question import QuestionIn
from ballard.story.relationship import RelationshipIn
from ballard.story.show import EpisodeIn
from ballard.story.storyline import StorylineIn

# Storylines, characters, questions and relationships share one edit page.
SLUGGED_PAGE = "editor/slugged.html"


@dataclass(eq=False)
class StoryKind:
    name: str  # as in revisions and findings: "plot_point"
    label: str  # as people read it: "plot point"
    schema: type[Row]
    model: type[Base]
    # nested list field -> the table of its stamped rows: "bios" -> CharacterBio
    children: Mapping[str, type[Base]] = field(default_factory=dict)
    # the pack's top-level list of a kind listed by slug ("storylines"), with a list page
    # of its own in the editor, where it is created and edited by slug alone
    list_name: str | None = None
    # the editor page: its form's first fields (what an editor writes first), the rest
    # in the model's order; its submit button; its template; the edit page's URL argument
    # (slugged kinds; an episode's is "episode")
    lead: tuple[str, ...] = ()
    submit: str = ""
    template: str = ""
    arg: str | None = None
    # a row -> its pack model (slugged kinds and plot points), and the relationships that
    # reads, loaded with the row
    dump: Callable[[Any], Row] | None = None
    # fill(row, pack model, rows already placed by list name): a slugged kind's own fill
    # (ballard/story/<kind>.py), given the rows it names ("characters")
    fill: Callable[[Any, Any, Mapping[str, Mapping[str, Any]]], None] | None = None
    eager: tuple[Any, ...] = ()
    # a slugged kind in a season file: the model a later season gives it with (its slug,
    # stamped child rows and closing fields), its own stamp, and the fields a later season
    # may close it with (the stamp first)
    later: type[Row] | None = None
    # field -> the slugged list whose slug it names ("who" -> "characters"), checked in a pack
    refs: Mapping[str, str] = field(default_factory=dict)
    stamp: str = ""
    closing: tuple[str, ...] = ()
    # attached by the layers above (bind)
    _parts: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.submit = self.submit or f"Save {self.label}"
        self.template = self.template or f"editor/{self.name}.html"

    # --- the editor page ---------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        """The endpoint of its edit page."""
        return f"editor.{self.name}"

    def url_args(self, key: str) -> dict[str, Any]:
        """The edit page's URL arguments for the entity `key` (its slug or episode code)."""
        return {self.arg or "episode": key}

    # --- reading rows ------------------------------------------------------------------------

    def select_rows(self, show_id: int) -> Select[Any]:
        """A slugged kind's rows of a show, in show order, with what `dump` reads."""
        model: Any = self.model
        return (
            select(model)
            .where(model.show_id == show_id)
            .order_by(model.sort_order)
            .options(*(selectinload(a) for a in self.eager))
        )

    def select_one(self, show_id: int, slug: str) -> Select[Any]:
        """The row of a show with `slug`, with what `dump` reads."""
        model: Any = self.model
        return (
            select(model)
            .where(model.show_id == show_id, model.slug == slug)
            .options(*(selectinload(a) for a in self.eager))
        )

    # --- parts the layers above attach ----------------------------------------------------------

    def bind(self, **parts: Any) -> None:
        self._parts.update(parts)

    def _part(self, name: str) -> Any:
        try:
            return self._parts[name]
        except KeyError:
            raise LookupError(f"{name} of the {self.label} kind is not bound (import its layer)") from None

    @property
    def load(self) -> Callable[..., Any]:
        """(session, show, key) -> the row or None (ballard/editor/entities.py)."""
        return self._part("load")

    @property
    def apply(self) -> Callable[..., None]:
        """(session, show, key, snapshot or None): the editor's one write path."""
        return self._part("apply")

    def snapshot(self, session: Any, show: Any, key: str) -> dict[str, Any] | None:
        """The entity's current state, or None when it does not exist."""
        row = self.load(session, show, key)
        return None if row is None else self._part("snapshot")(session, show, row)

    @property
    def form(self) -> Any:
        """Its edit form class (ballard/editor/forms.py entity_form)."""
        return self._part("form")

    @property
    def previews(self) -> Callable[..., list[Any]] | None:
        """(show, snapshot) -> its edit page's preview links, if it has any."""
        return self._parts.get("previews")


EPISODE = StoryKind(EntityKind.EPISODE.value, "episode", EpisodeIn, Episode)
STORYLINE = StoryKind(
    EntityKind.STORYLINE.value,
    "storyline",
    StorylineIn,
    Storyline,
    {"statuses": StorylineStatus},
    list_name="storylines",
    dump=storyline.dump,
    later=storyline.StorylineLater,
    stamp="introduced_in",
    fill=lambda row, data, placed: storyline.fill(row, data),
    eager=(Storyline.statuses,),
    lead=("title", "summary"),
    template=SLUGGED_PAGE,
    arg="storyline",
)
CHARACTER = StoryKind(
    EntityKind.CHARACTER.value,
    "character",
    CharacterIn,
    Character,
    {"bios": CharacterBio, "statuses": CharacterStatus, "aliases": CharacterAlias},
    list_name="characters",
    dump=character.dump,
    later=character.CharacterLater,
    stamp="introduced_in",
    fill=lambda row, data, placed: character.fill(row, data),
    eager=(Character.bios, Character.statuses, Character.aliases),
    template=SLUGGED_PAGE,
    arg="character",
)
# The text first: the list of characters to tick is long.
PLOT_POINT = StoryKind(
    EntityKind.PLOT_POINT.value,
    "plot point",
    PlotPointIn,
    PlotPoint,
    lead=("text", "storyline", "level", "revealed_in"),
    dump=plot_point.dump,
    eager=(PlotPoint.characters, PlotPoint.storyline),
    arg="point",
)
QUESTION = StoryKind(
    EntityKind.QUESTION.value,
    "question",
    QuestionIn,
    Question,
    list_name="questions",
    dump=question.dump,
    later=question.QuestionLater,
    stamp="raised_in",
    closing=("answered_in", "answer"),
    fill=lambda row, data, placed: question.fill(row, data),
    template=SLUGGED_PAGE,
    arg="question",
)
RELATIONSHIP = StoryKind(
    EntityKind.RELATIONSHIP.value,
    "relationship",
    RelationshipIn,
    Relationship,
    list_name="relationships",
    dump=relationship.dump,
    later=relationship.RelationshipLater,
    stamp="revealed_in",
    closing=("ended_in",),
    refs={"who": "characters", "whom": "characters"},
    fill=lambda row, data, placed: relationship.fill(row, data, placed["characters"]),
    eager=(Relationship.who, Relationship.whom),
    template=SLUGGED_PAGE,
    arg="relationship",
)

KINDS: dict[str, StoryKind] = {
    k.name: k for k in (EPISODE, STORYLINE, CHARACTER, PLOT_POINT, QUESTION, RELATIONSHIP)
}
# The kinds the pack lists at the top level by slug, by the list each is in (a view of KINDS).
SLUGGED_LISTS: dict[str, StoryKind] = {k.list_name: k for k in KINDS.values() if k.list_name}


def edit_url_args(kind: str, key: str) -> tuple[str, dict[str, Any]]:
    """(endpoint, URL arguments) of the edit page of the entity `key` of `kind`."""
    story_kind = KINDS[kind]
    return story_kind.endpoint, story_kind.url_args(key)
