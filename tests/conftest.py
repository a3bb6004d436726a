"""Shared fixtures: an app on a database built by the migrations, a client, a CLI runner.

The database is SQLite in a temporary folder, or PostgreSQL when
BALLARD_TEST_DATABASE_URL is set (CI runs the whole suite both ways). It is migrated
once per session; each test starts from empty tables.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from pathlib import Path

import flask
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import text
from werkzeug.security import generate_password_hash

from ballard import create_app
from ballard.cli import load_packs, upgrade_database
from ballard.db import Base, get_engine, get_session
from ballard.models import User
from ballard.views.auth import start_session

PACKS = Path(__file__).parent / "packs"
TINY_PACK = PACKS / "tiny.yaml"
SECRET = "test-secret-key-that-is-long-enough-0123456789"


def pytest_report_header() -> str:
    return f"database: {_database_url_label()}"


def pytest_terminal_summary(terminalreporter) -> None:
    """What readers saw during each fault of tests/test_faults.py."""
    from tests.faults_harness import REPORTS

    if REPORTS:
        terminalreporter.section("faults")
        for line in REPORTS:
            terminalreporter.write_line(line)


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


_apps_made: list = []


def make_app(database_url: str, **overrides):
    config = {
        "ENV": "testing",
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        **overrides,
    }
    app = create_app(config)
    _apps_made.append(app)
    return app


@pytest.fixture(autouse=True)
def _close_connections_of_apps_made():
    """Close every pooled connection of the apps a test made, before the garbage
    collector finds them open (psycopg warns then, and warnings are errors here)."""
    yield
    while _apps_made:
        get_engine_dispose(_apps_made.pop())


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


PLAIN_HTTP = {"SESSION_COOKIE_SECURE": False}  # cookie names of an app outside production


def progress_cookie(app, show: str, h: int) -> tuple[str, str]:
    """The (name, value) of the cookie the slider form saves for a reader at h."""
    from ballard.progress import cookie_name, progress_cookie_value

    with app.app_context():
        return cookie_name(show), progress_cookie_value(h)


def set_progress_cookie(app, client, show: str, h: int) -> None:
    """Give the test client a saved horizon, as the slider form would."""
    client.set_cookie(*progress_cookie(app, show, h))


@pytest.fixture
def reader(app, client):
    """A client whose reader has watched everything, so no page is behind the share guard."""
    set_progress_cookie(app, client, "tiny", 4)
    set_progress_cookie(app, client, "ballard", 10)
    return client


# --- editors ------------------------------------------------------------------------------------

EDITOR_EMAIL = "editor@example.com"
EDITOR_PASSWORD = "a long enough password"


@functools.cache
def _password_hash(password: str) -> str:
    """scrypt is slow on purpose; hash each test password once per session."""
    return generate_password_hash(password)


def make_editor(app, email: str = EDITOR_EMAIL, password: str = EDITOR_PASSWORD) -> int:
    """An editor account, as `flask editor create` makes it; returns its id."""
    with app.app_context():
        session = get_session()
        user = User(email=email, password_hash=_password_hash(password), created_at=dt.datetime(2025, 7, 9))
        session.add(user)
        session.commit()
        return user.id


def csrf_from(client, url: str) -> str:
    """The CSRF token in the first form of the page at `url`."""
    page = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
    return page.find("input", {"name": "csrf_token"})["value"]


class EditorAuth:
    """Sign a test client in and out through the real forms (CSRF included)."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str = EDITOR_EMAIL, password: str = EDITOR_PASSWORD, next: str = ""):
        token = csrf_from(self.client, "/auth/login")
        return self.client.post(
            "/auth/login", data={"email": email, "password": password, "next": next, "csrf_token": token}
        )

    def logout(self):
        token = csrf_from(self.client, "/editor/")
        return self.client.post("/auth/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client) -> EditorAuth:
    return EditorAuth(client)


def sign_in(app, client, user_id: int) -> None:
    """Put a signed-in editor in the client's session without the (slow) password check:
    the session keys the sign-in form would set, made by the same function."""
    with app.test_request_context():
        start_session(get_session().get_one(User, user_id))
        signed_in = dict(flask.session)
    with client.session_transaction() as session:
        session.update(signed_in)


@pytest.fixture
def editor(tiny, client):
    """A client signed in as an editor, on the tiny pack."""
    sign_in(tiny, client, make_editor(tiny))
    return client


def read_form(form) -> dict[str, list[str]]:
    """What a browser would send for a BeautifulSoup <form> as it stands."""
    data: dict[str, list[str]] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button"):
            continue
        if field.name == "textarea":
            values = [field.text.removeprefix("\n")]
        elif field.name == "select":
            chosen = field.find_all("option", selected=True) or field.find_all("option")[:1]
            values = [o.get("value", o.text) for o in chosen]
        elif field.get("type") in ("checkbox", "radio"):
            values = [field.get("value", "on")] if field.has_attr("checked") else []
        else:
            values = [field.get("value", "")]
        data.setdefault(name, []).extend(values)
    return data


def submit(client, url: str, changes: dict | None = None, selector: str = "form.editor-form"):
    """Open `url`, fill in its form like a person would (`changes`: name -> value, a list
    for several values, None to leave the field out), and post it."""
    page = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
    form = page.select_one(selector)
    assert form is not None, f"no {selector} on {url}"
    data = read_form(form)
    for name, value in (changes or {}).items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [str(value)]
    return client.post(form.get("action") or url, data=data)
