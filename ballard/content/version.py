"""The content version: one row, bumped by every content change, so every cache keyed on
it (each worker's page cache, every browser's ETag) goes stale at once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ballard.models import ContentVersion

VERSION_BUMPED = "ballard.content_version_bumped"


def current_version(session: Session) -> int:
    # A plain column read: this runs on every cached page, so it skips the ORM identity map.
    version = session.execute(
        select(ContentVersion.version).where(ContentVersion.id == 1)
    ).scalar_one_or_none()
    return version or 0


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
