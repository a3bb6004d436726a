"""Read and check season files; the one import point for loading and dumping content.

Files are read and checked whole before anything is written: a bad file is rejected with
a message naming the file, the row and the field, and the database is left untouched.
`assemble` puts one show's files together (with the seasons already loaded, when only
some are given), `load_show` (ballard/content/load.py) brings the database in line with
the result, and `dump_seasons` (ballard/content/dump.py) writes it back, a file a season.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ballard.content.checks import check_references, check_season_file
from ballard.content.dump import dump_seasons, pack_from_db, pack_to_yaml
from ballard.content.errors import PackError
from ballard.content.findings import Finding
from ballard.content.load import LoadResult, load_show
from ballard.content.schema import UNION_TAGS, PackIn, ShowContent
from ballard.content.seasons import merge, split
from ballard.content.version import VERSION_BUMPED, bump_version, current_stamp, current_version
from ballard.models import Show
from ballard.story.fields import error_location, error_message

__all__ = [
    "VERSION_BUMPED",
    "LoadResult",
    "PackError",
    "SourcedFile",
    "assemble",
    "bump_version",
    "check_references",
    "current_stamp",
    "current_version",
    "dump_seasons",
    "load_season_files",
    "load_show",
    "merge",
    "pack_from_db",
    "pack_to_yaml",
    "parse_pack",
    "read_pack",
    "split",
]

SourcedFile = tuple[str, PackIn]  # (where it came from, the file)


def read_pack(path: Path | str) -> PackIn:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(str(path), [f"cannot read file: {exc}"]) from exc
    return parse_pack(text, source=str(path))


def parse_pack(text: str, source: str = "<pack>") -> PackIn:
    """One season file, checked row by row (and whole, when it is a first season: a
    later season can only be checked against the seasons before it, see `assemble`)."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PackError(source, [f"not valid YAML: {exc}"]) from exc
    if not isinstance(raw, dict):
        raise PackError(source, ["the top level must be a mapping with show, season, episodes"])
    try:
        pack = PackIn.model_validate(raw)
    except ValidationError as exc:
        raise PackError(source, [_describe(error, raw) for error in exc.errors()]) from None
    if pack.season.number == 1:
        assemble([(source, pack)])
    return pack


def assemble(files: Iterable[SourcedFile], loaded: ShowContent | None = None) -> ShowContent:
    """One show from its season files. `loaded` is the show as the database has it: the
    seasons not among `files` are kept from there. Raises PackError naming the file."""
    given = list(files)
    slugs = {file.show.slug for _, file in given}
    if len(slugs) != 1:
        raise PackError(
            given[0][0] if given else "<pack>",
            [f"the files name different shows ({', '.join(sorted(slugs))}); load each show's files together"]
            if given
            else ["no files"],
        )
    by_season: dict[int, SourcedFile] = {}
    if loaded is not None:
        for file in split(loaded):
            by_season[file.season.number] = (f"{loaded.show.slug} as loaded", file)
    seen: set[int] = set()
    for source, file in given:
        if file.season.number in seen:
            raise PackError(source, [f"season {file.season.number} is given twice"])
        seen.add(file.season.number)
        by_season[file.season.number] = (source, file)
    numbers = sorted(by_season)
    if numbers != list(range(1, len(numbers) + 1)):
        missing = sorted(set(range(1, numbers[-1] + 1)) - set(numbers))
        raise PackError(
            by_season[numbers[-1]][0],
            [f"season {missing[0]} is neither loaded nor given; load it first or with this one"],
        )
    ordered = [by_season[n] for n in numbers]
    for index, (source, file) in enumerate(ordered):
        earlier = merge([f for _, f in ordered[:index]]) if index else None
        _refuse(source, [f for f in check_season_file(file, earlier) if f.level == "error"])
    content = merge([f for _, f in ordered], source=lambda f: by_season[f.season.number][0])
    problems = list(check_references(content))
    if problems:
        sources = {n: s for n, (s, _) in by_season.items()}
        raise PackError(
            sources[numbers[-1]] if len(numbers) > 1 else ordered[0][0],
            [f"{f.where}: {f.message}" for f in problems],
        )
    return content


def load_season_files(session: Session, files: Iterable[SourcedFile]) -> list[LoadResult]:
    """Check every show's files whole (with its seasons already loaded), then load each
    show; the caller commits, so it is all or nothing."""
    by_show: dict[str, list[SourcedFile]] = {}
    for source, file in files:
        by_show.setdefault(file.show.slug, []).append((source, file))
    shows = []
    for slug, given in by_show.items():
        row = session.scalar(select(Show).where(Show.slug == slug))
        shows.append(assemble(given, pack_from_db(session, row) if row else None))
    return [load_show(session, content) for content in shows]


def _refuse(source: str, findings: list[Finding]) -> None:
    if findings:
        raise PackError(source, [f"{f.where}: {f.message}" for f in findings])


def _describe(error: Any, raw: dict[str, Any]) -> str:
    """'row episodes[3].plot_points[2] (slug "x"), field level: Input should be ...':
    where the problem is in the file as written."""
    loc = [part for part in error["loc"] if part not in UNION_TAGS]
    field = str(loc.pop()) if loc and isinstance(loc[-1], str) else "(row)"
    node: Any = raw
    for part in loc:
        node = node[part] if isinstance(node, (dict, list)) and _has(node, part) else None
    row = error_location(tuple(loc)) if loc else "(top)"
    return f"row {row}{_row_label(node)}, field {field}: {error_message(error)}"


def _has(node: dict | list, part: Any) -> bool:
    return part in node if isinstance(node, dict) else isinstance(part, int) and part < len(node)


def _row_label(node: Any) -> str:
    if isinstance(node, dict):
        for key in ("slug", "number", "alias"):
            if key in node:
                return f" ({key} {node[key]!r})"
    return ""
