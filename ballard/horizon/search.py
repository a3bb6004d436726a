"""Search over what is visible at h, ranked by statistics over what is visible at h.

The engines match (search_index.py); the score is BM25 computed here, with the number
of entries, their mean length and each term's document frequency all counted over the
entries visible at h. An engine's own ranking (FTS5 bm25(), ts_rank over a corpus) would
count rows stamped after h, and the order of the results would then tell a viewer that
later episodes use a word. Ties fall back to the kind, the story order and the key,
never to anything that later rows could change. Every hit holds every term somewhere in
its visible entries. tests/test_architecture.py keeps story models out of this module.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter, defaultdict

from ballard.horizon.core import GateCore
from ballard.horizon.search_index import Match, matches, visible_statistics, visible_texts
from ballard.horizon.search_query import parse
from ballard.horizon.values import SEARCH_KINDS, SearchHit, SearchResults
from ballard.textfold import fold

PAGE_SIZE = 20
SNIPPET = 180  # characters around the first match
K1, B = 1.2, 0.75
ENDPOINTS = {
    "character": ("guide.character", "character"),
    "storyline": ("guide.storyline", "storyline"),
    "question": ("guide.question", "question"),
    "episode": ("guide.recap", "episode"),
    "plot point": ("guide.recap", "episode"),
}


class Search:
    """The gate's part for search: ranked hits and typeahead over what is visible at h."""

    def __init__(self, core: GateCore):
        self.core = core

    def search(self, query: str, kind: str | None = None, page: int = 1) -> SearchResults:
        core = self.core
        terms = parse(query)
        ranked = _ranked(core, terms, names_only=False)
        counts = tuple(
            (k, n) for k in SEARCH_KINDS if (n := sum(1 for _, best in ranked if best[0].kind == k))
        )
        chosen = [r for r in ranked if kind is None or r[1][0].kind == kind]
        pages = math.ceil(len(chosen) / PAGE_SIZE)
        shown = chosen[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        hits = tuple(_hit(entries) for _, entries in shown)
        suggestions = () if ranked or not terms else _did_you_mean(core, terms[0].words[0])
        return SearchResults(query.strip(), hits, suggestions, len(ranked), counts, kind, page, pages)

    def suggest(self, query: str, limit: int = 8) -> tuple[str, ...]:
        """Typeahead: the visible names, aliases and titles the query (as typed) leads to."""
        names: list[str] = []
        for _, entries in _ranked(self.core, parse(query), names_only=True):
            for m in entries:
                if m.body not in names:
                    names.append(m.body)
        return tuple(names[:limit])


def _ranked(core: GateCore, terms, names_only: bool) -> list[tuple[float, list[Match]]]:
    """(score, the document's matching entries, best first), best documents first."""
    found = matches(core.session, core.show.id, core.h, terms, names_only)
    if not found:
        return []
    count, mean_words = visible_statistics(core.session, core.show.id, core.h)
    frequency = defaultdict(set)
    for m in found:
        frequency[m.term].add(m.id)
    entry_score: dict[int, float] = defaultdict(float)
    by_doc: dict[str, dict[int, Match]] = defaultdict(dict)
    terms_in_doc: dict[str, set[int]] = defaultdict(set)
    for m in found:  # sorted by (term, id): the same sums in the same order every time
        df = len(frequency[m.term])
        idf = math.log(1 + (count - df + 0.5) / (df + 0.5))
        per_word = max(1, len(terms[m.term].words))
        tf = max(1.0, len(m.spans) / per_word)
        norm = K1 * (1 - B + B * m.words / mean_words) if mean_words else K1
        entry_score[m.id] += m.weight * idf * tf * (K1 + 1) / (tf + norm)
        by_doc[m.document][m.id] = m
        terms_in_doc[m.document].add(m.term)
    ranked = []
    for doc, entries in by_doc.items():
        if len(terms_in_doc[doc]) < len(terms):
            continue
        # Ties, and the order of the sum, go by the entries' content, not their ids: an
        # editor save keeps unchanged entries' ids, a rebuild renumbers them all.
        by_content = sorted(entries.values(), key=lambda m: (-m.weight, m.body, m.id))
        best = sorted(by_content, key=lambda m: -entry_score[m.id])
        score = round(sum(entry_score[m.id] for m in by_content), 9)
        ranked.append((score, best))
    ranked.sort(key=lambda r: (-r[0], SEARCH_KINDS.index(r[1][0].kind), r[1][0].sort_order, r[1][0].document))
    return ranked


def _hit(entries: list[Match]) -> SearchHit:
    best = entries[0]
    spans = sorted({s for m in entries if m.id == best.id for s in m.spans})
    snippet, marks = _window(best.body, spans)
    endpoint, argument = ENDPOINTS[best.kind]
    args = ((argument, best.target),)
    fragment = best.document.split("/", 1)[1] if best.kind == "plot point" else ""
    return SearchHit(best.kind, best.title, snippet, marks, endpoint, args, fragment)


def _window(body: str, spans: list[tuple[int, int]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """At most SNIPPET characters of body around its first match, cut at spaces."""
    start = 0
    if len(body) > SNIPPET and spans:
        start = max(0, spans[0][0] - SNIPPET // 3)
        if start:
            start = body.find(" ", start) + 1 or start
    end = min(len(body), start + SNIPPET)
    if end < len(body):
        end = body.rfind(" ", start, end) if " " in body[start:end] else end
    prefix = "… " if start else ""
    suffix = " …" if end < len(body) else ""
    shift = len(prefix) - start
    marks, last = [], 0
    for a, b in spans:
        if a >= start and b <= end and a >= last:
            marks.append((a + shift, b + shift))
            last = b
    return prefix + body[start:end] + suffix, tuple(marks)


def _did_you_mean(core: GateCore, word: str) -> tuple[str, ...]:
    # A ratio of 0.75 needs the shorter word to be at least 0.6 of the longer: words
    # outside that could never match, so they are left out before difflib compares.
    low, high = 0.6 * len(word), len(word) / 0.6
    # Compared folded (no case, no accents), suggested as written ("Renée", not "renée"): each word's
    # most frequent spelling in the visible texts, the first in sorted order on a tie.
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for t in visible_texts(core.session, core.show.id, core.h):
        for w in re.findall(r"[^\W\d_]{4,}", t):
            if low <= len(w) <= high:
                spellings[fold(w).casefold()][w] += 1
    vocabulary = sorted(spellings)
    return tuple(
        min(spellings[w].items(), key=lambda item: (-item[1], item[0]))[0]
        for w in difflib.get_close_matches(word, vocabulary, n=3, cutoff=0.75)
    )
