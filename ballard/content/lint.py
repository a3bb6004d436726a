"""The spoiler lint: rules a pack must meet so that no row says more than its stamp allows.

Each text is shown from its stamp on. A text leaks when it names a character before that
character is introduced, uses an alias before the alias is revealed, or points at a later
episode. Rows about a character or case may not predate its introduction, and a fact whose
episode is not established ("unplaced") may not appear before the finale.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ballard.content.pack import last_position
from ballard.content.schema import PackIn
from ballard.models import Confidence

ERROR, WARNING = "error", "warning"
_EPISODE_REFERENCE = re.compile(r"\b(?:S\d+)?E(\d{1,3})\b|\bepisode\s+(\d{1,3})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    level: str
    row: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: row {self.row}, field {self.field}: {self.message}"


@dataclass(frozen=True)
class _Term:
    """A word that may only appear in text stamped at or after `visible_from`."""

    text: str
    visible_from: int
    what: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class _Text:
    row: str
    field: str
    stamp: int
    value: str


def lint_pack(pack: PackIn) -> list[Finding]:
    return sorted(_findings(pack), key=lambda f: (f.level != ERROR, f.row, f.field))


def _findings(pack: PackIn) -> Iterator[Finding]:
    terms = _terms(pack)
    for text in _texts(pack):
        yield from _check_text(text, terms, pack)
    yield from _check_stamps(pack)


def _terms(pack: PackIn) -> list[_Term]:
    terms: list[_Term] = []

    def add(word: str, visible_from: int, what: str) -> None:
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
        terms.append(_Term(word, visible_from, what, pattern))

    for c in pack.characters:
        for name in (c.name, *c.short_names):
            add(name, c.introduced_in, f"character {c.slug!r}, introduced in {c.introduced_in}")
        for a in c.aliases:
            add(a.alias, a.revealed_in, f"alias of {c.slug!r}, revealed in {a.revealed_in}")
    return terms


def _texts(pack: PackIn) -> Iterator[_Text]:
    """Every viewer-visible string with the stamp from which it is shown."""
    yield _Text("show", "premise", 0, pack.show.premise)
    for i, s in enumerate(pack.storylines):
        row = f"storylines[{i}] ({s.slug})"
        yield _Text(row, "title", s.introduced_in, s.title)
        yield _Text(row, "summary", s.introduced_in, s.summary)
        for j, st in enumerate(s.statuses):
            if st.note:
                yield _Text(f"{row}.statuses[{j}]", "note", st.revealed_in, st.note)
    for i, c in enumerate(pack.characters):
        row = f"characters[{i}] ({c.slug})"
        yield _Text(row, "role", c.introduced_in, c.role)
        for j, b in enumerate(c.bios):
            yield _Text(f"{row}.bios[{j}]", "text", b.revealed_in, b.text)
        for j, st in enumerate(c.statuses):
            yield _Text(f"{row}.statuses[{j}]", "status", st.revealed_in, st.status)
            if st.note:
                yield _Text(f"{row}.statuses[{j}]", "note", st.revealed_in, st.note)
    for e in pack.episodes:
        position = pack.season.first_position + e.number - 1
        for j, p in enumerate(e.plot_points):
            stamp = p.revealed_in or position
            yield _Text(f"episodes[{e.number - 1}].plot_points[{j}]", "text", stamp, p.text)
    for i, q in enumerate(pack.questions):
        row = f"questions[{i}] ({q.slug})"
        yield _Text(row, "text", q.raised_in, q.text)
        if q.answer and q.answered_in is not None:
            yield _Text(row, "answer", q.answered_in, q.answer)


def _check_text(text: _Text, terms: list[_Term], pack: PackIn) -> Iterator[Finding]:
    for term in terms:
        if term.visible_from > text.stamp and term.pattern.search(text.value):
            yield Finding(
                ERROR, text.row, text.field,
                f"shown from {text.stamp} but names {term.text!r} ({term.what})",
            )
    for match in _EPISODE_REFERENCE.finditer(text.value):
        number = int(match.group(1) or match.group(2))
        position = pack.season.first_position + number - 1
        if position > text.stamp:
            yield Finding(
                ERROR, text.row, text.field,
                f"shown from {text.stamp} but refers to a later episode ({match.group(0)!r})",
            )


def _check_stamps(pack: PackIn) -> Iterator[Finding]:
    finale = last_position(pack)
    storylines = {s.slug: s for s in pack.storylines}
    characters = {c.slug: c for c in pack.characters}

    for i, s in enumerate(pack.storylines):
        row = f"storylines[{i}] ({s.slug})"
        if not s.statuses:
            yield Finding(WARNING, row, "statuses", "no status rows: the case shows no status")
        for j, st in enumerate(s.statuses):
            if st.revealed_in < s.introduced_in:
                yield Finding(
                    ERROR, f"{row}.statuses[{j}]", "revealed_in",
                    f"{st.revealed_in} is before the storyline is introduced ({s.introduced_in})",
                )
    for i, c in enumerate(pack.characters):
        row = f"characters[{i}] ({c.slug})"
        if not c.bios:
            yield Finding(WARNING, row, "bios", "no bio rows")
        for kind in ("bios", "statuses", "aliases"):
            for j, r in enumerate(getattr(c, kind)):
                if r.revealed_in < c.introduced_in:
                    yield Finding(
                        ERROR, f"{row}.{kind}[{j}]", "revealed_in",
                        f"{r.revealed_in} is before the character is introduced "
                        f"({c.introduced_in})",
                    )
    for e in pack.episodes:
        position = pack.season.first_position + e.number - 1
        if not e.plot_points:
            yield Finding(WARNING, f"episodes[{e.number - 1}]", "plot_points", "no plot points")
        for j, p in enumerate(e.plot_points):
            row = f"episodes[{e.number - 1}].plot_points[{j}]"
            stamp = p.revealed_in or position
            storyline = storylines.get(p.storyline)
            if storyline and storyline.introduced_in > stamp:
                yield Finding(
                    ERROR, row, "storyline",
                    f"storyline {p.storyline!r} is introduced in {storyline.introduced_in}, "
                    f"after this point ({stamp})",
                )
            for slug in p.characters:
                character = characters.get(slug)
                if character and character.introduced_in > stamp:
                    yield Finding(
                        ERROR, row, "characters",
                        f"{slug!r} is introduced in {character.introduced_in}, after this "
                        f"point ({stamp})",
                    )
            if p.confidence is Confidence.UNPLACED and stamp < finale:
                yield Finding(
                    ERROR, row, "revealed_in",
                    f"an unplaced fact must wait for the finale ({finale}), not {stamp}",
                )
    for i, q in enumerate(pack.questions):
        row = f"questions[{i}] ({q.slug})"
        if q.answered_in is not None and q.answered_in < q.raised_in:
            yield Finding(
                ERROR, row, "answered_in",
                f"answered in {q.answered_in}, before it is raised ({q.raised_in})",
            )
        if q.confidence is Confidence.UNPLACED and q.raised_in < finale:
            yield Finding(
                ERROR, row, "raised_in",
                f"an unplaced question must wait for the finale ({finale}), not {q.raised_in}",
            )
