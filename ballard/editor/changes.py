"""Saving one editor change: lock, check the version token, apply, lint, record, commit.

Every change (a saved form, a deletion, a restore) goes through `save_change()`:

1. take the editors' write lock (the content version row) and bump the version. Two
   changes therefore never interleave, and what follows reads the rows as committed.
2. compare the entity's current snapshot with the version token the form was rendered
   with. A mismatch means someone else saved in between: StaleChange (a 409), nothing
   written, and the form keeps the editor's input.
3. apply the change, flush, rebuild the whole pack with pack_from_db and run the
   structural checks and the spoiler lint. Any error this change introduces blocks it:
   ChangeBlocked, rolled back. Errors that were there before do not block fixing them.
4. record a Revision (who, when, what, before and after) and commit.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ballard.content.findings import ERROR, WARNING, Finding
from ballard.content.lint import lint_pack
from ballard.content.pack import PackError, bump_version, check_references, pack_from_db
from ballard.content.schema import PackIn
from ballard.content.search_index import refresh_show
from ballard.editor.accounts import utcnow
from ballard.editor.entities import KINDS, ChangeRefused, Snapshot
from ballard.models import ContentVersion, EntityKind, Episode, PlotPoint, Revision, Season, Show, User
from ballard.story.fields import describe_errors, episode_code


def version_token(key: str, snapshot: Snapshot | None) -> str:
    """A short fingerprint of an entity's key and saved state, carried by its edit form.
    With the key in it, a form for "the next episode" goes stale once someone adds one."""
    text = json.dumps([key, snapshot], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Problem:
    """Why a change was blocked. `field` names the form field it belongs next to (None:
    about the change as a whole); `row` names a nested row such as "bios[1]"."""

    message: str
    field: str | None = None
    row: str | None = None


class ChangeBlocked(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


class StaleChange(Exception):
    """The entity changed since the form was rendered."""

    def __init__(self, current: Snapshot | None, last: Revision | None):
        super().__init__("stale")
        self.current = current
        self.last = last


@dataclass(frozen=True)
class Saved:
    revision: Revision | None  # None: the change changed nothing, so nothing was recorded
    warnings: tuple[str, ...]


def save_change(
    session: Session, show: Show, user: User, kind_name: str, key: str, data: Snapshot | None,
    token: str, restored_from: Revision | None = None, token_key: str | None = None,
) -> Saved:
    """Apply one change and commit it with its revision, or raise and write nothing.

    `token` is the version token the form was rendered with, for `token_key` (default:
    `key`; a form for a new slugged row has no key until it is filled in).
    """
    kind = KINDS[kind_name]
    try:
        _lock(session)
        version = bump_version(session)
        before = kind.snapshot(session, show, key)
        if token != version_token(key if token_key is None else token_key, before):
            raise StaleChange(before, last_revision(session, show, kind_name, key))
        baseline = {f.identity for f in _lint_or_nothing(session, show)}
        kind.apply(session, show, key, data)
        try:
            session.flush()
        except IntegrityError as exc:
            raise ChangeRefused(
                "This clashes with another row (a slug or a place already taken). "
                "Reload the page and try again.") from exc
        findings = lint_show(session, show)
        new_errors = [f for f in findings if f.level == ERROR and f.identity not in baseline]
        if new_errors:
            raise ChangeBlocked([_problem(f, kind_name, key) for f in new_errors])
        after = kind.snapshot(session, show, key)
        if after == before:
            session.rollback()
            return Saved(None, ())
        refresh_show(session, show.id)  # the search index: only what changed, same transaction
        revision = Revision(
            show_id=show.id, user_id=user.id, created_at=utcnow(), entity_kind=kind_name,
            entity_key=key, before=before, after=after, content_version=version,
            restored_from_id=restored_from.id if restored_from else None,
        )
        session.add(revision)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    warnings = tuple(
        str(f) for f in findings
        if f.level == WARNING and (f.identity not in baseline or (f.kind, f.key) == (kind_name, key))
    )
    return Saved(revision, warnings)


def restore(session: Session, show: Show, user: User, revision: Revision, which: str,
            token: str) -> Saved:
    """Bring an entity back to the version before or after `revision` (a new revision)."""
    data = revision.before if which == "before" else revision.after
    return save_change(session, show, user, revision.entity_kind, revision.entity_key, data,
                       token, restored_from=revision)


def last_revision(session: Session, show: Show, kind_name: str, key: str) -> Revision | None:
    return session.scalar(
        select(Revision)
        .where(Revision.show_id == show.id, Revision.entity_kind == kind_name,
               Revision.entity_key == key)
        .order_by(Revision.id.desc())
        .options(selectinload(Revision.user))
        .limit(1)
    )


def lint_show(session: Session, show: Show) -> list[Finding]:
    """The spoiler lint over the show as it is in the database now, with plot points
    named by their editor keys (their sort slot, which no other edit shifts)."""
    keys = _editor_keys(session, show)
    return [_with_editor_key(f, keys) for f in lint_pack(_pack(session, show, keys))]


# --- helpers ------------------------------------------------------------------------------


def _lock(session: Session) -> None:
    """Take the editors' write lock: a no-op UPDATE of the content version row, which
    PostgreSQL holds as a row lock and SQLite as its database write lock until commit.
    Everything read after it (the version included) is what the last change committed."""
    session.execute(update(ContentVersion).where(ContentVersion.id == 1)
                    .values(version=ContentVersion.version))
    session.expire_all()


def _pack(session: Session, show: Show, keys: dict[str, str]) -> PackIn:
    """The show as a pack, or ChangeBlocked with the structural problems."""
    try:
        pack = pack_from_db(session, show)
    except PackError as exc:
        raise ChangeBlocked([Problem(p) for p in exc.problems]) from None
    except ValidationError as exc:
        raise ChangeBlocked([Problem(text) for text in describe_errors(exc)]) from None
    problems = [_with_editor_key(f, keys) for f in check_references(pack)]
    if problems:
        raise ChangeBlocked([Problem(f"{f.where}: {f.message}") for f in problems])
    return pack


def _editor_keys(session: Session, show: Show) -> dict[str, str]:
    """Pack key of each plot point ("s1e3/1": its index in the episode's list) -> its
    editor key ("s1e3/4": its sort slot)."""
    rows = session.execute(
        select(Season.number, Episode.number, PlotPoint.sort_order)
        .join(Episode, (Episode.show_id == PlotPoint.show_id)
              & (Episode.position == PlotPoint.episode_position))
        .join(Season, Episode.season_id == Season.id)
        .where(PlotPoint.show_id == show.id)
        .order_by(PlotPoint.episode_position, PlotPoint.sort_order)
    ).all()
    keys: dict[str, str] = {}
    counts: dict[str, int] = {}
    for season, number, slot in rows:
        code = episode_code(season, number)
        index = counts.get(code, 0)
        counts[code] = index + 1
        keys[f"{code}/{index}"] = f"{code}/{slot}"
    return keys


def _with_editor_key(f: Finding, keys: dict[str, str]) -> Finding:
    if f.kind == EntityKind.PLOT_POINT and f.key in keys:
        return dataclasses.replace(f, key=keys[f.key])
    return f


def _lint_or_nothing(session: Session, show: Show) -> list[Finding]:
    try:
        return lint_show(session, show)
    except ChangeBlocked:
        return []


def _problem(f: Finding, kind_name: str, key: str) -> Problem:
    """A finding about the entity being saved goes next to its field (or above its list
    of stamped rows); one about another row is listed with where it is."""
    if (f.kind, f.key) != (kind_name, key):
        return Problem(f"{f.where}: {f.message}")
    if not f.row:
        return Problem(f.message, field=f.field)
    return Problem(f"{f.nested}, {f.field}: {f.message}", field=f.row[0][0], row=f.nested)
