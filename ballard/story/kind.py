"""What a story kind is: one `StoryKind` object per kind, defined in the kind's own module
(ballard/story/<kind>.py) and gathered into the registry by ballard/story/kinds.py.

A kind holds its pack model (`schema`), its table, the nested lists of its stamped rows,
where the pack lists it, its labels and its editor page (form fields first, submit text,
template, endpoint and URL argument), and what the layers above would otherwise write per
kind: its own lint checks, its search index entries and the summaries of its API
operations. The pack loader and checks, the dumper, the lint, the search index, the
editor's write path, history and pages, and the OpenAPI document read a kind from here
instead of naming its fields themselves.

What the layers above this one do with a kind (the editor's load and snapshot, its form
class, its pages' previews) they attach with `bind()` when they are imported, so that this
layer imports none of them; reading a part no layer attached is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from ballard.db import Base
from ballard.story.fields import Row

# The slugged kinds share one edit page.
SLUGGED_PAGE = "editor/slugged.html"

# Search weights: a name, alias or title against plot text.
NAME, TEXT = 4, 1


@dataclass(frozen=True)
class SearchDoc:
    """The search hit an index entry belongs to: its document and how the hit is shown."""

    document: str
    kind: str
    target: str
    title: str
    sort_order: int


# (the hit, its weight, its text, the stamp it is visible from)
IndexEntry = tuple[SearchDoc, int, str, int]


@dataclass(frozen=True)
class LintContext:
    """What a kind's own lint checks know of the rest of the show."""

    # list name -> slug -> the stamp it is introduced at ("characters" -> {"ted-rawls": 1})
    introduced: Mapping[str, Mapping[str, int]]
    # a stamp -> the finale of its season (an unplaced fact waits for it)
    finale: Callable[[int], int]
    # the entity's episode position (an episode's, or a plot point's episode's)
    position: int | None = None


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
    # a row -> its pack model (slugged kinds and plot points), and the related rows
    # it reads, loaded with the row
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
    # the lint's checks of this kind of its own: (row, context) -> (field, message) errors,
    # and the nested lists that are worth a warning when empty (list name -> message)
    check: Callable[[Any, LintContext], Iterator[tuple[str, str]]] | None = None
    warn_empty: Mapping[str, str] = field(default_factory=dict)
    # the words a row makes a spoiler before their stamp (a character's names and aliases):
    # row -> (word, shown from, what it is), which the lint looks for in every earlier text
    terms: Callable[[Any], Iterator[tuple[str, int, str]]] | None = None
    # its search index entries: (session, show id) -> entries (ballard/content/search_index.py)
    search: Callable[[Session, int], Iterator[IndexEntry]] | None = None
    # the API operations that read it, by operation id -> summary (ballard/views/openapi.py)
    api: Mapping[str, str] = field(default_factory=dict)
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
