"""Read, load and dump content packs.

A pack is read and checked whole before anything is written: a bad pack is rejected with
a message naming the file, the row and the field, and the database is left untouched.
`load_pack` then brings the database in line with the pack (insert, update, delete), and
`dump_pack` writes it back in one canonical YAML form, so load -> dump is byte-identical.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ballard.content.schema import (
    AliasIn,
    BioIn,
    CharacterIn,
    CharacterStatusIn,
    EpisodeIn,
    PackIn,
    PlotPointIn,
    QuestionIn,
    SeasonIn,
    ShowIn,
    StorylineIn,
    StorylineStatusIn,
)
from ballard.models import (
    Character,
    CharacterAlias,
    CharacterBio,
    CharacterStatus,
    ContentVersion,
    Episode,
    PlotPoint,
    Question,
    Season,
    Show,
    Storyline,
    StorylineStatus,
)


class PackError(ValueError):
    """A pack that cannot be loaded; str() names the file, row and field of each problem."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))


# --- reading and checking ---------------------------------------------------------------


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
    problems = list(check_references(pack))
    if problems:
        raise PackError(source, problems)
    return pack


def _describe(error: dict[str, Any], raw: dict[str, Any]) -> str:
    """'row episodes[3].plot_points[2] (storyline "x"), field level: Input should be ...'."""
    loc = list(error["loc"])
    field = str(loc.pop()) if loc and isinstance(loc[-1], str) else "(row)"
    row, node = "", raw
    for part in loc:
        row += f"[{part}]" if isinstance(part, int) else (f".{part}" if row else str(part))
        node = node[part] if isinstance(node, (dict, list)) and _has(node, part) else None
    label = _row_label(node)
    where = f"row {row or '(top)'}{label}, field {field}"
    return f"{where}: {error['msg']}"


def _has(node: dict | list, part: Any) -> bool:
    return part in node if isinstance(node, dict) else isinstance(part, int) and part < len(node)


def _row_label(node: Any) -> str:
    if isinstance(node, dict):
        for key in ("slug", "number", "alias"):
            if key in node:
                return f" ({key} {node[key]!r})"
    return ""


def last_position(pack: PackIn) -> int:
    return pack.season.first_position + len(pack.episodes) - 1


def check_references(pack: PackIn) -> Iterable[str]:
    """Structural rules pydantic cannot see: uniqueness, references, stamps in range."""
    top = last_position(pack)

    def stamp(row: str, field: str, value: int | None) -> Iterable[str]:
        if value is not None and value > top:
            yield f"row {row}, field {field}: stamp {value} is after the last episode ({top})"

    numbers = [e.number for e in pack.episodes]
    if numbers != list(range(1, len(numbers) + 1)):
        yield f"row episodes, field number: episodes must be numbered 1..{len(numbers)} in order"

    storyline_slugs = {s.slug for s in pack.storylines}
    character_slugs = {c.slug for c in pack.characters}
    yield from _duplicate_slugs(pack)

    for i, s in enumerate(pack.storylines):
        row = f"storylines[{i}] ({s.slug})"
        yield from stamp(row, "introduced_in", s.introduced_in)
        for j, st in enumerate(s.statuses):
            yield from stamp(f"{row}.statuses[{j}]", "revealed_in", st.revealed_in)
    for i, c in enumerate(pack.characters):
        row = f"characters[{i}] ({c.slug})"
        yield from stamp(row, "introduced_in", c.introduced_in)
        for kind in ("bios", "statuses", "aliases"):
            for j, r in enumerate(getattr(c, kind)):
                yield from stamp(f"{row}.{kind}[{j}]", "revealed_in", r.revealed_in)
    for e in pack.episodes:
        position = pack.season.first_position + e.number - 1
        for j, p in enumerate(e.plot_points):
            row = f"episodes[{e.number - 1}].plot_points[{j}]"
            if p.storyline not in storyline_slugs:
                yield f"row {row}, field storyline: no storyline with slug {p.storyline!r}"
            for slug in p.characters:
                if slug not in character_slugs:
                    yield f"row {row}, field characters: no character with slug {slug!r}"
            if len(set(p.characters)) != len(p.characters):
                yield f"row {row}, field characters: a character is listed twice"
            if p.revealed_in is not None and p.revealed_in < position:
                yield (
                    f"row {row}, field revealed_in: {p.revealed_in} is before the episode "
                    f"itself ({position})"
                )
            yield from stamp(row, "revealed_in", p.revealed_in)
    for i, q in enumerate(pack.questions):
        row = f"questions[{i}] ({q.slug})"
        yield from stamp(row, "raised_in", q.raised_in)
        yield from stamp(row, "answered_in", q.answered_in)
        if q.answered_in is not None and q.answered_in < q.raised_in:
            yield f"row {row}, field answered_in: answered ({q.answered_in}) before raised ({q.raised_in})"


def _duplicate_slugs(pack: PackIn) -> Iterable[str]:
    for name in ("storylines", "characters", "questions"):
        seen: set[str] = set()
        for i, row in enumerate(getattr(pack, name)):
            if row.slug in seen:
                yield f"row {name}[{i}], field slug: {row.slug!r} is used twice"
            seen.add(row.slug)


# --- loading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    show_slug: str
    changed: bool
    version: int


def load_pack(session: Session, pack: PackIn) -> LoadResult:
    """Make the database hold exactly this pack for its show; the caller commits.

    Rows are matched on natural keys (slugs, episode positions, plot point order), so
    loading the same pack twice changes nothing and does not bump the content version.
    """
    show = session.scalar(select(Show).where(Show.slug == pack.show.slug))
    if show is not None and pack_from_db(session, show) == pack:
        return LoadResult(pack.show.slug, changed=False, version=current_version(session))

    if show is None:
        show = Show(slug=pack.show.slug, title="", premise="")
        session.add(show)
    show.title, show.network, show.premise = pack.show.title, pack.show.network, pack.show.premise
    session.flush()

    season = _sync_season(session, show, pack.season)
    episodes = _sync_episodes(session, show, season, pack)
    storylines = _sync_storylines(session, show, pack.storylines)
    characters = _sync_characters(session, show, pack.characters)
    _sync_plot_points(session, show, pack, episodes, storylines, characters)
    _sync_questions(session, show, pack.questions)
    session.flush()
    return LoadResult(pack.show.slug, changed=True, version=bump_version(session))


def _by(session: Session, model: type, show: Show, key: str) -> dict[Any, Any]:
    rows = session.scalars(select(model).where(model.show_id == show.id)).all()
    return {getattr(r, key): r for r in rows}


def _delete_missing(session: Session, existing: dict[Any, Any], keep: set[Any]) -> None:
    for key, row in existing.items():
        if key not in keep:
            session.delete(row)


def _sync_season(session: Session, show: Show, data: SeasonIn) -> Season:
    season = _by(session, Season, show, "number").get(data.number)
    if season is None:
        season = Season(show=show, number=data.number, first_position=data.first_position)
        session.add(season)
    season.first_position = data.first_position
    session.flush()
    return season


def _sync_episodes(session: Session, show: Show, season: Season, pack: PackIn) -> dict[int, Episode]:
    existing = {
        e.position: e
        for e in session.scalars(select(Episode).where(Episode.season_id == season.id))
    }
    result: dict[int, Episode] = {}
    for data in pack.episodes:
        position = pack.season.first_position + data.number - 1
        episode = existing.get(position) or Episode(show=show, season=season, position=position)
        session.add(episode)
        episode.number = data.number
        episode.title = data.title
        episode.release_date = data.release_date
        episode.runtime_minutes = data.runtime_minutes
        episode.writer = data.writer
        episode.director = data.director
        result[position] = episode
    _delete_missing(session, existing, set(result))
    session.flush()
    return result


def _sync_storylines(session: Session, show: Show, rows: list[StorylineIn]) -> dict[str, Storyline]:
    existing = _by(session, Storyline, show, "slug")
    result: dict[str, Storyline] = {}
    for order, data in enumerate(rows):
        s = existing.get(data.slug) or Storyline(show_id=show.id, slug=data.slug)
        session.add(s)
        s.title, s.summary, s.introduced_in, s.sort_order = (
            data.title, data.summary, data.introduced_in, order
        )
        s.statuses = [
            StorylineStatus(revealed_in=st.revealed_in, status=st.status.value, note=st.note)
            for st in data.statuses
        ]
        result[data.slug] = s
    _delete_missing(session, existing, set(result))
    session.flush()
    return result


def _sync_characters(session: Session, show: Show, rows: list[CharacterIn]) -> dict[str, Character]:
    existing = _by(session, Character, show, "slug")
    result: dict[str, Character] = {}
    for order, data in enumerate(rows):
        c = existing.get(data.slug) or Character(show_id=show.id, slug=data.slug)
        session.add(c)
        c.name, c.short_names, c.introduced_in = data.name, list(data.short_names), data.introduced_in
        c.role, c.actor, c.sort_order = data.role, data.actor, order
        c.bios = [CharacterBio(revealed_in=b.revealed_in, text=b.text) for b in data.bios]
        c.statuses = [
            CharacterStatus(revealed_in=s.revealed_in, status=s.status, note=s.note)
            for s in data.statuses
        ]
        c.aliases = [CharacterAlias(revealed_in=a.revealed_in, alias=a.alias) for a in data.aliases]
        result[data.slug] = c
    _delete_missing(session, existing, set(result))
    session.flush()
    return result


def _sync_plot_points(
    session: Session,
    show: Show,
    pack: PackIn,
    episodes: dict[int, Episode],
    storylines: dict[str, Storyline],
    characters: dict[str, Character],
) -> None:
    existing = {
        (p.episode_position, p.sort_order): p
        for p in session.scalars(
            select(PlotPoint)
            .where(PlotPoint.show_id == show.id, PlotPoint.episode_position.in_(episodes))
            .options(selectinload(PlotPoint.characters))
        )
    }
    keep: set[tuple[int, int]] = set()
    for position, data in zip(episodes, pack.episodes, strict=True):
        for order, p in enumerate(data.plot_points):
            row = existing.get((position, order)) or PlotPoint(
                show_id=show.id, episode_position=position, sort_order=order
            )
            session.add(row)
            row.revealed_in = p.revealed_in if p.revealed_in is not None else position
            row.storyline = storylines[p.storyline]
            row.spoiler_level = p.level.value
            row.text = p.text
            row.confidence = p.confidence.value
            row.sources = list(p.sources)
            row.characters = [characters[slug] for slug in p.characters]
            keep.add((position, order))
    _delete_missing(session, existing, keep)
    session.flush()


def _sync_questions(session: Session, show: Show, rows: list[QuestionIn]) -> None:
    existing = _by(session, Question, show, "slug")
    for order, data in enumerate(rows):
        q = existing.get(data.slug) or Question(show_id=show.id, slug=data.slug)
        session.add(q)
        q.text, q.raised_in, q.answered_in, q.answer = (
            data.text, data.raised_in, data.answered_in, data.answer
        )
        q.confidence, q.sources, q.sort_order = data.confidence.value, list(data.sources), order
    _delete_missing(session, existing, {d.slug for d in rows})


def current_version(session: Session) -> int:
    # A plain column read: this runs on every cached page, so it skips the ORM identity map.
    version = session.execute(
        select(ContentVersion.version).where(ContentVersion.id == 1)
    ).scalar_one_or_none()
    return version or 0


VERSION_BUMPED = "ballard.content_version_bumped"


def bump_version(session: Session) -> int:
    """Every content change goes through here, so caches keyed on the version go stale."""
    row = session.get(ContentVersion, 1)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if row is None:
        row = ContentVersion(id=1, version=0, updated_at=now)
        session.add(row)
    row.version += 1
    row.updated_at = now
    session.flush()
    session.info[VERSION_BUMPED] = True  # lets this worker's page cache look again at once
    return row.version


# --- dumping ------------------------------------------------------------------------------


def pack_from_db(session: Session, show: Show) -> PackIn:
    """Read one show back into the pack model (the inverse of load_pack)."""
    season = session.scalars(
        select(Season).where(Season.show_id == show.id).order_by(Season.number.desc())
    ).first()
    if season is None:
        raise PackError(show.slug, ["the show has no season to dump"])
    storylines = session.scalars(
        select(Storyline).where(Storyline.show_id == show.id).order_by(Storyline.sort_order)
        .options(selectinload(Storyline.statuses))
    ).all()
    characters = session.scalars(
        select(Character).where(Character.show_id == show.id).order_by(Character.sort_order)
        .options(
            selectinload(Character.bios),
            selectinload(Character.statuses),
            selectinload(Character.aliases),
        )
    ).all()
    episodes = session.scalars(
        select(Episode).where(Episode.season_id == season.id).order_by(Episode.position)
    ).all()
    points = session.scalars(
        select(PlotPoint)
        .where(PlotPoint.show_id == show.id)
        .order_by(PlotPoint.episode_position, PlotPoint.sort_order)
        .options(selectinload(PlotPoint.characters), selectinload(PlotPoint.storyline))
    ).all()
    by_episode: dict[int, list[PlotPoint]] = {}
    for p in points:
        by_episode.setdefault(p.episode_position, []).append(p)
    questions = session.scalars(
        select(Question).where(Question.show_id == show.id).order_by(Question.sort_order)
    ).all()

    return PackIn(
        format=1,
        show=ShowIn(slug=show.slug, title=show.title, network=show.network, premise=show.premise),
        season=SeasonIn(number=season.number, first_position=season.first_position),
        storylines=[
            StorylineIn(
                slug=s.slug, title=s.title, introduced_in=s.introduced_in, summary=s.summary,
                statuses=[
                    StorylineStatusIn(revealed_in=st.revealed_in, status=st.status, note=st.note)
                    for st in s.statuses
                ],
            )
            for s in storylines
        ],
        characters=[
            CharacterIn(
                slug=c.slug, name=c.name, short_names=c.short_names,
                introduced_in=c.introduced_in, role=c.role, actor=c.actor,
                bios=[BioIn(revealed_in=b.revealed_in, text=b.text) for b in c.bios],
                statuses=[
                    CharacterStatusIn(revealed_in=s.revealed_in, status=s.status, note=s.note)
                    for s in c.statuses
                ],
                aliases=[AliasIn(revealed_in=a.revealed_in, alias=a.alias) for a in c.aliases],
            )
            for c in characters
        ],
        episodes=[
            EpisodeIn(
                number=e.number, title=e.title, release_date=e.release_date,
                runtime_minutes=e.runtime_minutes, writer=e.writer, director=e.director,
                plot_points=[
                    PlotPointIn(
                        storyline=p.storyline.slug, level=p.spoiler_level,
                        characters=[c.slug for c in p.characters], text=p.text,
                        confidence=p.confidence, sources=p.sources,
                        revealed_in=None if p.revealed_in == e.position else p.revealed_in,
                    )
                    for p in by_episode.get(e.position, [])
                ],
            )
            for e in episodes
        ],
        questions=[
            QuestionIn(
                slug=q.slug, text=q.text, raised_in=q.raised_in, answered_in=q.answered_in,
                answer=q.answer, confidence=q.confidence, sources=q.sources,
            )
            for q in questions
        ],
    )


def pack_to_yaml(pack: PackIn) -> str:
    data = pack.model_dump(mode="python", exclude_none=True, exclude_defaults=False)
    return yaml.dump(
        _prune(data), Dumper=_PackDumper, sort_keys=False, allow_unicode=True, width=92
    )


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


def dump_show(session: Session, show_slug: str) -> str:
    show = session.scalar(select(Show).where(Show.slug == show_slug))
    if show is None:
        raise PackError(show_slug, [f"no show with slug {show_slug!r} in the database"])
    return pack_to_yaml(pack_from_db(session, show))
