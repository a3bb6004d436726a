"""Links from an edit page to the viewer pages at the entity's stamps and just before
them, so an editor sees what a reader sees, and does not, at each step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for

from ballard.editor.catalogue import EpisodeSlot
from ballard.models import Show
from ballard.story.kinds import KINDS


@dataclass(frozen=True)
class Preview:
    label: str
    url: str


def at(h: int) -> str:
    return f"E{h}" if h else "the premise (E0)"


def previews(show: Show, links: list[tuple[int, str, str, dict[str, Any]]]) -> list[Preview]:
    """(horizon, why, endpoint, args) -> links to the viewer pages, once per URL."""
    seen: set[str] = set()
    result = []
    for h, why, endpoint, args in sorted(links, key=lambda link: link[0]):
        if h < 0:
            continue
        url = url_for(endpoint, show=show.slug, h=h, **args)
        if url not in seen:
            seen.add(url)
            result.append(Preview(f"At {at(h)}: {why}", url))
    return result


def _stamped(
    show: Show,
    first: int,
    what: str,
    endpoint: str,
    args: dict[str, str],
    list_endpoint: str,
    rows: list[tuple[int, str]],
) -> list[Preview]:
    """The page from the entity's first stamp, the list just before it, and each row's stamp."""
    links = [
        (first, f"{what} appears", endpoint, args),
        (first - 1, "just before, not there yet", list_endpoint, {}),
    ]
    links += [(stamp, why, endpoint, args) for stamp, why in rows]
    return previews(show, links)


def storyline_previews(show: Show, s: dict[str, Any]) -> list[Preview]:
    rows = [(st["revealed_in"], f"status {st['status']}") for st in s["statuses"]]
    return _stamped(
        show,
        s["introduced_in"],
        "the storyline",
        "guide.storyline",
        {"storyline": s["slug"]},
        "guide.story",
        rows,
    )


def character_previews(show: Show, c: dict[str, Any]) -> list[Preview]:
    rows = [(b["revealed_in"], "a bio row") for b in c["bios"]]
    rows += [(st["revealed_in"], f"status {st['status']}") for st in c["statuses"]]
    rows += [(a["revealed_in"], f"alias {a['alias']}") for a in c["aliases"]]
    return _stamped(
        show,
        c["introduced_in"],
        "the character",
        "guide.character",
        {"character": c["slug"]},
        "guide.characters",
        rows,
    )


def question_previews(show: Show, q: dict[str, Any]) -> list[Preview]:
    links = [
        (q["raised_in"], "raised", "guide.question", {"question": q["slug"]}),
        (q["raised_in"] - 1, "just before, not raised yet", "guide.questions", {}),
    ]
    if q["answered_in"] is not None:
        links += [
            (q["answered_in"], "answered", "guide.question", {"question": q["slug"]}),
            (q["answered_in"] - 1, "just before, still open", "guide.question", {"question": q["slug"]}),
        ]
    return previews(show, links)


def episode_previews(show: Show, slot: EpisodeSlot) -> list[Preview]:
    return previews(
        show,
        [
            (slot.position, "its recap", "guide.recap", {"episode": slot.code}),
            (slot.position - 1, "just before, still locked", "guide.episodes", {}),
        ],
    )


def point_previews(show: Show, slot: EpisodeSlot, revealed: int) -> list[Preview]:
    before = (
        ("guide.recap", {"episode": slot.code}) if revealed - 1 >= slot.position else ("guide.episodes", {})
    )
    return previews(
        show,
        [
            (revealed, "the recap shows it", "guide.recap", {"episode": slot.code}),
            (revealed - 1, "just before, not shown yet", *before),
        ],
    )


def relationship_previews(show: Show, r: dict[str, Any]) -> list[Preview]:
    links = [
        (r["revealed_in"], "shown", "guide.connections", {}),
        (r["revealed_in"] - 1, "just before, not shown yet", "guide.connections", {}),
        (r["revealed_in"], f"on {r['who']}'s page", "guide.character", {"character": r["who"]}),
    ]
    if r.get("ended_in") is not None:
        links += [
            (r["ended_in"], "ended", "guide.connections", {}),
            (r["ended_in"] - 1, "just before, not ended yet", "guide.connections", {}),
        ]
    return previews(show, links)


for _name, _previews in {
    "storyline": storyline_previews,
    "character": character_previews,
    "question": question_previews,
    "relationship": relationship_previews,
}.items():
    KINDS[_name].bind(previews=_previews)
