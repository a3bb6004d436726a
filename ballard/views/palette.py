"""Colours that name things: one per storyline and one per character's avatar.

A storyline's colour is its place in the order storylines arrived (introduced_in, then
the show's order), modulo the palette: a place depends only on the storylines introduced
by the same episode, so the colour is the same at every later horizon and season, and
the first ten storylines never share one. An avatar's colour comes from the character's
slug alone (a CRC of it). The colours live in guide.css (`.sl-0` ... and `.av-0` ...),
each with contrast in the light and the dark scheme; tests/test_pictures.py checks them.
"""

from __future__ import annotations

import re
import zlib

STORYLINE_COLOURS = 10
AVATAR_COLOURS = 8


def _pick(slug: str, count: int) -> int:
    return zlib.crc32(slug.encode()) % count


def storyline_class(gate, slug: str) -> str:
    """The CSS class of a visible storyline's colour at `gate`'s horizon: "sl-3"."""
    place = gate.storyline_arrivals().get(slug)
    return "" if place is None else f"sl-{place % STORYLINE_COLOURS}"


def avatar_class(slug: str) -> str:
    """The CSS class of a character's avatar colour: "av-5"."""
    return f"av-{_pick('avatar:' + slug, AVATAR_COLOURS)}"


def initials(name: str) -> str:
    """ "Renée Ballard" -> "RB", "Tutu" -> "T": the first letters of the first and last
    words (what an avatar shows; no photos)."""
    words = [w for w in re.split(r"[\s\-]+", name) if w[:1].isalnum()]
    if not words:
        return "?"
    return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()
