"""Shows, their seasons and their episodes.

A show's premise is what someone who has watched nothing may read (stamp 0). An episode
exists from the premise on, as its code ("S1E7"); its title and credits are stamped at
its own position.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated

from pydantic import Field, field_validator
from sqlalchemy.orm import Session

from ballard.db import REVEALS_INFO
from ballard.models import EntityKind, Episode, Show
from ballard.story.fields import (
    PREMISE,
    Editor,
    EpisodeStamp,
    Row,
    ShortText,
    Shown,
    Slug,
    Text,
)
from ballard.story.kind import NAME, IndexEntry, SearchDoc, StoryKind
from ballard.story.plot_point import PlotPointIn
from ballard.story.rows import episode_titles

# First path segments the app itself uses; a show there would be unreachable.
RESERVED_SHOW_SLUGS = frozenset({"api", "auth", "editor", "static", "healthz"})


class ShowIn(Row):
    slug: Annotated[Slug, PREMISE]
    title: Annotated[ShortText, PREMISE]
    network: Annotated[ShortText | None, PREMISE] = None
    premise: Annotated[Text, PREMISE]

    @field_validator("slug")
    @classmethod
    def _not_reserved(cls, slug: str) -> str:
        if slug in RESERVED_SHOW_SLUGS:
            raise ValueError(f"{slug!r} is a reserved address; choose another slug")
        return slug


class SeasonIn(Row):
    number: Annotated[int, Field(ge=1)]
    first_position: EpisodeStamp


class EpisodeIn(Row):
    number: Annotated[int, Field(ge=1)]
    # Shown from the episode's own position (and before, as a title only, to a viewer who
    # opts in to upcoming titles).
    title: Annotated[
        ShortText | None, Shown(), Editor("Title", hint="Leave empty while the title is not established.")
    ] = None
    release_date: Annotated[
        dt.date | None, Editor("Release date", hint="YYYY-MM-DD; leave empty when unknown.")
    ] = None
    runtime_minutes: Annotated[int | None, Field(ge=1, le=600), Editor("Runtime (minutes)")] = None
    writer: Annotated[ShortText | None, Shown(), Editor("Written by")] = None
    director: Annotated[ShortText | None, Shown(), Editor("Directed by")] = None
    # What the episode is about, and what to remember going into the next one: shown from
    # the episode's own position, in our own words, safe for a viewer who has watched it.
    summary: Annotated[
        Text | None,
        Shown(),
        Editor("Summary", hint="2 to 4 sentences: what the episode is about. Safe at this episode.", lines=4),
    ] = None
    before_next: Annotated[
        Text | None,
        Shown(),
        Editor(
            "Before the next episode",
            hint="A short paragraph: the 3 to 5 things to remember "
            "going into the next episode. Safe at this episode.",
            lines=4,
        ),
    ] = None
    plot_points: list[PlotPointIn] = []


# What the editor edits on an episode's own page (its plot points have pages of their own):
# what the episode's own stamp reveals, as the model declares it.
EPISODE_OWN_FIELDS: tuple[str, ...] = tuple(Episode.__table__.c["position"].info[REVEALS_INFO])


def fill_show(row: Show, data: ShowIn) -> None:
    row.title, row.network, row.premise = data.title, data.network, data.premise


def dump_show(row: Show) -> ShowIn:
    return ShowIn(slug=row.slug, title=row.title, network=row.network, premise=row.premise)


def fill_episode(row: Episode, data: EpisodeIn) -> None:
    """The episode's own fields; its plot points are rows of their own (see plot_point)."""
    row.number = data.number
    for name in EPISODE_OWN_FIELDS:
        setattr(row, name, getattr(data, name))


def dump_episode(row: Episode, plot_points: list[PlotPointIn] | None = None) -> EpisodeIn:
    return EpisodeIn(
        number=row.number,
        plot_points=plot_points or [],
        **{name: getattr(row, name) for name in EPISODE_OWN_FIELDS},
    )


def search_episodes(session: Session, show_id: int) -> Iterator[IndexEntry]:
    """Each episode's code and title, from its own position."""
    for position, title in episode_titles(session, show_id).items():
        code = title.split(" ", 1)[0].lower()
        yield SearchDoc(f"episode:{code}", "episode", code, title, position), NAME, title, position


EPISODE = StoryKind(
    EntityKind.EPISODE.value,
    "episode",
    EpisodeIn,
    Episode,
    warn_empty={"plot_points": "no plot points"},
    search=search_episodes,
    api={
        "episodes": "Every episode; those after h as position and code only",
        "recap": "A watched episode's recap by storyline, and what it added",
    },
)
