"""Text folding shared by the search index (write side) and the gate's search (read side)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Markers the engines put around matched words; stripped from indexed text beforehand.
MARK_START, MARK_END = "\x01", "\x02"
WORD = re.compile(r"[^\W_]+")


@cache
def _fold_char(c: str) -> str:
    base = "".join(ch for ch in unicodedata.normalize("NFD", c) if not unicodedata.combining(ch))
    return base if len(base) == 1 else c


def fold(text: str) -> str:
    """Diacritics removed one character for one ("Renée" -> "Renee"), so offsets in the
    folded text are offsets in the original."""
    return "".join(_fold_char(c) for c in text)


def clean(text: str) -> str:
    """Text as indexed: no highlight markers or other control characters."""
    return "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)


def word_count(text: str) -> int:
    return len(WORD.findall(text))


# Every indexed word carries its show's marker ("s12x" + "ledger"), in the index and in
# the query alike, so an engine's postings for a word are one show's postings: a word all
# shows share costs what it costs in one show, and a prefix reads only this show's words.
# The marker is letters and digits, so both engines keep it and the word one token (the
# stemmers see "s12xledgers" and cut the same suffix), and a show's marker is never the
# start of another's ("s1x" against "s12x"). FTS5's stemmer leaves words under three
# characters alone; with the marker they would be long enough to stem ("as" to "a"), so a
# short word also gets SHORT after it, which no stemming rule removes.
SHORT, SHORT_LENGTH = "0", 2


def show_marker(show_id: int) -> str:
    return f"s{int(show_id)}x"


def show_word(word: str, show_id: int) -> str:
    """One word as the index holds it."""
    return show_marker(show_id) + word + (SHORT if len(word) <= SHORT_LENGTH else "")


def show_tokens(text: str, show_id: int) -> str:
    """text with every word as the index holds it: what the engines index."""
    return WORD.sub(lambda m: show_word(m.group(0), show_id), text)


def marked_spans(marked: str, text: str, show_id: int) -> tuple[tuple[int, int], ...]:
    """Where an engine put MARK_START/MARK_END in its copy of show_tokens(text), as offsets
    in text; none if it returned anything else."""
    tokens, origin = [], []  # origin: each token character's offset in text (None: added)
    last = 0
    for m in WORD.finditer(text):
        for i in range(last, m.start()):
            tokens.append(text[i])
            origin.append(i)
        word = show_word(m.group(0), show_id)
        added = len(show_marker(show_id))
        for k, c in enumerate(word):
            tokens.append(c)
            inside = added <= k < added + len(m.group(0))
            origin.append(m.start() + k - added if inside else None)
        last = m.end()
    for i in range(last, len(text)):
        tokens.append(text[i])
        origin.append(i)
    spans, j, start = [], 0, None
    for c in marked:
        if c == MARK_START:
            start = j
        elif c == MARK_END and start is not None:
            inside = [o for o in origin[start:j] if o is not None]
            if inside:
                spans.append((inside[0], inside[-1] + 1))
            start = None
        elif j < len(tokens) and c == tokens[j]:
            j += 1
        else:
            return ()
    return tuple(spans) if j == len(tokens) else ()
