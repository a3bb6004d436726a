"""The gate's reads of the search index: every one filtered on the entries' stamps.

Matching runs in each engine's own full-text index (SQLite FTS5, PostgreSQL tsvector)
over the entries' tokens, where every word carries its show's marker: a word is looked
up in this show's postings only, however many shows share it, and a prefix expands over
this show's words only. Only entries of this show visible at h are kept, and the engine
reports which words it matched (highlight / ts_headline). Nothing here asks an engine for
a score: engine scores use statistics over the whole table, rows after h included.
search.py scores instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import Session

from ballard.horizon.search_query import CONFIG, Term
from ballard.models import SearchEntry
from ballard.textfold import MARK_END, MARK_START, marked_spans

_COLUMNS = (
    "e.id, e.document, e.kind, e.target, e.title, e.weight, e.words, e.sort_order, e.body, e.folded, e.tokens"
)
_VISIBLE = "e.show_id = :show AND e.visible_from <= :h"
_HEADLINE = f'HighlightAll=true, StartSel="{MARK_START}", StopSel="{MARK_END}"'
# Built once, with bind parameters: building a select costs more than running it.
_VISIBLE_ENTRIES = (SearchEntry.show_id == bindparam("show"), SearchEntry.visible_from <= bindparam("h"))
_STATISTICS = select(func.count(), func.coalesce(func.sum(SearchEntry.words), 0)).where(*_VISIBLE_ENTRIES)
_TEXTS = select(SearchEntry.folded).where(*_VISIBLE_ENTRIES).order_by(SearchEntry.id)


@dataclass(frozen=True)
class Match:
    """One visible entry matching one term, with where the engine found the term."""

    term: int
    id: int
    document: str
    kind: str
    target: str
    title: str
    weight: int
    words: int
    sort_order: int
    body: str
    spans: tuple[tuple[int, int], ...]


def matches(
    session: Session, show_id: int, h: int, terms: tuple[Term, ...], names_only: bool = False
) -> list[Match]:
    """Every visible entry matching each term, in one query whatever the number of terms."""
    if not terms:
        return []
    params: dict[str, object] = {"show": show_id, "h": h}
    only = " AND e.weight > 1" if names_only else ""
    parts = []
    postgres = session.get_bind().dialect.name == "postgresql"
    for i, term in enumerate(terms):
        if postgres:
            params[f"q{i}"], params[f"p{i}"] = term.text(show_id), term.prefix_text(show_id)
            parts.append(
                f"SELECT {i} AS term, {_COLUMNS}, ts_headline('{CONFIG}', e.tokens, q, "
                f"'{_HEADLINE}') AS marked FROM search_entries e, "
                f"(SELECT {term.tsquery_sql(f'q{i}', f'p{i}')} AS q) AS tq "
                f"WHERE to_tsvector('{CONFIG}'::regconfig, e.tokens) @@ q AND {_VISIBLE}{only}"
            )
        else:
            params[f"q{i}"] = term.fts5(show_id)
            parts.append(
                f"SELECT {i} AS term, {_COLUMNS}, highlight(search_fts, 0, "
                f"char(1), char(2)) AS marked FROM search_fts CROSS "
                f"JOIN search_entries e ON e.id = search_fts.rowid "
                f"WHERE search_fts MATCH :q{i} AND {_VISIBLE}{only}"
            )
    rows = session.connection().execute(text(" UNION ALL ".join(parts)), params).all()
    return [
        Match(
            r.term,
            r.id,
            r.document,
            r.kind,
            r.target,
            r.title,
            r.weight,
            r.words,
            r.sort_order,
            r.body,
            marked_spans(r.marked, r.folded, show_id, r.tokens),
        )
        for r in sorted(rows, key=lambda r: (r.term, r.id))
    ]


def visible_statistics(session: Session, show_id: int, h: int) -> tuple[int, float]:
    """How many entries are visible at h, and their mean length in words."""
    count, words = session.connection().execute(_STATISTICS, {"show": show_id, "h": h}).one()
    return int(count), (int(words) / count if count else 0.0)


def visible_texts(session: Session, show_id: int, h: int) -> list[str]:
    """Every visible indexed text (folded): the vocabulary for "did you mean"."""
    return list(session.connection().scalars(_TEXTS, {"show": show_id, "h": h}))
