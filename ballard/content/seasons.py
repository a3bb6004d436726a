"""Season files to a whole show and back.

`merge` puts a show's season files together (season 1 first), so that each storyline,
character and question carries every row of every season; `split` cuts a whole show into
one file per season again, each holding exactly the rows stamped in its episodes. An
entity belongs to the season of its own stamp (introduced_in, raised_in; stamp 0, the
premise, to the first); each of its stamped rows to the season of the row's stamp.
split(merge(files)) == files for files that pass `check_season_file`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from ballard.content.errors import PackError
from ballard.content.schema import (
    PackIn,
    SeasonContent,
    SeasonIn,
    ShowContent,
    ShowIn,
    ShowRef,
)
from ballard.story.fields import Row, describe_errors
from ballard.story.kinds import SLUGGED_LISTS

# list name -> (full model, later model, the entity's own stamp, its stamped child lists,
# and the fields a later season may close it with: the stamp first), from the registry.
# (full model, later model, ...): the slugged kinds' pack models, each with a `slug` (Any:
# read and built by field name, as the table says).
_SHAPES: dict[str, tuple[type[Any], type[Any], str, tuple[str, ...], tuple[str, ...]]] = {
    name: (kind.schema, kind.later, kind.stamp, tuple(kind.children), kind.closing)
    for name, kind in SLUGGED_LISTS.items()
    if kind.later is not None
}
assert set(_SHAPES) == set(SLUGGED_LISTS), "every slugged kind needs its season shape"


def merge(files: list[PackIn], source: Callable[[PackIn], str] = lambda f: "<pack>") -> ShowContent:
    """One show from its season files, in season order. Raises PackError naming the file
    for what only the merge can see (an answer given twice)."""
    files = sorted(files, key=lambda f: f.season.number)
    if not files or not isinstance(files[0].show, ShowIn):
        first = files[0] if files else None
        raise PackError(
            source(first) if first else "<pack>",
            ["the first season's file must define the show (title, premise)"],
        )
    lists: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in _SHAPES}
    seasons: list[SeasonContent] = []
    for file in files:
        for name, (full, _later, _stamp, children, closing) in _SHAPES.items():
            merged = lists[name]
            for row in getattr(file, name):
                if isinstance(row, full):
                    merged[row.slug] = dict(row)
                    continue
                if row.slug not in merged:
                    raise PackError(source(file), [f"{name} {row.slug}: no earlier season defines it"])
                entry = merged[row.slug]
                for child in children:
                    entry[child] = [*entry[child], *getattr(row, child)]
                if closing:
                    if entry.get(closing[0]) is not None:
                        raise PackError(
                            source(file), [f"{name} {row.slug}: {closing[0]} is already {entry[closing[0]]}"]
                        )
                    entry.update({field: getattr(row, field) for field in closing})
        seasons.append(
            SeasonContent(
                number=file.season.number,
                first_position=file.season.first_position,
                episodes=list(file.episodes),
            )
        )
    try:
        return ShowContent(
            show=files[0].show,
            seasons=seasons,
            **{name: [_SHAPES[name][0](**data) for data in lists[name].values()] for name in _SHAPES},
        )
    except ValidationError as exc:  # e.g. an answer given before its question is raised
        raise PackError(source(files[-1]), describe_errors(exc)) from None


def split(content: ShowContent) -> list[PackIn]:
    """One season file per season of the show, in season order."""
    files = []
    for index, season in enumerate(content.seasons):

        def here(position: int | None, _season: SeasonContent = season) -> bool:
            return position is not None and content.season_of(position) is _season

        entries: dict[str, list[Any]] = {}
        for name, (_full, later, stamp, children, closing) in _SHAPES.items():
            rows: list[Any] = []
            for entity in getattr(content, name):
                own = {
                    child: [r for r in getattr(entity, child) if here(r.revealed_in)] for child in children
                }
                if here(getattr(entity, stamp)):
                    rows.append(_defined_here(entity, own, closing, here))
                elif any(own.values()):
                    rows.append(later(slug=entity.slug, **own))
                elif closing and here(getattr(entity, closing[0])):
                    rows.append(
                        later(slug=entity.slug, **{field: getattr(entity, field) for field in closing})
                    )
            entries[name] = rows
        files.append(
            PackIn(
                format=1,
                show=content.show if index == 0 else ShowRef(slug=content.show.slug),
                season=SeasonIn(number=season.number, first_position=season.first_position),
                episodes=list(season.episodes),
                **entries,
            )
        )
    return files


def _defined_here(
    entity: Row, own: dict[str, list[Row]], closing: tuple[str, ...], here: Callable[[int | None], bool]
) -> Row:
    """The entity as the season that defines it writes it: its rows of that season, and a
    question's answer (a tie's end) only when that season gives it."""
    update: dict[str, Any] = dict(own)
    if closing and not here(getattr(entity, closing[0])):
        update.update(dict.fromkeys(closing))
    return entity.model_copy(update=update)


def season_of_entity(
    content: ShowContent, kind: str, key: str, row: tuple[tuple[str, int], ...] = ()
) -> int | None:
    """The season whose file holds what a finding names (an entity, or one of its
    stamped rows), so the lint can say which file to open."""
    for season, episode, _position, code in content.episodes():
        if (kind == "episode" and code == key) or (
            kind == "plot_point" and any(p.slug == key for p in episode.plot_points)
        ):
            return season.number
    for name, (_full, _later, stamp, _children, _closing) in _SHAPES.items():
        for entity in getattr(content, name):
            if entity.slug != key or SLUGGED_LISTS[name].name != kind:
                continue
            value = getattr(entity, stamp)
            if row:
                list_name, index = row[0]
                rows = getattr(entity, list_name, [])
                value = rows[index].revealed_in if index < len(rows) else value
            found = content.season_of(value)
            return found.number if found else None
    return None
