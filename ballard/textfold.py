"""Text folding shared by the search index (write side) and the gate's search (read side)."""

from __future__ import annotations

import bisect
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
# short word also gets SHORT after it, which no stemming rule removes. A short word's
# marker ends in "y", not "x" ("s12y" + "as" + "0"), so no word is indexed as another one
# is: "10" is "s12y100", "100" is "s12x100". A typed prefix ("s12x" + "100", then "*")
# reads long words only; the term's exact form finds the short word itself.
SHORT, SHORT_LENGTH = "0", 2


def show_marker(show_id: int, short: bool = False) -> str:
    return f"s{int(show_id)}{'y' if short else 'x'}"


def show_word(word: str, show_id: int) -> str:
    """One word as the index holds it."""
    if len(word) <= SHORT_LENGTH:
        return show_marker(show_id, short=True) + word + SHORT
    return show_marker(show_id) + word


def show_tokens(text: str, show_id: int) -> str:
    """text with every word as the index holds it: what the engines index."""
    return WORD.sub(lambda m: show_word(m.group(0), show_id), text)


def marked_spans(
    marked: str, text: str, show_id: int, tokens: str | None = None
) -> tuple[tuple[int, int], ...]:
    """Where an engine put MARK_START/MARK_END in its copy of show_tokens(text) (`tokens`,
    when the caller has it), as offsets in text; none if it returned anything else."""
    pieces = _MARKS.split(marked)
    if "".join(pieces[::2]) != (tokens if tokens is not None else show_tokens(text, show_id)):
        return ()
    at, marks = 0, []  # each mark's offset in the tokens
    for i, piece in enumerate(pieces):
        if i % 2:
            marks.append((piece, at))
        else:
            at += len(piece)
    if not marks:
        return ()
    to_text = _offsets(text, len(show_marker(show_id)))
    spans, start = [], None
    for mark, offset in marks:
        if mark == MARK_START:
            start = offset
        elif start is not None:
            spans.append((to_text(start), to_text(offset)))
            start = None
    return tuple((a, b) for a, b in spans if a < b)


_MARKS = re.compile(f"([{MARK_START}{MARK_END}])")


def _offsets(text: str, marker: int):
    """A function from an offset in show_tokens(text) to the offset in text."""
    words = [(m.start(), m.end()) for m in WORD.finditer(text)]
    starts, added = [], 0  # where each word's marker starts in the tokens
    for a, b in words:
        starts.append(a + added)
        added += marker + (len(SHORT) if b - a <= SHORT_LENGTH else 0)

    def to_text(offset: int) -> int:
        k = bisect.bisect_right(starts, offset) - 1
        if k < 0:
            return offset
        a, b = words[k]
        end = starts[k] + marker + (b - a) + (len(SHORT) if b - a <= SHORT_LENGTH else 0)
        if offset >= end:
            return b + offset - end
        return a + min(max(offset - starts[k] - marker, 0), b - a)

    return to_text
