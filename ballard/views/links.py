"""Links within one show at one horizon, for templates: the URLs and the small link
markup that long pages repeat hundreds of times (a story page links every character on
every plot point), so they are built in Python rather than in Jinja macros."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask import current_app, has_request_context, request, url_for
from markupsafe import Markup, escape

from ballard import horizon
from ballard.horizon import CharacterRef, EpisodeCard

_SLOT = "zq{}zq"  # stands in for an argument while a URL pattern is built
_SLOTS = re.compile(r"zq([0-9]+)zq")
_PLAIN = re.compile(r"[a-z0-9-]+(?:/[a-z0-9-]+)*")  # slugs and codes, "/"-joined
_MAX_PATTERNS = 1000  # per app: endpoints x argument lists x script roots seen


def gate_url(gate: horizon.Gate, endpoint: str, **values: Any) -> str:
    """A link within the same show and horizon as the page: what url_for gives.

    url_for is the costliest thing a template does, so each endpoint's URL is built
    once per argument list with stand-ins, and then filled in with the arguments, which
    need no quoting when they are slugs and episode codes; a page asks for the same
    link many times (a story page: 236 links to 60 addresses), so each gate keeps the
    links it has built. Anything else (a search
    query, a relative endpoint, `show` or `h` among `values`, no request) goes through
    url_for, which also raises what it raises.
    """
    memo_key = (endpoint, *values.items())
    try:
        return gate.link_memo[memo_key]
    except KeyError:
        pass
    except TypeError:  # an unhashable argument: no memo
        return _gate_url(gate, endpoint, **values)
    url = gate.link_memo[memo_key] = _gate_url(gate, endpoint, **values)
    return url


def _gate_url(gate: horizon.Gate, endpoint: str, **values: Any) -> str:
    """gate_url without the per-gate memo (a gate lives for one request)."""
    arguments = (gate.show.slug, str(gate.h), *values.values())
    if (
        endpoint.startswith(".")
        or "show" in values
        or "h" in values
        or not all(type(v) is str for v in values.values())
        or not _PLAIN.fullmatch("/".join(arguments))
        or not has_request_context()
    ):
        return url_for(endpoint, show=gate.show.slug, h=gate.h, **values)
    patterns = current_app.extensions.setdefault("gate_url_patterns", {})
    key = (request.script_root, endpoint, *values)
    pattern = patterns.get(key)
    if pattern is None:
        slots: dict[str, Any] = {name: _SLOT.format(i) for i, name in enumerate(("show", "h", *values))}
        # "/zq0zq/at/zq1zq/characters/zq2zq" -> "/{0}/at/{1}/characters/{2}"
        pieces = _SLOTS.split(url_for(endpoint, **slots))
        pattern = "".join(
            p.replace("{", "{{").replace("}", "}}") if i % 2 == 0 else "{" + p + "}"
            for i, p in enumerate(pieces)
        )
        if len(patterns) < _MAX_PATTERNS:  # script roots come from the proxy: bound them
            patterns[key] = pattern
    return pattern.format(*arguments)


def episode_link(gate: horizon.Gate, card: EpisodeCard | None) -> Markup:
    """`<a href=...>S1E3</a>` to a watched episode's recap; "premise" for stamp 0."""
    if card is None:
        return Markup("premise")
    key = ("episode_link", card.slug, card.code)
    link = gate.link_memo.get(key)
    if link is None:
        url = gate_url(gate, "guide.recap", episode=card.slug)
        link = gate.link_memo[key] = f'<a href="{escape(url)}">{escape(card.code)}</a>'
    return Markup(link)


def character_links(gate: horizon.Gate, characters: Iterable[CharacterRef]) -> Markup:
    """Comma-separated links to characters' pages."""
    memo = gate.link_memo  # a page links the same characters on many plot points
    links = []
    for c in characters:
        key = ("character_link", c.slug, c.name)
        link = memo.get(key)
        if link is None:
            url = gate_url(gate, "guide.character", character=c.slug)
            link = memo[key] = f'<a href="{escape(url)}">{escape(c.name)}</a>'
        links.append(link)
    return Markup(", ".join(links))


def plot_points_html(gate: horizon.Gate, points: Iterable[Any], anchors: bool = False) -> Markup:
    """The `plot_points` macro's list (templates/_macros/guide.html), built here: story,
    recap and storyline pages list every plot point, and a Jinja loop with a character
    list per point cost a third of a story page. Same bytes as the macro's Jinja
    (trim_blocks and lstrip_blocks on), which is why the newlines sit where they do."""
    parts = ['<ul class="plot-points">\n']
    for point in points:
        anchor = f' id="{escape(point.slug)}"' if anchors and point.slug else ""
        twist = '<strong class="twist-marker">Twist:</strong> ' if point.is_twist else ""
        involved = (
            f'<span class="involved">With {character_links(gate, point.characters)}</span>'
            if point.characters
            else ""
        )
        parts.append(
            f'  <li class="plot-point level-{escape(point.level)}"{anchor}>\n'
            f"{twist}{escape(point.text)}\n{involved}  </li>\n"
        )
    parts.append("</ul>\n")
    return Markup("".join(parts))
