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
# start of another's ("s1x" against "s12x").
def show_marker(show_id: int) -> str:
    return f"s{int(show_id)}x"


def show_tokens(text: str, show_id: int) -> str:
    """text with the show's marker before every word: what the engines index."""
    marker = show_marker(show_id)
    return WORD.sub(lambda m: marker + m.group(0), text)


def without_markers(marked: str, show_id: int) -> str:
    """Undo show_tokens on an engine's marked-up copy of the tokens: the marker is taken
    off at the start of every word, highlight marks and all else kept."""
    return re.sub(r"(?<![^\W_])" + re.escape(show_marker(show_id)), "", marked)
