"""Is the database there, and at the migrations' head? If not: one 503 for every URL.

Each worker checks the schema revision once, at its first request, and again after any
database error; a worker that found the head trusts it until then, so a served request
costs no extra query. While the database cannot be reached, or is not at the head, every
page (and every /api/ answer) is the same 503 with `Retry-After`, never cached.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from flask import Flask, current_app, request
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, InternalError, OperationalError

from ballard.errors import is_api_request, json_error
from ballard.migrate import migrations_head

RETRY_AFTER_SECONDS = 5
UPGRADE_COMMAND = "flask --app app db upgrade"
UNREACHABLE = "unreachable"
NOT_AT_HEAD = "not_at_head"
# Endpoints that answer without the schema check: static files need no database, and
# /healthz runs the check itself so it can say what it found.
UNCHECKED_ENDPOINTS = frozenset({"static", "ops.healthz", "ops.favicon"})


class DatabaseUnavailable(Exception):
    """The database cannot serve: unreachable, or not at the migrations' head."""

    def __init__(self, reason: str, message: str, revision: str | None = None, head: str | None = None):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.revision = revision
        self.head = head


def is_outage(exc: DBAPIError) -> bool:
    """Errors of the database rather than of our SQL: lost or refused connections, lock
    timeouts, a full or read-only disk (OperationalError; PostgreSQL reports a read-only
    transaction as InternalError)."""
    return exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError | InternalError)


def describe(exc: BaseException) -> str:
    """The driver's first line, without SQLAlchemy's statement and parameters."""
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0]


@dataclass(frozen=True)
class SchemaStatus:
    revision: str | None  # what the database's alembic_version holds (None: no table)
    head: str


class SchemaCheck:
    """One per app (so one per worker process): the last verdict on the schema."""

    def __init__(self, engine: Engine, head: str):
        self.engine = engine
        self.head = head
        self._at_head = False
        self._lock = threading.Lock()

    def status(self) -> SchemaStatus:
        """Read the revision now; DatabaseUnavailable when the database cannot answer."""
        try:
            with self.engine.connect() as connection:
                revision = MigrationContext.configure(connection).get_current_revision()
        except DBAPIError as exc:
            self.forget()
            raise DatabaseUnavailable(
                UNREACHABLE, f"The database cannot be reached: {describe(exc)}"
            ) from exc
        self._at_head = revision == self.head
        return SchemaStatus(revision, self.head)

    def require(self) -> None:
        """Return when the schema is at head (trusted once seen); else DatabaseUnavailable."""
        if self._at_head:
            return
        with self._lock:  # one check at a time per worker, not one per waiting thread
            if self._at_head:
                return
            found = self.status()
        if found.revision != found.head:
            raise DatabaseUnavailable(
                NOT_AT_HEAD,
                f"The database is at revision {found.revision or 'none (empty)'}, not at the "
                f"migrations' head {found.head}. Run: {UPGRADE_COMMAND}",
                found.revision,
                found.head,
            )

    @property
    def trusted(self) -> bool:
        """Has this worker seen the schema at head since the last database error?"""
        return self._at_head

    def forget(self) -> None:
        """After a database error: check again at the next request."""
        self._at_head = False


def schema_check() -> SchemaCheck:
    return current_app.extensions["ballard.schema_check"]


def unavailable(down: DatabaseUnavailable):
    """The one 503: the same body for every URL (HTML, or JSON under /api/)."""
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if down.reason == NOT_AT_HEAD:
        message = (
            "The guide's database has not been upgraded to this version of the site. "
            f"The operator needs to run: {UPGRADE_COMMAND}"
        )
    else:
        message = "The guide cannot reach its database just now. Try again in a few seconds."
    if is_api_request():
        return json_error(503, "unavailable", message, headers)
    # Straight from the Jinja environment, without Flask's context processors: those load
    # a signed-in editor's account, which needs the very database that is missing.
    template = current_app.jinja_env.get_template("errors/error.html")
    body = template.render(code=503, title="Temporarily unavailable", message=message, detail=None)
    return body, 503, headers


def database_error(exc: DBAPIError):
    """A database error in any view: 503 when the database is down, behind or refusing
    the work (and the next request checks the schema again); a 500 for our own bug."""
    check = schema_check()
    check.forget()
    try:
        check.require()
    except DatabaseUnavailable as down:
        return unavailable(down)
    if is_outage(exc):
        current_app.logger.warning("database unavailable: %s", describe(exc))
        return unavailable(DatabaseUnavailable(UNREACHABLE, describe(exc)))
    raise exc


def _require_schema():
    if request.endpoint not in UNCHECKED_ENDPOINTS:
        schema_check().require()


def init_app(app: Flask) -> None:
    app.extensions["ballard.schema_check"] = SchemaCheck(app.extensions["ballard.engine"], migrations_head())
    # Registered before the page cache's lookup (blueprint hooks run after app hooks), so
    # a worker never answers from its cache for a database it has not checked.
    app.before_request(_require_schema)
    app.register_error_handler(DatabaseUnavailable, unavailable)
    app.register_error_handler(DBAPIError, database_error)
