"""The engine, the per-request session and the declarative Base."""

from __future__ import annotations

import datetime as dt
import enum
import functools
from typing import Annotated, Any

from flask import Flask, current_app, g
from sqlalchemy import (
    JSON,
    Column,
    Date,
    Dialect,
    Engine,
    MetaData,
    String,
    Table,
    TypeDecorator,
    create_engine,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

intpk = Annotated[int, mapped_column(primary_key=True)]

# A stamp: the episode position from which a viewer knows the row (0 = from the premise).
# Stamped columns say so in their `info`, and everything that must treat every stamp
# alike (the invariance test's pruning, the lint's range checks) finds them there:
#   info={"stamp": True}                       the row does not exist before its stamp;
#   info={"stamp": True, "reveals": (...)}     the row exists, but the named columns (and
#                                              the stamp itself, when nullable) are blank
#                                              before it.
STAMP_INFO = "stamp"
REVEALS_INFO = "reveals"
stamp = Annotated[int, mapped_column(nullable=False, info={STAMP_INFO: True})]


class StrEnumText(TypeDecorator[enum.StrEnum]):
    """A StrEnum stored as its value in a VARCHAR (a CHECK constraint on the table names
    the values): the column reads back as the enum member, so `Mapped[SpoilerLevel]` is
    what the row holds. The schema is the plain VARCHAR(length) the migrations made."""

    impl = String
    cache_ok = True

    def __init__(self, enum_class: type[enum.StrEnum], length: int) -> None:
        super().__init__(length)
        self.enum_class = enum_class

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> enum.StrEnum | None:
        return None if value is None else self.enum_class(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {list[str]: JSON, dt.date: Date}


def stamp_columns(table: Table) -> list[Column]:
    """The columns of `table` that hold a stamp (see `stamp` above)."""
    return [column for column in table.columns if column.info.get(STAMP_INFO)]


CONNECT_TIMEOUT_SECONDS = 5  # an unreachable PostgreSQL host fails a request, not hangs it


def make_engine(url: str, echo: bool = False, lock_timeout: float = 5.0) -> Engine:
    """The engine. pool_pre_ping: a pooled connection that a database restart closed is
    noticed (and replaced) before a request uses it. `lock_timeout`: seconds a statement
    waits for a lock before failing, on SQLite (busy timeout) and PostgreSQL alike."""
    connect_args: dict = {}
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgresql"):
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    engine = create_engine(url, echo=echo, future=True, pool_pre_ping=True, connect_args=connect_args)
    milliseconds = max(1, round(lock_timeout * 1000))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", functools.partial(_sqlite_pragmas, milliseconds))
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", functools.partial(_postgres_lock_timeout, milliseconds))
    return engine


def _sqlite_pragmas(busy_ms: int, dbapi_connection, _record) -> None:
    # WAL lets readers run while an editor writes; the timeout waits instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _postgres_lock_timeout(lock_ms: int, dbapi_connection, _record) -> None:
    # Without it a save behind a stuck lock would wait for ever (PostgreSQL's default).
    with dbapi_connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = {int(lock_ms)}")
    dbapi_connection.commit()


def init_app(app: Flask) -> None:
    """Create the engine from config and close each request's session at teardown."""
    engine = make_engine(
        app.config["DATABASE_URL"],
        echo=app.config["SQL_ECHO"],
        lock_timeout=app.config["DATABASE_LOCK_TIMEOUT"],
    )
    app.extensions["ballard.engine"] = engine
    app.extensions["ballard.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(close_session)


def get_engine() -> Engine:
    return current_app.extensions["ballard.engine"]


def get_session() -> Session:
    """The request's session, opened lazily on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["ballard.sessionmaker"]()
    return g.db_session


def close_session(exc: BaseException | None = None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        if exc is not None:
            session.rollback()
        session.close()
