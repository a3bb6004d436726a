"""The registry of story kinds, gathered from the kinds' own modules (ballard/story/<kind>.py),
where each defines its `StoryKind` (ballard/story/kind.py says what one holds).

Each kind after those it names (a plot point after storylines and characters, a tie
after characters): the pack loader places them in this order.
"""

from __future__ import annotations

from typing import Any

from ballard.story.character import CHARACTER
from ballard.story.kind import SLUGGED_PAGE, StoryKind
from ballard.story.plot_point import PLOT_POINT
from ballard.story.question import QUESTION
from ballard.story.relationship import RELATIONSHIP
from ballard.story.show import EPISODE
from ballard.story.storyline import STORYLINE

__all__ = ["KINDS", "SLUGGED_LISTS", "SLUGGED_PAGE", "StoryKind", "edit_url_args"]

KINDS: dict[str, StoryKind] = {
    k.name: k for k in (EPISODE, STORYLINE, CHARACTER, PLOT_POINT, QUESTION, RELATIONSHIP)
}
# The kinds the pack lists at the top level by slug, by the list each is in (a view of KINDS).
SLUGGED_LISTS: dict[str, StoryKind] = {k.list_name: k for k in KINDS.values() if k.list_name}


def edit_url_args(kind: str, key: str) -> tuple[str, dict[str, Any]]:
    """(endpoint, URL arguments) of the edit page of the entity `key` of `kind`."""
    story_kind = KINDS[kind]
    return story_kind.endpoint, story_kind.url_args(key)
