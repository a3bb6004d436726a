"""Rows the editor's URLs name, and the lists its pages show. A name that is not there
answers 404, like any unknown address."""

from __future__ import annotations

from typing import Any

from flask import abort, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ballard.db import get_session
from ballard.editor.catalogue import Catalogue, EpisodeSlot
from ballard.models import (
    Character,
    PlotPoint,
    Show,
    SluggedRow,
    Storyline,
)
from ballard.story.kinds import KINDS, SLUGGED_LISTS


def show_or_404(slug: str) -> Show:
    """The show a URL names (its `slug` converter has already refused anything that is
    not a slug, such as a NUL byte PostgreSQL would refuse to compare)."""
    show = get_session().scalar(select(Show).where(Show.slug == slug))
    if show is None:
        abort(404)
    return show


def slot_or_404(catalogue: Catalogue, code: str) -> EpisodeSlot:
    slot = catalogue.by_code(code)
    if slot is None:
        abort(404)
    return slot


def exists_or_404(show: Show, kind: str, key: str) -> None:
    if KINDS[kind].load(get_session(), show, key) is None:
        abort(404)


def on_get(data: dict[str, Any]) -> dict[str, Any] | None:
    """Initial form data from the database on GET; a POST is read from the request alone."""
    return data if request.method == "GET" else None


def slugs(model: type[SluggedRow], show: Show) -> frozenset[str]:
    return frozenset(get_session().scalars(select(model.slug).where(model.show_id == show.id)))


def ref_choices(show: Show) -> dict[str, list[tuple[str, str]]]:
    """What a plot point may name: storylines and characters, in the show's order."""
    session = get_session()
    storylines = session.execute(
        select(Storyline.slug, Storyline.title)
        .where(Storyline.show_id == show.id)
        .order_by(Storyline.sort_order)
    ).all()
    characters = session.execute(
        select(Character.slug, Character.name)
        .where(Character.show_id == show.id)
        .order_by(Character.sort_order)
    ).all()
    return {"storyline": [tuple(s) for s in storylines], "character": [tuple(c) for c in characters]}


def episode_points(show: Show, slot: EpisodeSlot) -> list[PlotPoint]:
    return list(
        get_session().scalars(
            select(PlotPoint)
            .where(PlotPoint.show_id == show.id, PlotPoint.episode_position == slot.position)
            .order_by(PlotPoint.sort_order)
            .options(selectinload(PlotPoint.storyline))
        )
    )


def show_contents(show: Show) -> dict[str, Any]:
    """The overview's lists: points per episode, storylines, characters, questions."""
    session = get_session()
    counts: dict[int, int] = dict(
        session.execute(
            select(PlotPoint.episode_position, func.count())
            .where(PlotPoint.show_id == show.id)
            .group_by(PlotPoint.episode_position)
        )
        .tuples()
        .all()
    )

    def ordered(model: Any) -> list:
        return list(session.scalars(select(model).where(model.show_id == show.id).order_by(model.sort_order)))

    return {"counts": counts, **{name: ordered(kind.model) for name, kind in SLUGGED_LISTS.items()}}
