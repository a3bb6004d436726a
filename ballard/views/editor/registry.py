"""The editable kinds: for each, its form (built from the kind's model), its template,
its edit page and how to preview it. Pages, the history and the controller look a kind
up here instead of naming it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ballard.editor.entities import KINDS, Kind
from ballard.editor.forms import EntityForm, entity_form
from ballard.models import (
    Character,
    EntityKind,
    PlotPoint,
    Question,
    Relationship,
    Show,
    SluggedRow,
    Storyline,
)
from ballard.views.editor.previews import (
    Preview,
    character_previews,
    question_previews,
    relationship_previews,
    storyline_previews,
)


@dataclass(frozen=True)
class Editable:
    kind: Kind
    form: type[EntityForm]
    template: str
    endpoint: str  # its edit page
    arg: str | None = None  # the edit page's URL argument, for slugged kinds
    model: type[SluggedRow] | None = None  # the table of a slugged kind, for its taken slugs
    previews: Callable[[Show, dict[str, Any]], list[Preview]] | None = None

    def url_args(self, key: str) -> dict[str, Any]:
        """The edit page's URL arguments for the entity `key` (its slug or episode code)."""
        return {self.arg or "episode": key}


def _editable(
    name: str, submit: str, lead: tuple[str, ...] = (), template: str | None = None, **kwargs: Any
) -> Editable:
    kind = KINDS[name]
    return Editable(kind, entity_form(kind.story, submit, lead), template or f"editor/{name}.html", **kwargs)


# Storylines, characters, questions and relationships share one edit page.
SLUGGED_PAGE = "editor/slugged.html"
EDITABLE: dict[str, Editable] = {
    EntityKind.EPISODE: _editable("episode", "Save episode", endpoint="editor.episode"),
    # The text first: the list of characters to tick is long.
    EntityKind.PLOT_POINT: _editable(
        "plot_point",
        "Save plot point",
        endpoint="editor.plot_point",
        lead=("text", "storyline", "level", "revealed_in"),
        arg="point",
        model=PlotPoint,
    ),
    EntityKind.STORYLINE: _editable(
        "storyline",
        "Save storyline",
        endpoint="editor.storyline",
        lead=("title", "summary"),
        arg="storyline",
        template=SLUGGED_PAGE,
        model=Storyline,
        previews=storyline_previews,
    ),
    EntityKind.CHARACTER: _editable(
        "character",
        "Save character",
        endpoint="editor.character",
        arg="character",
        template=SLUGGED_PAGE,
        model=Character,
        previews=character_previews,
    ),
    EntityKind.QUESTION: _editable(
        "question",
        "Save question",
        endpoint="editor.question",
        arg="question",
        template=SLUGGED_PAGE,
        model=Question,
        previews=question_previews,
    ),
    EntityKind.RELATIONSHIP: _editable(
        "relationship",
        "Save relationship",
        endpoint="editor.relationship",
        arg="relationship",
        template=SLUGGED_PAGE,
        model=Relationship,
        previews=relationship_previews,
    ),
}
# The kinds with list pages of their own, created and edited by slug alone.
SLUGGED = {name: e for name, e in EDITABLE.items() if e.arg is not None and name != EntityKind.PLOT_POINT}


def edit_url_args(kind: str, key: str) -> tuple[str, dict[str, Any]]:
    """(endpoint, URL arguments) of the edit page of the entity `key` of `kind`."""
    editable = EDITABLE[kind]
    return editable.endpoint, editable.url_args(key)
