"""Shared fixtures: an app on a database built by the migrations, a client, a CLI runner.

The database is SQLite in a temporary folder, or PostgreSQL when
BALLARD_TEST_DATABASE_URL is set (CI runs the whole suite both ways). It is migrated
once per session; each test starts from empty tables.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from ballard import create_app
from ballard.cli import load_packs, upgrade_database
from ballard.db import Base, get_engine

PACKS = Path(__file__).parent / "packs"
TINY_PACK = PACKS / "tiny.yaml"
SECRET = "test-secret-key-that-is-long-enough-0123456789"


def pytest_report_header() -> str:
    return f"database: {_database_url_label()}"


def _database_url_label() -> str:
    url = os.environ.get("BALLARD_TEST_DATABASE_URL")
    return "PostgreSQL (BALLARD_TEST_DATABASE_URL)" if url else "SQLite (temporary file)"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("BALLARD_TEST_DATABASE_URL")
    if url:
        _reset_postgres(url)
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


def _reset_postgres(url: str) -> None:
    """Start every test session from an empty schema, so the migrations build it all."""
    app = create_app({"ENV": "testing", "DATABASE_URL": url, "SECRET_KEY": SECRET})
    with app.app_context(), get_engine().begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    get_engine_dispose(app)


def get_engine_dispose(app) -> None:
    app.extensions["ballard.engine"].dispose()


@pytest.fixture(scope="session")
def migrated(database_url: str) -> str:
    app = create_app({"ENV": "testing", "DATABASE_URL": database_url, "SECRET_KEY": SECRET})
    with app.app_context():
        upgrade_database()
    get_engine_dispose(app)
    return database_url


def make_app(database_url: str, **overrides):
    config = {
        "ENV": "testing",
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        **overrides,
    }
    return create_app(config)


@pytest.fixture
def app(migrated: str):
    app = make_app(migrated)
    with app.app_context():
        _empty_tables()
    yield app
    get_engine_dispose(app)


def _empty_tables() -> None:
    with get_engine().begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def tiny(app):
    """The app with the small test pack loaded."""
    with app.app_context():
        load_packs([TINY_PACK])
    return app


def progress_cookie(app, show: str, h: int) -> tuple[str, str]:
    """The (name, value) of the cookie the slider form saves for a reader at h."""
    with app.test_request_context():
        from flask import Response

        from ballard.progress import cookie_name, save_progress

        response = Response()
        save_progress(response, show, h)
        value = response.headers["Set-Cookie"].split(";", 1)[0].split("=", 1)[1]
    return cookie_name(show), value


def set_progress_cookie(app, client, show: str, h: int) -> None:
    """Give the test client a saved horizon, as the slider form would."""
    client.set_cookie(*progress_cookie(app, show, h))


@pytest.fixture
def reader(app, client):
    """A client whose reader has watched everything, so no page is behind the share guard."""
    set_progress_cookie(app, client, "tiny", 4)
    set_progress_cookie(app, client, "ballard", 10)
    return client
