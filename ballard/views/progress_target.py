"""Where saving a new horizon from a page lands: the same page at the new horizon.

The header's progress picker and the "I have watched S1E4" buttons post the page they
stand on as `next` (a path under /<show>/at/<h>/, perhaps with a query and a fragment).
After saving, the reader goes to that page with h replaced; when the page does not exist
at the new horizon (a character introduced later, the recap of an episode not watched at
the new horizon), to its nearest parent (the characters list, the episodes list...),
never to an error. Whether a page exists is asked of the gate at the new horizon, so the
answer depends on nothing stamped after it.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from ballard import horizon
from ballard.horizon import NotVisible, Renamed

# A page that needs one thing to exist at h: how to ask the gate, and the parent page.
_NEEDS: dict[str, tuple[str, Callable[[horizon.Gate, dict], object]]] = {
    "guide.recap": ("guide.episodes", lambda g, a: g.watched_episode(a["episode"])),
    "guide.character": ("guide.characters", lambda g, a: g.character(a["character"])),
    "guide.storyline": ("guide.story", lambda g, a: g.storyline(a["storyline"])),
    "guide.question": ("guide.questions", lambda g, a: g.question(a["question"])),
    "guide.season_left_open": (
        "guide.next_season",
        lambda g, a: g.season_span(horizon.parse_season(a["season"])),
    ),
}


def same_page_at(gate: horizon.Gate, target: str | None) -> str | None:
    """`target` (a checked local path) moved to the gate's horizon; its nearest parent
    when it does not exist there; None when it is not a page of this show's guide."""
    if not target:
        return None
    parts = urlsplit(target)
    adapter = current_app.url_map.bind("localhost")
    try:
        endpoint, args = adapter.match(parts.path, method="GET")
    except (HTTPException, RequestRedirect):
        return None
    if not endpoint.startswith("guide.") or args.get("show") != gate.show.slug or "h" not in args:
        return None
    args = {**args, "h": gate.h}
    query, fragment = parts.query, parts.fragment
    while endpoint in _NEEDS:
        parent, exists = _NEEDS[endpoint]
        try:
            exists(gate, args)
            break
        except Renamed as moved:  # a former slug (a page left open across a rename)
            args = {**args, moved.argument: moved.slug}
            break
        except NotVisible:
            endpoint, query, fragment = parent, "", ""
            args = {"show": gate.show.slug, "h": gate.h}
    url = url_for(endpoint, **args)
    if query:
        url += "?" + query
    if fragment:
        url += "#" + fragment
    return url
