"""The search index: derived from a show's story rows, kept in step in the caller's transaction.

Every content load calls `rebuild_show` and every editor save `refresh_show` before it
commits, so the index never disagrees with the rows. A rebuild replaces the show's
entries; a refresh derives them the same way and writes only the difference, so an edit
touches the entries whose text, title, order or stamp it changed and no other row. Each
entry carries the stamp that makes its text visible: a character's name from
introduced_in, each alias from its own revealed_in, a question's answer from answered_in,
a plot point from revealed_in and its storyline's introduced_in, whichever is later. Each
story kind derives its own entries (its `search`, in ballard/story/<kind>.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ballard.models import SearchEntry
from ballard.story.kind import IndexEntry
from ballard.story.kinds import KINDS
from ballard.textfold import clean, fold, show_tokens, word_count

# PostgreSQL's parser reads <...> as markup and skips what is inside <script>; our texts
# are plain text, so it gets them without markup characters (same length: same offsets).
_NO_MARKUP = str.maketrans("<>&", "   ")


def rebuild_show(session: Session, show_id: int) -> None:
    """Replace the show's entries (content load)."""
    session.flush()
    session.execute(delete(SearchEntry).where(SearchEntry.show_id == show_id))
    if rows := _rows(session, show_id):
        session.execute(insert(SearchEntry), rows)


def refresh_show(session: Session, show_id: int) -> None:
    """Bring the show's entries in line with its rows, writing only what differs: an
    entry whose every column is still right keeps its row (and id); the others are
    deleted and the missing ones inserted. The result equals rebuild_show's."""
    session.flush()
    wanted = _rows(session, show_id)
    columns = [getattr(SearchEntry, c) for c in _COLUMNS]
    have: dict[tuple, list[int]] = defaultdict(list)
    for found in session.execute(
        select(SearchEntry.id, *columns).where(SearchEntry.show_id == show_id).order_by(SearchEntry.id)
    ):
        have[tuple(found[1:])].append(found[0])
    missing = []
    for row in wanted:
        ids = have.get(tuple(row[c] for c in _COLUMNS))
        if ids:
            ids.pop(0)
        else:
            missing.append(row)
    stale = tuple(sorted(i for ids in have.values() for i in ids))
    if stale:
        session.execute(delete(SearchEntry).where(SearchEntry.id.in_(stale)))
    if missing:
        session.execute(insert(SearchEntry), missing)


_COLUMNS = (
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


def _rows(session: Session, show_id: int) -> list[dict[str, object]]:
    rows = []
    for d, weight, body, stamp in _entries(session, show_id):
        if not (text := clean(body)).strip():
            continue
        folded = fold(text).translate(_NO_MARKUP)
        rows.append(
            {
                "show_id": show_id,
                "document": d.document,
                "kind": d.kind,
                "target": d.target,
                "title": d.title,
                "weight": weight,
                "body": text,
                "folded": folded,
                "tokens": show_tokens(folded, show_id),
                "words": word_count(text),
                "sort_order": d.sort_order,
                "visible_from": stamp,
            }
        )
    return rows


def _entries(session: Session, show_id: int) -> Iterator[IndexEntry]:
    """Every kind's entries, in the registry's order."""
    for kind in KINDS.values():
        if kind.search is not None:
            yield from kind.search(session, show_id)
