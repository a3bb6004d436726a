"""Search over what is visible at h, and nothing else.

It queries no table: every document comes from the gate's own h-filtered reads, so
results, counts and suggestions cannot mention a row stamped after h.
tests/test_architecture.py keeps story models out of this module.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from ballard.horizon.values import SearchHit, SearchResults

if TYPE_CHECKING:
    from ballard.horizon.gate import Gate


def search(gate: Gate, query: str) -> SearchResults:
    """Case-insensitive: a hit holds every word of the query; no hit suggests close words."""
    terms = [t for t in re.findall(r"\w+", query.casefold()) if t]
    if not terms:
        return SearchResults(query, (), ())
    show = ("show", gate.show.slug)
    at = ("h", str(gate.h))
    documents: list[tuple[SearchHit, str]] = []
    for card in gate.episodes():
        if card.watched:
            hit = SearchHit("episode", f"{card.code} {card.display_title}", "",
                            "guide.recap", (show, at, ("episode", card.slug)))
            documents.append((hit, f"{card.code} {card.display_title}"))
    for c in gate.characters():
        hit = SearchHit("character", c.name, c.role, "guide.character",
                        (show, at, ("character", c.slug)))
        documents.append((hit, " ".join((c.name, c.role, c.actor or "", *c.aliases))))
    for s in gate.storylines():
        hit = SearchHit("storyline", s.title, s.summary, "guide.storyline",
                        (show, at, ("storyline", s.slug)))
        documents.append((hit, f"{s.title} {s.summary}"))
        for card, points in s.points:
            for p in points:
                hit = SearchHit("plot point", f"{card.code} {card.display_title}", p.text,
                                "guide.recap", (show, at, ("episode", card.slug)))
                documents.append((hit, p.text))
    # In the show's order, open and answered together (the board splits them).
    for q in gate._questions():
        hit = SearchHit("question", q.text, q.answer or "", "guide.question",
                        (show, at, ("question", q.slug)))
        documents.append((hit, f"{q.text} {q.answer or ''}"))

    hits = tuple(hit for hit, text in documents
                 if all(t in text.casefold() for t in terms))
    suggestions: tuple[str, ...] = ()
    if not hits:
        vocabulary = sorted({w for _, text in documents
                             for w in re.findall(r"\w{4,}", text.casefold())})
        suggestions = tuple(
            difflib.get_close_matches(terms[0], vocabulary, n=3, cutoff=0.75)
        )
    return SearchResults(query, hits, suggestions)
