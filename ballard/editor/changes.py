"""Saving one editor change: lock, check the version token, apply, lint, record, commit.

Every change (a saved form, a deletion, a restore) goes through `save_change()`:

1. take the editors' write lock (the content version row) and bump the version. Two
   changes therefore never interleave, and what follows reads the rows as committed.
2. compare the entity's current snapshot with the version token the form was rendered
   with. A mismatch means someone else saved in between: StaleChange (a 409), nothing
   written, and the form keeps the editor's input.
3. apply the change, flush, rebuild the whole show with pack_from_db and run the
   structural checks and the spoiler lint. Any error this change introduces blocks it:
   ChangeBlocked, rolled back. Errors that were there before do not block fixing them.
4. record a Revision (who, when, what, before and after) and commit.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ballard.content.findings import ERROR, WARNING, Finding
from ballard.content.lint import lint_pack
from ballard.content.pack import PackError, bump_version, check_references, pack_from_db
from ballard.content.schema import ShowContent
from ballard.content.search_index import refresh_show
from ballard.editor.accounts import utcnow
from ballard.editor.entities import ChangeRefused, Snapshot
from ballard.models import ContentVersion, Episode, Revision, Season, Show, User
from ballard.story.fields import describe_errors
from ballard.story.kinds import KINDS


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
    session: Session,
    show: Show,
    user: User,
    kind_name: str,
    key: str,
    data: Snapshot | None,
    token: str,
    restored_from: Revision | None = None,
    token_key: str | None = None,
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
                "Reload the page and try again."
            ) from exc
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
            show_id=show.id,
            user_id=user.id,
            created_at=utcnow(),
            entity_kind=kind_name,
            entity_key=key,
            before=before,
            after=after,
            content_version=version,
            restored_from_id=restored_from.id if restored_from else None,
        )
        session.add(revision)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    warnings = tuple(
        str(f)
        for f in findings
        if f.level == WARNING and (f.identity not in baseline or (f.kind, f.key) == (kind_name, key))
    )
    return Saved(revision, warnings)


def restore(session: Session, show: Show, user: User, revision: Revision, which: str, token: str) -> Saved:
    """Bring an entity back to the version before or after `revision` (a new revision)."""
    data = revision.before if which == "before" else revision.after
    return save_change(
        session, show, user, revision.entity_kind, revision.entity_key, data, token, restored_from=revision
    )


def last_revision(session: Session, show: Show, kind_name: str, key: str) -> Revision | None:
    return session.scalar(
        select(Revision)
        .where(Revision.show_id == show.id, Revision.entity_kind == kind_name, Revision.entity_key == key)
        .order_by(Revision.id.desc())
        .options(selectinload(Revision.user))
        .limit(1)
    )


def lint_show(session: Session, show: Show) -> list[Finding]:
    """The spoiler lint over the show as it is in the database now."""
    return lint_pack(_pack(session, show))


# --- helpers ------------------------------------------------------------------------------


def _lock(session: Session) -> None:
    """Take the editors' write lock: a no-op UPDATE of the content version row, which
    PostgreSQL holds as a row lock and SQLite as its database write lock until commit.
    Everything read after it (the version included) is what the last change committed."""
    session.execute(
        update(ContentVersion).where(ContentVersion.id == 1).values(version=ContentVersion.version)
    )
    session.expire_all()


def _pack(session: Session, show: Show) -> ShowContent:
    """The show as a pack, or ChangeBlocked with the structural problems."""
    try:
        pack = pack_from_db(session, show)
    except PackError as exc:
        raise ChangeBlocked([Problem(p) for p in exc.problems]) from None
    except ValidationError as exc:
        raise ChangeBlocked([Problem(text) for text in describe_errors(exc)]) from None
    problems = list(check_references(pack))
    if problems:
        raise ChangeBlocked([Problem(f"{f.where}: {f.message}") for f in problems])
    return pack


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


def add_season(session: Session, show: Show) -> Season:
    """Open the show's next season, starting after its last episode. A season is the
    place episodes go, not a story row, so it has no revision; its episodes do."""
    try:
        _lock(session)
        latest = session.scalars(
            select(Season).where(Season.show_id == show.id).order_by(Season.number.desc())
        ).first()
        last = session.scalar(select(func.max(Episode.position)).where(Episode.show_id == show.id)) or 0
        if latest is not None and last < latest.first_position:
            raise ChangeRefused(
                f"Season {latest.number} has no episodes yet; add its episodes before opening another season."
            )
        season = Season(show_id=show.id, number=(latest.number if latest else 0) + 1, first_position=last + 1)
        session.add(season)
        bump_version(session)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return season
