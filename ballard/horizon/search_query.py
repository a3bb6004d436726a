"""A typed query as search terms, and each term in each engine's own match syntax.

Words and quoted phrases are terms; the last word, while it is still being typed (no
space or quote after it), also matches as a prefix. Only letters and digits reach an
engine, so nothing a reader types is ever query syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ballard.textfold import WORD, fold, show_marker, show_word

MAX_TERMS = 8
# PostgreSQL's configuration for the marked tokens (made by the migrations): english
# stems, for words with the digits of a show marker too.
CONFIG = "search_english"
MIN_PREFIX = 2
_PIECE = re.compile(r'"([^"]*)"?|([^\W_]+)')


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    prefix: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    def fts5(self, show_id: int) -> str:
        """SQLite FTS5: a quoted string is a phrase (or one word); `*` makes a prefix."""
        quoted = '"' + self.text(show_id) + '"'
        return f'({quoted} OR "{self.prefix_text(show_id)}"*)' if self.prefix else quoted

    def tsquery_sql(self, param: str, prefix_param: str) -> str:
        """PostgreSQL: the tsquery expression for this term, its text bound as `param`
        (and as a prefix, as `prefix_param`)."""
        if self.is_phrase:
            return f"phraseto_tsquery('{CONFIG}', :{param})"
        plain = f"to_tsquery('{CONFIG}', :{param})"
        if not self.prefix:
            return plain
        return f"({plain} || to_tsquery('{CONFIG}', :{prefix_param} || ':*'))"

    def text(self, show_id: int) -> str:
        """The words as the index holds them (textfold.show_word)."""
        return " ".join(show_word(w, show_id) for w in self.words)

    def prefix_text(self, show_id: int) -> str:
        """The typed word with its show's marker: what indexed words of three or more
        characters start with (a short word is found by its exact form, `text`)."""
        return show_marker(show_id) + self.words[-1]


def parse(query: str) -> tuple[Term, ...]:
    """The terms of a query, diacritics folded and lowercased, at most MAX_TERMS."""
    terms: list[Term] = []
    text = fold(query).casefold()
    pieces = list(_PIECE.finditer(text))
    for i, m in enumerate(pieces):
        if m.group(2) is not None:
            typing = i == len(pieces) - 1 and m.end() == len(text)
            word = m.group(2)
            terms.append(Term((word,), prefix=typing and len(word) >= MIN_PREFIX))
        elif words := tuple(WORD.findall(m.group(1))):
            terms.append(Term(words))
    unique = list(dict.fromkeys(terms))
    return tuple(unique[:MAX_TERMS])
