"""The spoiler lint: rules a pack must meet so that no row says more than its stamp allows.

Each text is shown from its stamp on. A text leaks when it names a character before that
character is introduced, uses an alias before the alias is revealed, or points at a later
episode. Rows about a character or case may not predate its introduction, and a fact whose
episode is not established ("unplaced") may not appear before the finale.

Slugs are in addresses, links and anchors from their row's first stamp, so they are read
too. Besides names (as in any text), a slug may not hold a word its own row says only
later, in a later status or an answer, while no text says it by the slug's stamp
("gael-reunited", shown from 8, when only the answer at 10 says "reunites"); and a
question's slug may not turn its question into the answer ("unit-keeps-case" where the
question asks whether the unit will "keep" it).

Which fields are viewer-visible texts, and from which stamp, is said once by each story
kind's model (`Shown` in ballard/story/); the lint walks them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ballard.content.checks import stamps
from ballard.content.findings import ERROR, WARNING, Entity, Finding, entities
from ballard.content.schema import PackIn, ShowContent
from ballard.content.seasons import merge
from ballard.story.fields import Row, Shown, metadata
from ballard.story.kind import LintContext
from ballard.story.kinds import KINDS, SLUGGED_LISTS
from ballard.story.question import QuestionIn
from ballard.story.show import EpisodeIn
from ballard.textfold import fold

__all__ = ["ERROR", "WARNING", "Finding", "lint_pack"]

_EPISODE_REFERENCE = re.compile(r"\b(?:S(\d+))?E(\d{1,3})\b|\bepisode\s+(\d{1,3})\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Term:
    """A word that may only appear in text stamped at or after `visible_from`."""

    text: str
    visible_from: int
    what: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class _Text:
    row: tuple[tuple[str, int], ...]
    field: str
    stamp: int
    value: str


def lint_pack(content: ShowContent | PackIn) -> list[Finding]:
    """Findings for a whole show (or a first season's file on its own)."""
    if isinstance(content, PackIn):
        content = merge([content])
    return sorted(_findings(content), key=lambda f: (f.level != ERROR, f.where, f.message))


def _findings(pack: ShowContent) -> Iterator[Finding]:
    terms = _terms(pack)
    # When each slugged entity is first shown, by list: what the kinds' own checks compare to.
    introduced = {
        name: {row.slug: getattr(row, kind.stamp) for row in getattr(pack, name)}
        for name, kind in SLUGGED_LISTS.items()
    }
    words = _first_said(pack)
    finale = _finale(pack)
    for entity in entities(pack):
        texts = list(shown_texts(entity.data, entity.position))
        for text in texts:
            for field, message in _check_text(text, terms, pack):
                yield Finding(ERROR, entity.kind, entity.key, text.row, field, message)
        for text in texts:
            if text.field == "slug" and not text.row:
                for message in _check_slug(entity, text, texts, words):
                    yield Finding(ERROR, entity.kind, entity.key, (), "slug", message)
        yield from _check_stamps(entity, LintContext(introduced, finale, entity.position))


# --- slugs ---------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
# Words that carry no story: a slug may use them before any text does ("did-richmond-do-it").
_FUNCTION_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "did",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "in",
        "is",
        "it",
        "its",
        "no",
        "not",
        "of",
        "on",
        "or",
        "the",
        "to",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
    }
)
_NOT_WORDS = re.compile(r"s\d+e\d+|\d+")  # episode codes and numbers in keys
_INFLECTIONS = ("s", "es", "d", "ed")


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text).casefold())


def _forms(word: str) -> set[str]:
    """The word and its plain inflections ("reunited", "reunites"; "trophy", "trophies";
    not "kept"): a slug's "reunited" is said where a text says "reunites"."""
    bases = {word, *(word[: -len(end)] for end in _INFLECTIONS if word.endswith(end))}
    if word.endswith(("ies", "ied")):
        bases.add(word[:-3] + "y")
    forms = {*bases, *(base + end for base in bases for end in _INFLECTIONS)}
    forms.update(base[:-1] + end for base in bases if base.endswith("y") for end in ("ies", "ied"))
    return {form for form in forms if len(form) > 1}


def _first_said(pack: ShowContent) -> dict[str, int]:
    """Each word of the viewer-visible texts (slugs aside), with the earliest stamp a text
    that says it is shown from."""
    first: dict[str, int] = {}
    for entity in entities(pack):
        for text in shown_texts(entity.data, entity.position):
            if text.field != "slug":
                for word in _words(text.value):
                    first[word] = min(first.get(word, text.stamp), text.stamp)
    return first


def _check_slug(entity: Entity, slug: _Text, texts: list[_Text], first_said: dict[str, int]) -> Iterator[str]:
    """What a viewer could read in a slug that nothing says to them yet: a word its own
    row says only later (its answer, a later status), or its question's answer."""
    own = {w for t in texts if t.field != "slug" and t.stamp <= slug.stamp for w in _words(t.value)}
    later = {
        w: t.stamp
        for t in sorted(texts, key=lambda t: -t.stamp)
        if t.field != "slug" and t.stamp > slug.stamp
        for w in _words(t.value)
    }
    for word in slug.value.split("-"):
        if word in _FUNCTION_WORDS or _NOT_WORDS.fullmatch(word):
            continue
        forms = _forms(word)
        told = [later[w] for w in forms if w in later]
        if told and all(first_said.get(w, slug.stamp + 1) > slug.stamp for w in forms):
            yield (
                f"slug shown from {slug.stamp} holds {word!r}, which this row says only "
                f"from {min(told)} and no text says by {slug.stamp}: choose words a "
                "viewer has read by then"
            )
        elif (
            isinstance(entity.data, QuestionIn)
            and word not in own
            and any(word == w + end for w in own for end in _INFLECTIONS)
        ):
            yield (
                f"slug {slug.value!r} answers its own question ({word!r}, where the "
                f"question asks {entity.data.text!r}): choose neutral words"
            )


def _finale(show: ShowContent) -> Callable[[int], int]:
    """The finale of the season a stamp falls in (a fact not placed in its season waits
    for the season's end)."""

    def finale(stamp: int) -> int:
        season = show.season_of(stamp)
        return season.last_position if season else show.last_position

    return finale


def shown_texts(
    data: Row, default_stamp: int | None, row: tuple[tuple[str, int], ...] = ()
) -> Iterator[_Text]:
    """Every viewer-visible text of a row and its nested rows, with the stamp it is shown
    from (the fields marked `Shown` in the kind's model)."""
    for name in type(data).model_fields:
        value = getattr(data, name)
        shown = metadata(type(data), name, Shown)
        if shown is not None and isinstance(value, str):
            stamp = 0 if shown.premise else getattr(data, shown.stamp) if shown.stamp else None
            if stamp is None:
                stamp = default_stamp
            assert stamp is not None, f"{type(data).__name__}.{name}: shown, but from when?"
            yield _Text(row, name, stamp, value)
        elif (
            isinstance(value, list)
            and value
            and isinstance(value[0], Row)
            and not isinstance(data, EpisodeIn)
        ):  # an episode's points are entities
            for index, child in enumerate(value):
                yield from shown_texts(child, default_stamp, (*row, (name, index)))


def _terms(pack: ShowContent) -> list[_Term]:
    terms: list[_Term] = []

    def add(word: str, visible_from: int, what: str) -> None:
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
        terms.append(_Term(word, visible_from, what, pattern))

    for name, kind in SLUGGED_LISTS.items():
        if kind.terms is not None:
            for row in getattr(pack, name):
                for word, visible_from, what in kind.terms(row):
                    add(word, visible_from, what)
    return terms


def _check_text(text: _Text, terms: list[_Term], pack: ShowContent) -> Iterator[tuple[str, str]]:
    for term in terms:
        if term.visible_from > text.stamp and term.pattern.search(text.value):
            yield text.field, f"shown from {text.stamp} but names {term.text!r} ({term.what})"
    own = pack.season_of(text.stamp)
    for match in _EPISODE_REFERENCE.finditer(text.value):
        number = int(match.group(2) or match.group(3))
        # "E7" means the text's own season; "S2E3" says which.
        season = int(match.group(1)) if match.group(1) else own.number if own else 1
        first = next((s.first_position for s in pack.seasons if s.number == season), None)
        if first is None or first + number - 1 > text.stamp:
            yield text.field, (f"shown from {text.stamp} but refers to a later episode ({match.group(0)!r})")


def _check_stamps(entity: Entity, context: LintContext) -> Iterator[Finding]:
    def finding(level: str, field: str, message: str, row=()) -> Finding:
        return Finding(level, entity.kind, entity.key, row, field, message)

    data = entity.data
    kind = KINDS.get(entity.kind)
    if kind is None:
        return
    introduced = getattr(data, "introduced_in", None)
    if introduced is not None:
        # A case's or a character's stamped rows cannot come before it does.
        for row, field, value in stamps(entity):
            if row and value < introduced:
                yield finding(
                    ERROR, field, f"{value} is before the {kind.label} is introduced ({introduced})", row
                )
    for list_name, message in kind.warn_empty.items():
        if not getattr(data, list_name):
            yield finding(WARNING, list_name, message)
    if kind.check is not None:
        for field, message in kind.check(data, context):
            yield finding(ERROR, field, message)
