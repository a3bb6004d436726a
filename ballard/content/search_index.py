"""The search index: derived from a show's story rows, kept in step in the caller's transaction.

Every content load calls `rebuild_show` and every editor save `refresh_show` before it
commits, so the index never disagrees with the rows. A rebuild replaces the show's
entries; a refresh derives them the same way and writes only the difference, so an edit
touches the entries whose text, title, order or stamp it changed and no other row. Each
entry carries the stamp that makes its text visible: a character's name from
introduced_in, each alias from its own revealed_in, a question's answer from answered_in,
a plot point from revealed_in and its storyline's introduced_in, whichever is later. A
relationship is found on both its characters, from its revealed_in (or the later
character's introduction); that it ended is not searchable.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ballard.models import (
    Character,
    CharacterAlias,
    Episode,
    PlotPoint,
    Question,
    Relationship,
    SearchEntry,
    Season,
    Storyline,
)
from ballard.textfold import clean, fold, show_tokens, word_count
from ballard.vocabulary import words

NAME, TEXT = 4, 1  # weights: a name, alias or title against plot text
# PostgreSQL's parser reads <...> as markup and skips what is inside <script>; our texts
# are plain text, so it gets them without markup characters (same length: same offsets).
_NO_MARKUP = str.maketrans("<>&", "   ")


@dataclass(frozen=True)
class _Doc:
    document: str
    kind: str
    target: str
    title: str
    sort_order: int


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


def _entries(session: Session, show_id: int):
    titles: dict[int, str] = {}
    for e, season in session.execute(
        select(Episode, Season.number)
        .join(Season, Episode.season_id == Season.id)
        .where(Episode.show_id == show_id)
    ):
        code = f"S{season}E{e.number}"
        titles[e.position] = f"{code} {e.title or f'Episode {e.number}'}"
        doc = _Doc(f"episode:{code.lower()}", "episode", code.lower(), titles[e.position], e.position)
        yield doc, NAME, titles[e.position], e.position

    introduced: dict[int, int] = {}
    for c in session.scalars(select(Character).where(Character.show_id == show_id)):
        introduced[c.id] = c.introduced_in
        doc = _Doc(f"character:{c.slug}", "character", c.slug, c.name, c.sort_order)
        yield doc, NAME, c.name, c.introduced_in
        # Role and actor kept apart in the snippet ("The detective · Pat Example").
        yield doc, TEXT, " · ".join(filter(None, (c.role, c.actor))), c.introduced_in
    for a, c in session.execute(
        select(CharacterAlias, Character).join(Character).where(Character.show_id == show_id)
    ):
        doc = _Doc(f"character:{c.slug}", "character", c.slug, c.name, c.sort_order)
        yield doc, NAME, a.alias, max(a.revealed_in, c.introduced_in)

    yield from _relationship_entries(session, show_id)

    storylines: dict[int, int] = {}
    for s in session.scalars(select(Storyline).where(Storyline.show_id == show_id)):
        storylines[s.id] = s.introduced_in
        doc = _Doc(f"storyline:{s.slug}", "storyline", s.slug, s.title, s.sort_order)
        yield doc, NAME, s.title, s.introduced_in
        yield doc, TEXT, s.summary, s.introduced_in

    for p in session.scalars(select(PlotPoint).where(PlotPoint.show_id == show_id)):
        code = titles[p.episode_position].split(" ", 1)[0].lower()
        # The plot point's slug: its anchor in its recap, where its hit links.
        doc = _Doc(
            f"plot:{code}/{p.slug}",
            "plot point",
            code,
            titles[p.episode_position],
            p.episode_position * 1000 + p.sort_order,
        )
        yield doc, TEXT, p.text, max(p.revealed_in, storylines[p.storyline_id])

    for q in session.scalars(select(Question).where(Question.show_id == show_id)):
        doc = _Doc(f"question:{q.slug}", "question", q.slug, q.text, q.sort_order)
        yield doc, TEXT, q.text, q.raised_in
        if q.answer and q.answered_in is not None:
            yield doc, TEXT, q.answer, q.answered_in


def _relationship_entries(session: Session, show_id: int):
    """ "Ted Rawls works for Renée Ballard. <note>" on both characters' hits."""
    for r in session.scalars(select(Relationship).where(Relationship.show_id == show_id)):
        text = f"{r.who.name} {words(r.kind)} {r.whom.name}." + (f" {r.note}" if r.note else "")
        stamp = max(r.revealed_in, r.who.introduced_in, r.whom.introduced_in)
        for c in (r.who, r.whom):
            doc = _Doc(f"character:{c.slug}", "character", c.slug, c.name, c.sort_order)
            yield doc, TEXT, text, stamp
