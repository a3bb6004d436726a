"""Read a show back out of the database, and write its season files as canonical YAML, so
load -> dump is byte-identical."""

from __future__ import annotations

from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ballard.content import season_file_name
from ballard.content.errors import PackError
from ballard.content.schema import PackIn, SeasonContent, ShowContent
from ballard.content.seasons import split
from ballard.models import (
    Episode,
    PlotPoint,
    Season,
    Show,
)
from ballard.story import plot_point
from ballard.story.kinds import SLUGGED_LISTS, StoryKind
from ballard.story.show import dump_episode, dump_show


def pack_from_db(session: Session, show: Show) -> ShowContent:
    """Read one show back, every season (the inverse of load_show)."""
    seasons = session.scalars(select(Season).where(Season.show_id == show.id).order_by(Season.number)).all()
    if not seasons:
        raise PackError(show.slug, ["the show has no season to dump"])
    episodes = session.scalars(
        select(Episode).where(Episode.show_id == show.id).order_by(Episode.position)
    ).all()
    points = session.scalars(
        select(PlotPoint)
        .where(PlotPoint.show_id == show.id)
        .order_by(PlotPoint.episode_position, PlotPoint.sort_order)
        .options(selectinload(PlotPoint.characters), selectinload(PlotPoint.storyline))
    ).all()
    by_episode: dict[int, list[plot_point.PlotPointIn]] = {}
    for p in points:
        by_episode.setdefault(p.episode_position, []).append(plot_point.dump(p))
    return ShowContent(
        show=dump_show(show),
        seasons=[
            SeasonContent(
                number=season.number,
                first_position=season.first_position,
                episodes=[
                    dump_episode(e, by_episode.get(e.position)) for e in episodes if e.season_id == season.id
                ],
            )
            for season in seasons
        ],
        **{name: _dumped(session, show, kind) for name, kind in SLUGGED_LISTS.items()},
    )


def _dumped(session: Session, show: Show, kind: StoryKind) -> list[Any]:
    """A slugged kind's rows of the show as its pack models, in show order."""
    assert kind.dump is not None, kind.name
    return [kind.dump(row) for row in session.scalars(kind.select_rows(show.id))]


def dump_seasons(session: Session, show_slug: str) -> list[tuple[str, str]]:
    """(file name, YAML) for each season of the show: its season files as they would be
    written, byte for byte what was loaded when nothing has changed since."""
    show = session.scalar(select(Show).where(Show.slug == show_slug))
    if show is None:
        raise PackError(show_slug, [f"no show with slug {show_slug!r} in the database"])
    return [(season_file_name(f.season.number), pack_to_yaml(f)) for f in split(pack_from_db(session, show))]


def pack_to_yaml(pack: PackIn) -> str:
    data = pack.model_dump(mode="python", exclude_none=True, exclude_defaults=False)
    return yaml.dump(_prune(data), Dumper=_PackDumper, sort_keys=False, allow_unicode=True, width=92)


def _prune(value: Any) -> Any:
    """Drop empty lists, so optional collections are omitted like optional scalars."""
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v != []}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    if hasattr(value, "value") and not isinstance(value, (str, int)):
        return value.value
    return value


class _PackDumper(yaml.SafeDumper):
    pass


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    # Short lists of plain strings (character slugs, sources) read best on one line.
    flow = bool(data) and all(isinstance(v, str) and "\n" not in v for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    if hasattr(data, "value"):  # a StrEnum member
        data = str(data.value)
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style=style)


_PackDumper.add_representer(list, _represent_list)
_PackDumper.add_multi_representer(str, _represent_str)
