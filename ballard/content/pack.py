"""Read and check content packs; the one import point for loading and dumping them.

A pack is read and checked whole before anything is written: a bad pack is rejected with
a message naming the file, the row and the field, and the database is left untouched.
`load_pack` (ballard/content/load.py) then brings the database in line with the pack,
and `dump_show` (ballard/content/dump.py) writes it back in one canonical YAML form.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ballard.content.checks import check_references
from ballard.content.dump import dump_show_pack as dump_show
from ballard.content.dump import pack_from_db, pack_to_yaml
from ballard.content.errors import PackError
from ballard.content.findings import last_position
from ballard.content.load import LoadResult, load_pack
from ballard.content.schema import PackIn
from ballard.content.version import VERSION_BUMPED, bump_version, current_version
from ballard.story.fields import error_location, error_message

__all__ = [
    "VERSION_BUMPED", "LoadResult", "PackError", "bump_version", "check_references",
    "current_version", "dump_show", "last_position", "load_pack", "pack_from_db",
    "pack_to_yaml", "parse_pack", "read_pack",
]


def read_pack(path: Path | str) -> PackIn:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(str(path), [f"cannot read file: {exc}"]) from exc
    return parse_pack(text, source=str(path))


def parse_pack(text: str, source: str = "<pack>") -> PackIn:
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
    problems = [f"{f.where}: {f.message}" for f in check_references(pack)]
    if problems:
        raise PackError(source, problems)
    return pack


def _describe(error: Any, raw: dict[str, Any]) -> str:
    """'row episodes[3].plot_points[2] (storyline "x"), field level: Input should be ...':
    where the problem is in the file as written."""
    loc = list(error["loc"])
    field = str(loc.pop()) if loc and isinstance(loc[-1], str) else "(row)"
    node = raw
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
