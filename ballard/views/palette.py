"""Colours that name things: one per storyline and one per character's avatar.

A colour is chosen from the slug alone (a CRC of it, modulo the palette), so it is the
same at every horizon and in every season, and no row revealed later can change it. The
colours themselves live in guide.css (`.sl-0` ... and `.av-0` ...), each with contrast
in the light and the dark scheme; tests/test_pictures.py checks the ratios.
"""

from __future__ import annotations

import re
import zlib

STORYLINE_COLOURS = 8
AVATAR_COLOURS = 8


def _pick(slug: str, count: int) -> int:
    return zlib.crc32(slug.encode()) % count


def storyline_class(slug: str) -> str:
    """The CSS class of a storyline's colour: "sl-3"."""
    return f"sl-{_pick(slug, STORYLINE_COLOURS)}"


def avatar_class(slug: str) -> str:
    """The CSS class of a character's avatar colour: "av-5"."""
    return f"av-{_pick('avatar:' + slug, AVATAR_COLOURS)}"


def initials(name: str) -> str:
    """"Renée Ballard" -> "RB", "Tutu" -> "T": the first letters of the first and last
    words (what an avatar shows; no photos)."""
    words = [w for w in re.split(r"[\s\-]+", name) if w[:1].isalnum()]
    if not words:
        return "?"
    return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()
