"""What every story kind's fields are made of: slugs, episode codes, texts and stamps.

One definition each. URL converters, the OpenAPI document, the pack format and the
editor's forms all take their patterns and limits from here.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

# Unanchored, for URL converters; anchor them (fullmatch, ^...$) everywhere else.
SLUG_REGEX = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SLUG_MAX_LENGTH = 80
EPISODE_CODE_REGEX = r"s[1-9][0-9]{0,2}e[1-9][0-9]{0,3}"

_EPISODE_CODE = re.compile(r"s([1-9][0-9]{0,2})e([1-9][0-9]{0,3})")
# Line breaks and tabs are text; NUL and the other controls are not (PostgreSQL refuses NUL).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

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


def has_control_characters(value: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(value))


def _no_control_characters(value: str) -> str:
    if has_control_characters(value):
        raise ValueError("remove the control characters (such as NUL) from this text")
    return value


Slug = Annotated[str, StringConstraints(pattern=f"^{SLUG_REGEX}$", max_length=SLUG_MAX_LENGTH)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=PROSE_MAX),
                 AfterValidator(_no_control_characters)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                             max_length=SHORT_TEXT_MAX),
                      AfterValidator(_no_control_characters)]
Stamp = Annotated[int, Field(ge=0)]
EpisodeStamp = Annotated[int, Field(ge=1)]
