"""Plot points: one fact told in an episode's recap, shown from `revealed_in` (by default
the episode that tells it), about one storyline and any number of characters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from ballard.models import Character, Confidence, PlotPoint, SpoilerLevel, Storyline
from ballard.story.fields import (
    Editor,
    EpisodeStamp,
    Ref,
    Row,
    Shown,
    Slug,
    Sources,
    Text,
)


class PlotPointIn(Row):
    # Its identity within the show: revisions, editor URLs and the API name it by this,
    # so loading never renumbers it and moving it to another episode keeps it. The API
    # shows it with the point, so it is linted like the text.
    slug: Annotated[
        Slug, Shown("revealed_in"), Editor("Key", hint="Lowercase words and hyphens, unique in the show.")
    ]
    storyline: Annotated[Slug, Ref("storyline"), Editor("Storyline")]
    level: Annotated[
        SpoilerLevel,
        Editor("Spoiler level", hint="Twists carry a marker; the condensed story shows major and twist."),
    ]
    characters: Annotated[list[Slug], Ref("character"), Editor("Characters")] = []
    text: Annotated[
        Text,
        Shown("revealed_in"),
        Editor("Text", hint="Our own words, safe for a viewer at its stamp.", lines=4),
    ]
    confidence: Annotated[Confidence, Editor("Confidence")] = Confidence.SURE
    sources: Sources = []
    # None: from the episode that tells it.
    revealed_in: Annotated[
        EpisodeStamp | None, Editor("Shown from", hint="Never before the episode that tells it.")
    ] = None


def fill(
    row: PlotPoint,
    data: PlotPointIn,
    position: int,
    storylines: Mapping[str, Storyline],
    characters: Mapping[str, Character],
) -> None:
    """Make `row` (told in the episode at `position`) say what `data` says. `storylines`
    and `characters` resolve the slugs it names (every one must be there)."""
    row.revealed_in = position if data.revealed_in is None else data.revealed_in
    row.storyline = storylines[data.storyline]
    row.spoiler_level = data.level
    row.text = data.text
    row.confidence = data.confidence
    row.sources = list(data.sources)
    row.characters = sorted((characters[slug] for slug in data.characters), key=lambda c: c.sort_order)


def dump(row: PlotPoint) -> PlotPointIn:
    """The row as the pack has it: `revealed_in` only when later than its episode."""
    return PlotPointIn(
        slug=row.slug,
        storyline=row.storyline.slug,
        level=row.spoiler_level,
        characters=[c.slug for c in row.characters],
        text=row.text,
        confidence=row.confidence,
        sources=row.sources,
        revealed_in=None if row.revealed_in == row.episode_position else row.revealed_in,
    )
