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
