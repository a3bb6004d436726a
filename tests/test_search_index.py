"""The search index on the write side: an editor save rewrites the entries it changed and no
other row, and leaves the index exactly as a full rebuild would."""

from __future__ import annotations

from contextlib import contextmanager
from urllib.parse import urlencode

import pytest
from sqlalchemy import event, select

from ballard.content.search_index import rebuild_show
from ballard.db import get_engine, get_session
from ballard.models import SearchEntry, Show
from tests.conftest import submit

CONTENT = (
    "document",
    "kind",
    "target",
    "title",
    "weight",
    "body",
    "folded",
    "tokens",
    "words",
    "sort_order",
    "visible_from",
)
QUERIES = (
    "detective",
    "witness ",
    "lake",
    "sister stay",
    '"the detective"',
    "the",
    "dana",
    "rower",
    "good ",
    "wi",
    "innkeeper",
    "town",
)


def _rows(app) -> dict[int, tuple]:
    with app.app_context():
        entries = get_session().scalars(select(SearchEntry))
        return {e.id: tuple(getattr(e, c) for c in CONTENT) for e in entries}


@contextmanager
def _writes(app):
    """Rows inserted into and deleted from search_entries while the block runs."""
    counts = {"insert": 0, "delete": 0}

    def count(conn, cursor, statement, parameters, context, executemany):
        verb = statement.lstrip().split(" ", 1)[0].lower()
        if verb in counts and " search_entries" in statement.split("(", 1)[0]:
            counts[verb] += cursor.rowcount if cursor.rowcount > 0 else 0

    with app.app_context():
        engine = get_engine()
    event.listen(engine, "after_cursor_execute", count)
    try:
        yield counts
    finally:
        event.remove(engine, "after_cursor_execute", count)


def _answers(app) -> dict[str, bytes]:
    client = app.test_client()
    return {
        url: client.get(url).get_data()
        for h in range(5)
        for q in QUERIES
        for url in (
            f"/api/v1/shows/tiny/at/{h}/search?{urlencode({'q': q})}",
            f"/api/v1/shows/tiny/at/{h}/suggest?{urlencode({'q': q})}",
        )
    }


EDITS = {
    "plot point text": (
        "/editor/tiny/plot-points/s1e1-town-only-witness",
        {"text": "The town's only witness would rather gossip."},
        lambda doc: doc == "plot:s1e1/s1e1-town-only-witness",
    ),
    # An episode's title is the title of its plot points' hits too.
    "episode title": (
        "/editor/tiny/episodes/s1e3",
        {"title": "The Witness"},
        lambda doc: doc == "episode:s1e3" or doc.startswith("plot:s1e3/"),
    ),
    "character alias": (
        "/editor/tiny/characters/owen-marsh",
        {"aliases-1-revealed_in": "3", "aliases-1-alias": "The Rower"},
        lambda doc: doc == "character:owen-marsh",
    ),
    "question answer": (
        "/editor/tiny/questions/will-sister-stay",
        {"answered_in": "4", "answer": "She stays for good."},
        lambda doc: doc == "question:will-sister-stay",
    ),
}


@pytest.mark.parametrize("edit", EDITS)
def test_an_edit_rewrites_its_entries_only_and_equals_a_rebuild(editor, tiny, edit):
    url, changes, affected = EDITS[edit]
    before = _rows(tiny)
    with _writes(tiny) as writes:
        assert submit(editor, url, changes).status_code == 303
    after = _rows(tiny)

    untouched = {i: row for i, row in before.items() if not affected(row[0])}
    assert {i: after.get(i) for i in untouched} == untouched  # same ids, same columns
    gone = set(before.items()) - set(after.items())
    new = set(after.items()) - set(before.items())
    assert gone | new, "the edit changed no entry"
    assert all(affected(row[0]) for _, row in gone | new)
    assert len(after) - len(new) == len(before) - len(gone)  # the rest kept as it was
    assert writes == {"insert": len(new), "delete": len(gone)}  # and never rewritten

    answers = _answers(tiny)
    with tiny.app_context():
        session = get_session()
        rebuild_show(session, session.scalar(select(Show.id).where(Show.slug == "tiny")))
        session.commit()
    rebuilt = _rows(tiny)
    assert sorted(rebuilt.values()) == sorted(after.values())  # the same entries
    assert _answers(tiny) == answers  # and every search and typeahead answers the same


def test_a_save_that_changes_no_text_writes_no_entry(editor, tiny):
    before = _rows(tiny)
    with _writes(tiny) as writes:
        response = submit(
            editor, "/editor/tiny/plot-points/s1e1-town-only-witness", {"level": "twist"}
        )  # the spoiler level is not searchable text
    assert response.status_code == 303
    assert _rows(tiny) == before
    assert writes == {"insert": 0, "delete": 0}
