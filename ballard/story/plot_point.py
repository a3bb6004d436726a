"""Plot points: one fact told in an episode's recap, shown from `revealed_in` (by default
the episode that tells it), about one storyline and any number of characters."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated

from sqlalchemy import select
from sqlalchemy.orm import Session

from ballard.models import Character, Confidence, EntityKind, PlotPoint, SpoilerLevel, Storyline
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
from ballard.story.kind import TEXT, IndexEntry, LintContext, SearchDoc, StoryKind
from ballard.story.rows import episode_titles


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


def check(point: PlotPointIn, context: LintContext) -> Iterator[tuple[str, str]]:
    """A point is never shown before its storyline and characters are introduced, and an
    unplaced one waits for the finale of its season."""
    stamp = point.revealed_in or context.position or 0
    introduced = context.introduced["storylines"].get(point.storyline)
    if introduced is not None and introduced > stamp:
        yield (
            "storyline",
            f"storyline {point.storyline!r} is introduced in {introduced}, after this point ({stamp})",
        )
    for slug in point.characters:
        introduced = context.introduced["characters"].get(slug)
        if introduced is not None and introduced > stamp:
            yield "characters", f"{slug!r} is introduced in {introduced}, after this point ({stamp})"
    if point.confidence is Confidence.UNPLACED and stamp < (finale := context.finale(stamp)):
        yield "revealed_in", f"an unplaced fact must wait for the finale ({finale}), not {stamp}"


def search(session: Session, show_id: int) -> Iterator[IndexEntry]:
    """Its text, on its episode's hit, from revealed_in and its storyline's introduction,
    whichever is later."""
    titles = episode_titles(session, show_id)
    storylines = {
        id_: introduced
        for id_, introduced in session.execute(
            select(Storyline.id, Storyline.introduced_in).where(Storyline.show_id == show_id)
        )
    }
    for p in session.scalars(select(PlotPoint).where(PlotPoint.show_id == show_id)):
        code = titles[p.episode_position].split(" ", 1)[0].lower()
        # The plot point's slug: its anchor in its recap, where its hit links.
        doc = SearchDoc(
            f"plot:{code}/{p.slug}",
            "plot point",
            code,
            titles[p.episode_position],
            p.episode_position * 1000 + p.sort_order,
        )
        yield doc, TEXT, p.text, max(p.revealed_in, storylines[p.storyline_id])


# The text first: the list of characters to tick is long.
PLOT_POINT = StoryKind(
    EntityKind.PLOT_POINT.value,
    "plot point",
    PlotPointIn,
    PlotPoint,
    lead=("text", "storyline", "level", "revealed_in"),
    dump=dump,
    eager=(PlotPoint.characters, PlotPoint.storyline),
    arg="point",
    check=check,
    search=search,
    api={
        "story": "The story so far by storyline: major points and twists",
        "story_full": "The story so far by storyline: every plot point",
        "timeline": "Plot points per storyline per watched episode",
    },
)
