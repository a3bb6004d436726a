"""What every story kind's fields are made of: slugs, episode codes, texts and stamps.

One definition each. URL converters, the OpenAPI document, the pack format and the
editor's forms all take their patterns and limits from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError

_M = TypeVar("_M")

# Unanchored, for URL converters; anchor them (fullmatch, ^...$) everywhere else.
SLUG_REGEX = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SLUG_MAX_LENGTH = 80
_SEASON, _NUMBER = "[1-9][0-9]{0,2}", "[1-9][0-9]{0,3}"  # no leading zeros: one spelling
EPISODE_CODE_REGEX = f"s{_SEASON}e{_NUMBER}"

_SLUG = re.compile(SLUG_REGEX)
_EPISODE_CODE = re.compile(f"s({_SEASON})e({_NUMBER})")
# Line breaks and tabs are text; NUL and the other controls are not (PostgreSQL refuses NUL).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_CHARACTERS_MESSAGE = "Remove the control characters (such as NUL) from this text."

SHORT_TEXT_MAX = 200  # names, titles, aliases, sources
PROSE_MAX = 4000  # a plot point, a bio, a summary, a premise
MAX_ROWS = 60  # stamped rows in one list (bios, statuses, aliases)


def episode_code(season: int, number: int) -> str:
    """'s1e3': an episode's code in URLs and keys."""
    return f"s{season}e{number}"


def parse_episode_code(code: str) -> tuple[int, int] | None:
    """(season, number) for 's1e3', or None when it is not an episode code."""
    match = _EPISODE_CODE.fullmatch(code) if isinstance(code, str) else None
    return (int(match.group(1)), int(match.group(2))) if match else None


def is_slug(value: str) -> bool:
    return isinstance(value, str) and len(value) <= SLUG_MAX_LENGTH and _SLUG.fullmatch(value) is not None


def has_control_characters(value: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(value))


def _no_control_characters(value: str) -> str:
    if has_control_characters(value):
        raise ValueError(CONTROL_CHARACTERS_MESSAGE)
    return value


no_control_characters = AfterValidator(_no_control_characters)

Slug = Annotated[str, StringConstraints(pattern=f"^{SLUG_REGEX}$", max_length=SLUG_MAX_LENGTH)]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=PROSE_MAX), no_control_characters
]
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=SHORT_TEXT_MAX),
    no_control_characters,
]
Stamp = Annotated[int, Field(ge=0)]
EpisodeStamp = Annotated[int, Field(ge=1)]


# --- what a field means beyond its type ---------------------------------------------------
# Metadata in a field's Annotated[...]: the one definition of a field also says when a
# viewer sees it (for the lint), what it points at, and how the editor labels it.


@dataclass(frozen=True)
class Shown:
    """A text a viewer sees from a stamp on: the row's field `stamp`, or, when that is
    empty or not given, the row's place (the episode an episode's title or a plot point
    belongs to); from the premise (stamp 0) with `premise`. The lint checks each such
    text against what is known at that stamp."""

    stamp: str | None = None
    premise: bool = False


PREMISE = Shown(premise=True)


@dataclass(frozen=True)
class NotLinted:
    """A text field the lint does not check, and why (a test requires one or the other)."""

    why: str


@dataclass(frozen=True)
class Ref:
    """A slug (or list of slugs) naming rows of another kind in the same show."""

    kind: str  # "storyline", "character"


@dataclass(frozen=True)
class Editor:
    """How the editor's form presents the field (the form is built from the model)."""

    label: str
    hint: str | None = None
    missing: str | None = None  # the message when a kept row leaves it empty
    lines: int | None = None  # a text area of this many lines; None: one line


Sources = Annotated[
    list[ShortText],
    NotLinted("editor-only: fact sheet keys, never shown"),
    Editor("Sources", hint="Comma-separated fact sheet keys, such as D1, M1."),
]


# Old slugs of a row that was renamed (because its slug said too much, say): its old
# addresses answer with a permanent redirect to the new one, but only where the row
# itself is visible (ballard/horizon/); elsewhere they answer as an unknown slug does.
FormerSlugs = Annotated[
    list[Slug],
    NotLinted("never shown: old addresses, redirected only where the row is visible"),
    Editor(
        "Former slugs",
        hint="Comma-separated old slugs whose addresses redirect here once the row is visible.",
    ),
]


class Row(BaseModel):
    """A row of the content pack: unknown fields are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def metadata(model: type[BaseModel], name: str, kind: type[_M]) -> _M | None:
    """The `kind` metadata on field `name` of `model`, or None."""
    for item in model.model_fields[name].metadata:
        if isinstance(item, kind):
            return item
    return None


def error_location(loc: tuple) -> str:
    """pydantic's ('bios', 1, 'text') as 'bios[1].text'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(row)"


def error_message(error: Any) -> str:
    """A pydantic error's message; our validators' own sentences without its prefix."""
    return str(error["msg"]).removeprefix("Value error, ")


def describe_errors(exc: ValidationError) -> list[str]:
    """'bios[1].text: String should have at most 4000 characters', one per error."""
    return [f"{error_location(e['loc'])}: {error_message(e)}" for e in exc.errors()]


def by_stamp(rows: list[_M]) -> list[_M]:
    """Stamped rows in stamp order (stable): the order the database reads them back in."""
    return sorted(rows, key=lambda r: r.revealed_in)  # type: ignore[attr-defined]
