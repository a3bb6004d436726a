"""The content version: one row, bumped by every content change, so every cache keyed on
it (each worker's page cache, every browser's ETag) goes stale at once.

The number counts changes and is what revisions record; it is not unique: `flask
restore`, pg_restore or a recreated database put it back, and the next change reuses a
number whose pages the workers may still hold. So every bump also draws a random token,
and the page caches key on the pair (`current_stamp`), which no content ever repeats.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from ballard.models import ContentVersion

VERSION_BUMPED = "ballard.content_version_bumped"

Stamp = tuple[int, str | None]  # (version, token): what the page caches key on


def current_version(session: Session) -> int:
    return current_stamp(session)[0]


def current_stamp(session: Session) -> Stamp:
    """The version and its token. A plain column read: this runs on every cached page,
    so it skips the ORM identity map."""
    row = session.execute(
        select(ContentVersion.version, ContentVersion.token).where(ContentVersion.id == 1)
    ).one_or_none()
    return (row.version or 0, row.token) if row is not None else (0, None)


def bump_version(session: Session) -> int:
    """Every content change goes through here, so caches keyed on the version go stale."""
    row = session.get(ContentVersion, 1)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if row is None:
        row = ContentVersion(id=1, version=0, updated_at=now)
        session.add(row)
    row.version += 1
    row.token = secrets.token_hex(16)
    row.updated_at = now
    session.flush()
    session.info[VERSION_BUMPED] = True  # lets this worker's page cache look again at once
    return row.version
