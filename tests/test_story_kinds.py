"""Each story kind is defined once (ballard/story/): the pack loader and the editor fill
rows with the same function, the editor's snapshot is the model's dump, its forms are
built from the model and validate through it, and the lint finds texts and stamps from
the model and the columns, not from lists of its own."""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Iterator

import pytest
from sqlalchemy import select

import ballard.editor.entities  # noqa: F401  (binds the editor parts of each kind)
from ballard.content.checks import check_references, stamp_fields
from ballard.content.findings import ERROR, Finding
from ballard.content.lint import lint_pack, shown_texts
from ballard.content.pack import merge, pack_from_db, parse_pack, read_pack
from ballard.content.schema import PackIn
from ballard.db import get_session
from ballard.editor.catalogue import Catalogue
from ballard.models import CaseStatus, Show
from ballard.story.character import BioIn, CharacterIn
from ballard.story.fields import NotLinted, Ref, Row, Shown, metadata
from ballard.story.kinds import KINDS
from tests.conftest import TINY_PACK

# The model fields an edit form leaves out, written here rather than taken from the code
# under test (ballard.editor.forms.NOT_IN_FORMS), so that a field dropped from the forms
# there fails below: the slug is the page's address (a field only on the "new" page),
# an episode's number its place, its plot points are edited on their own pages.
NOT_EDITED = {"slug", "number", "plot_points"}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_model_field_is_in_the_editor_form(tiny, name):
    """A field added to a kind's model shows up in the editor without writing it again."""
    kind = KINDS[name]
    with tiny.test_request_context():
        catalogue = Catalogue(get_session(), get_session().scalar(select(Show)))
        form = KINDS[name].form(catalogue, meta={"csrf": False})
    in_form = [f.name for f in form.fields]
    assert len(in_form) == len(set(in_form)) >= 4
    assert set(in_form) == set(kind.schema.model_fields) - NOT_EDITED
    for list_name, table in kind.children.items():
        row_model = kind.schema.model_fields[list_name].annotation.__args__[0]
        assert form.columns(list_name) == list(row_model.model_fields)
        assert stamp_fields(row_model, table) == ("revealed_in",)


def test_the_editor_snapshot_is_the_models_dump(tiny):
    with tiny.app_context():
        session = get_session()
        show = session.scalar(select(Show))
        snapshot = KINDS["character"].snapshot(session, show, "owen-marsh")
        pack = pack_from_db(session, show)
    place = snapshot.pop("sort_order")
    owen = next(c for c in pack.characters if c.slug == "owen-marsh")
    assert snapshot == owen.model_dump(mode="json")
    assert place == 1


def test_an_editor_save_and_a_pack_load_fill_a_row_alike(tiny):
    """Apply a snapshot through the editor's write path; the pack read back is the pack
    with that one row changed."""
    pack = read_pack(TINY_PACK)
    owen = next(c for c in pack.characters if c.slug == "owen-marsh")
    changed = owen.model_copy(
        update={
            "actor": "Sam Example",
            "bios": [*owen.bios, BioIn(revealed_in=4, text="He rowed out alone.")],
        }
    )
    with tiny.app_context():
        session = get_session()
        show = session.scalar(select(Show))
        KINDS["character"].apply(
            session, show, "owen-marsh", {**changed.model_dump(mode="json"), "sort_order": 1}
        )
        session.flush()
        after = pack_from_db(session, show)
        session.rollback()
    expected = merge(
        [
            pack.model_copy(
                update={"characters": [changed if c.slug == "owen-marsh" else c for c in pack.characters]}
            )
        ]
    )
    assert after == expected


def test_a_finding_carries_where_it_is_as_data():
    text = TINY_PACK.read_text().replace(
        "He runs the only inn in town.", "He runs the inn; they call him The Boatman."
    )
    [finding] = [f for f in lint_pack(parse_pack(text)) if f.level == ERROR]
    assert finding == Finding(
        ERROR,
        "character",
        "owen-marsh",
        (("bios", 0),),
        "text",
        "shown from 2 but names 'The Boatman' (alias of 'owen-marsh', revealed in 3)",
    )
    assert finding.where == "character owen-marsh, bios[0], field text"


def test_plot_point_findings_name_the_point_by_its_key():
    text = TINY_PACK.read_text().replace("The town's only witness will not talk.", "Owen will not talk.")
    [finding] = [f for f in lint_pack(parse_pack(text)) if f.level == ERROR]
    assert (finding.kind, finding.key, finding.row, finding.field) == (
        "plot_point",
        "s1e1-town-only-witness",
        (),
        "text",
    )


def test_stamps_out_of_range_are_found_from_the_columns():
    """A nested row's stamp is checked because its column is declared a stamp."""
    tiny = read_pack(TINY_PACK)
    owen = next(c for c in tiny.characters if c.slug == "owen-marsh")
    bad = owen.model_copy(update={"aliases": [owen.aliases[0].model_copy(update={"revealed_in": 9})]})
    broken = tiny.model_copy(
        update={"characters": [bad if c.slug == "owen-marsh" else c for c in tiny.characters]}
    )
    assert [(f.kind, f.key, f.row, f.field, f.message) for f in check_references(merge([broken]))] == [
        ("character", "owen-marsh", (("aliases", 0),), "revealed_in", "stamp 9 is after the last episode (4)")
    ]


def test_the_lint_reads_viewer_texts_from_the_model():
    """Texts marked Shown in the model are linted from their stamp; the others are not."""
    assert metadata(CharacterIn, "role", Shown) == Shown("introduced_in")
    assert metadata(CharacterIn, "short_names", Shown) is None  # never shown to viewers
    owen = next(c for c in read_pack(TINY_PACK).characters if c.slug == "owen-marsh")
    texts = [(t.row, t.field, t.stamp) for t in shown_texts(owen, None)]
    assert texts == [
        ((), "slug", 2),
        ((), "name", 2),
        ((), "role", 2),
        ((("bios", 0),), "text", 2),
        ((("statuses", 0),), "status", 2),
        ((("statuses", 1),), "status", 4),
        ((("statuses", 1),), "note", 4),
        ((("aliases", 0),), "alias", 3),
    ]


def _row_models(model: type[Row]) -> Iterator[type[Row]]:
    """`model` and every row model nested in it."""
    yield model
    for info in model.model_fields.values():
        for arg in (info.annotation, *typing.get_args(info.annotation)):
            if isinstance(arg, type) and issubclass(arg, Row):
                yield from _row_models(arg)


def _is_text(annotation) -> bool:
    """str, str | None, list[str] (enums are a fixed vocabulary, not text)."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    inner = [typing.get_args(a)[0] if typing.get_origin(a) is list else a for a in args]
    return any(
        a is str or (typing.get_origin(a) is typing.Annotated and typing.get_args(a)[0] is str) for a in inner
    )


def test_every_text_field_is_linted_or_says_why_not():
    """A new text field is checked by the spoiler lint from its stamp (Shown), or says
    why not (NotLinted, or Ref: a slug naming a row checked on its own)."""
    undeclared = sorted(
        f"{model.__name__}.{name}"
        for model in set(_row_models(PackIn))
        for name, info in model.model_fields.items()
        if _is_text(info.annotation)
        and not any(metadata(model, name, kind) for kind in (Shown, NotLinted, Ref))
    )
    assert undeclared == []


def test_the_text_field_check_sees_text():
    assert _is_text(str) and _is_text(list[str]) and _is_text(str | None)
    assert _is_text(CharacterIn.model_fields["short_names"].annotation)
    assert not _is_text(int) and not _is_text(CaseStatus) and not _is_text(dt.date | None)
