"""The settings registry: typed BALLARD_* variables, refused bad values, the README table,
and the app started from the environment alone saving progress through the real form."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from ballard import create_app, shared_cache
from ballard.config import ConfigError
from ballard.db import get_engine
from ballard.settings import BY_NAME, SETTINGS, from_environment, readme_table
from tests.conftest import SECRET, get_engine_dispose

ROOT = Path(__file__).resolve().parent.parent
ENV_SETTINGS = [s.name for s in SETTINGS if s.env]


# --- the registry and the README ------------------------------------------------------------


def _readme_configuration_section() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("\n## Configuration\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def test_readme_documents_exactly_the_settings_the_environment_can_set():
    documented = re.findall(r"^\| `BALLARD_(\w+)` \|", _readme_configuration_section(), re.M)
    assert sorted(documented) == sorted(ENV_SETTINGS), (
        "README's Configuration table and ballard/settings.py list different variables"
    )


def test_readme_table_is_the_registry_rendered():
    lines = [line for line in _readme_configuration_section().splitlines() if line.startswith("|")]
    assert "\n".join(lines) + "\n" == readme_table(), (
        "README's Configuration table differs from ballard/settings.py; paste the output of "
        "`python -m ballard.settings` into it"
    )


def test_every_setting_is_well_formed():
    assert len(BY_NAME) == len(SETTINGS), "a setting is declared twice"
    for setting in SETTINGS:
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", setting.name)
        assert setting.meaning and "\n" not in setting.meaning and "|" not in setting.meaning


@pytest.mark.parametrize("setting", [s for s in SETTINGS if s.default is not None], ids=lambda s: s.name)
def test_every_default_reads_back_through_its_own_type(setting):
    written = str(setting.default).lower() if isinstance(setting.default, bool) else str(setting.default)
    assert setting.kind.parse(written) == setting.default


def test_every_config_key_the_code_reads_is_a_setting():
    read = set()
    for path in (ROOT / "ballard").rglob("*.py"):
        read |= set(re.findall(r"config(?:\[|\.get\()\s*[\"']([A-Z_]+)[\"']", path.read_text()))
    assert {"DATABASE_URL", "SECRET_KEY", "HORIZON_COOKIE_MAX_AGE"} <= read  # the scan works
    assert read - set(BY_NAME) == set()


# --- reading the environment ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "raw", "value"),
    [
        ("PAGE_CACHE_MB", "0", 0),
        ("PAGE_CACHE_MB", " 250 ", 250),
        ("MAX_CONTENT_LENGTH", "65536", 65536),
        ("HORIZON_COOKIE_MAX_AGE", "86400", 86400),
        ("TRUSTED_PROXIES", "2", 2),
        ("PAGE_CACHE_VERSION_TTL", "0.25", 0.25),
        ("PAGE_CACHE_VERSION_TTL", "3", 3.0),
        ("ENV", "Development", "development"),
        (
            "DATABASE_URL",
            "postgresql://ballard@db.internal/ballard",
            "postgresql://ballard@db.internal/ballard",
        ),
        ("SECRET_KEY", "  spaces are part of a key  ", "  spaces are part of a key  "),
        *[("SQL_ECHO", raw, True) for raw in ("true", "1", "yes", "on", "TRUE", "On")],
        *[("SQL_ECHO", raw, False) for raw in ("false", "0", "no", "off", "False", "NO")],
    ],
)
def test_values_are_typed(name, raw, value):
    got = from_environment({f"BALLARD_{name}": raw})[name]
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        (
            "PAGE_CACHE_MB",
            "lots",
            "BALLARD_PAGE_CACHE_MB must be a whole number of megabytes ≥ 0, not 'lots'",
        ),
        ("PAGE_CACHE_MB", "-1", "BALLARD_PAGE_CACHE_MB must be a whole number of megabytes ≥ 0, not '-1'"),
        ("TRUSTED_PROXIES", "+1", "BALLARD_TRUSTED_PROXIES must be a whole number ≥ 0, not '+1'"),
        (
            "MAX_CONTENT_LENGTH",
            "64k",
            "BALLARD_MAX_CONTENT_LENGTH must be a whole number of bytes ≥ 1, not '64k'",
        ),
        (
            "HORIZON_COOKIE_MAX_AGE",
            "0",
            "BALLARD_HORIZON_COOKIE_MAX_AGE must be a whole number of seconds ≥ 1, not '0'",
        ),
        (
            "HORIZON_COOKIE_MAX_AGE",
            "1.5",
            "BALLARD_HORIZON_COOKIE_MAX_AGE must be a whole number of seconds ≥ 1, not '1.5'",
        ),
        (
            "PAGE_CACHE_VERSION_TTL",
            "nan",
            "BALLARD_PAGE_CACHE_VERSION_TTL must be a number of seconds ≥ 0, not 'nan'",
        ),
        ("SQL_ECHO", "maybe", "BALLARD_SQL_ECHO must be true or false (or 1/0, yes/no, on/off), not 'maybe'"),
        ("ENV", "staging", "BALLARD_ENV must be one of production, development or testing, not 'staging'"),
        (
            "DATABASE_URL",
            "ballard.db",
            "BALLARD_DATABASE_URL must be a database URL such as sqlite:///path/to/ballard.db or postgresql://user@host/db, not 'ballard.db'",
        ),
        # SQLAlchemy dropped the "postgres" name; the password never reaches the message.
        (
            "DATABASE_URL",
            "postgres://ballard:hunter2@db/ballard",
            "BALLARD_DATABASE_URL must be a database URL such as sqlite:///path/to/ballard.db or postgresql://user@host/db, not 'postgres://ballard:***@db/ballard'",
        ),
        (
            "DATABASE_URL",
            "postgresql+nope://ballard:hun@ter2@db/ballard",
            "BALLARD_DATABASE_URL must be a database URL such as sqlite:///path/to/ballard.db or postgresql://user@host/db, not 'postgresql+nope://ballard:***@db/ballard'",
        ),
    ],
)
def test_a_bad_value_is_refused_naming_variable_value_and_expectation(name, raw, message):
    with pytest.raises(ConfigError) as refused:
        from_environment({f"BALLARD_{name}": raw})
    assert str(refused.value) == message


def test_an_unknown_variable_is_refused_with_the_likely_name():
    with pytest.raises(
        ConfigError,
        match=r"^BALLARD_PAGE_CACHE_M is not a Ballard setting "
        r"\(did you mean BALLARD_PAGE_CACHE_MB\?",
    ):
        from_environment({"BALLARD_PAGE_CACHE_M": "10"})


@pytest.mark.parametrize("name", ["SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SECURE", "TESTING"])
def test_a_setting_fixed_in_code_cannot_come_from_the_environment(name):
    with pytest.raises(ConfigError, match=f"^BALLARD_{name} cannot be set from the environment"):
        from_environment({f"BALLARD_{name}": "false"})


def test_every_problem_is_reported_at_once():
    with pytest.raises(ConfigError) as refused:
        from_environment({"BALLARD_PAGE_CACHE_MB": "lots", "BALLARD_SQL_ECHO": "maybe", "BALLARD_NOPE": "1"})
    assert [line.split()[0] for line in str(refused.value).splitlines()] == [
        "BALLARD_NOPE",
        "BALLARD_PAGE_CACHE_MB",
        "BALLARD_SQL_ECHO",
    ]


def test_tests_only_and_foreign_variables_do_not_reach_the_app_and_empty_is_unset():
    environ = {
        "BALLARD_TEST_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/t",
        "BALLARD_ENV": "testing",
        "BALLARD_PAGE_CACHE_MB": "",
        "PATH": "/usr/bin",
        "BALLARDX": "not ours",
    }
    assert from_environment(environ) == {"ENV": "testing"}


def test_a_bad_tests_only_value_is_refused_too():
    with pytest.raises(ConfigError, match="^BALLARD_TEST_DATABASE_URL must be a database URL"):
        from_environment({"BALLARD_TEST_DATABASE_URL": "localhost:5432"})


# --- the app started from the environment ------------------------------------------------------


@pytest.fixture
def start_from_env(monkeypatch, migrated) -> Iterator[Callable[..., Flask]]:
    """create_app() with no test config, from exactly these BALLARD_* variables (a testing
    app on the test database unless overridden; `name=value` sets BALLARD_<name>)."""
    apps: list[Flask] = []

    def start(**variables: str) -> Flask:
        for name in list(os.environ):
            if name.startswith("BALLARD_"):
                monkeypatch.delenv(name)
        base = {"ENV": "testing", "DATABASE_URL": migrated, "SECRET_KEY": SECRET}
        for name, value in {**base, **variables}.items():
            monkeypatch.setenv(f"BALLARD_{name}", value)
        app = create_app()
        apps.append(app)
        return app

    yield start
    for app in apps:
        get_engine_dispose(app)


def _home_page(client, headers: dict[str, str] | None = None) -> None:
    """GET the show's home page like a browser and check the slider form is there."""
    home = client.get("/tiny/", headers=headers)
    assert home.status_code == 302, home.status
    page = BeautifulSoup(
        client.get(home.headers["Location"], headers=headers).get_data(as_text=True), "html.parser"
    )
    form = page.find("form", action="/tiny/progress")
    assert form is not None and form["method"] == "post"


def _progress_cookie_header(response) -> str:
    [header] = [
        h
        for h in response.headers.getlist("Set-Cookie")
        if h.split("=", 1)[0] in ("horizon-tiny", "__Host-horizon-tiny")
    ]
    return header


def test_every_documented_variable_configures_the_app(tiny, start_from_env, migrated):
    """Production behind one load balancer, set up from the README's table alone."""
    key = "s3cret-" + "k" * 33
    environment = {
        "ENV": "production",
        "SECRET_KEY": key,
        "DATABASE_URL": migrated,
        "HORIZON_COOKIE_MAX_AGE": "86400",
        "EDITOR_SESSION_LIFETIME": "3600",
        "PAGE_CACHE_MB": "10",
        "PAGE_CACHE_VERSION_TTL": "0.5",
        "TRUSTED_PROXIES": "1",
        "SHARED_CACHE_MAX_AGE": "120",
        "SHARED_CACHE_STALE": "10",
        "SHARED_CACHE_STALE_IF_ERROR": "600",
        "SHARED_CACHE_URLS": "http://127.0.0.1:9/ http://[::1]:9/",
        "MAX_CONTENT_LENGTH": "65536",
        "SQL_ECHO": "off",
        "DATABASE_LOCK_TIMEOUT": "2.5",
        "TEST_DATABASE_URL": migrated,
        "TEST_PGBIN": "/usr/lib/postgresql/15/bin",
    }
    assert sorted(environment) == sorted(ENV_SETTINGS), "a documented variable is not set here"
    app = start_from_env(**environment)

    config = app.config
    assert (config["ENV"], config["SECRET_KEY"], config["DATABASE_URL"]) == ("production", key, migrated)
    assert config["SESSION_COOKIE_SECURE"] is True and config["TESTING"] is False
    assert "TEST_DATABASE_URL" not in config and "TEST_PGBIN" not in config
    assert app.permanent_session_lifetime.total_seconds() == config["EDITOR_SESSION_LIFETIME"] == 3600
    cache = app.extensions["ballard.page_cache"]
    assert (cache.max_bytes, cache.version_ttl) == (10 * 1024 * 1024, 0.5)
    assert shared_cache.cache_control(config) == (
        "public, max-age=0, s-maxage=120, stale-while-revalidate=10, stale-if-error=600"
    )
    assert shared_cache.get_purger(app).urls == ("http://127.0.0.1:9/", "http://[::1]:9/")
    with app.app_context():
        assert get_engine().echo is False
        with get_engine().connect() as connection:
            if connection.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 2500
            else:
                assert connection.exec_driver_sql("SHOW lock_timeout").scalar() == "2500ms"

    # One load balancer terminates TLS: with TRUSTED_PROXIES=1 the app sees HTTPS.
    client = app.test_client()
    forwarded = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    _home_page(client, forwarded)
    response = client.post(
        "/tiny/progress", data={"horizon": "2"}, headers={**forwarded, "Origin": "https://localhost"}
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"] == "/tiny/at/2/"
    assert "Strict-Transport-Security" in response.headers
    cookie = _progress_cookie_header(response)
    assert "Max-Age=86400" in cookie and "Secure" in cookie and "HttpOnly" in cookie
    assert cookie.startswith("__Host-horizon-tiny=")
    assert client.get("/tiny/", headers=forwarded).headers["Location"] == "/tiny/at/2/"


# Regressions: each of these answered 500 or failed at start when every value was a string.


def test_max_content_length_from_env_limits_bodies_without_breaking_posts(tiny, start_from_env):
    client = start_from_env(MAX_CONTENT_LENGTH="65536").test_client()
    _home_page(client)
    assert client.post("/tiny/progress", data={"horizon": "1"}).status_code == 303
    too_big = client.post("/tiny/progress", data={"horizon": "1", "padding": "x" * 65536})
    assert too_big.status_code == 413


def test_horizon_cookie_max_age_from_env_is_the_cookie_lifetime(tiny, start_from_env):
    client = start_from_env(HORIZON_COOKIE_MAX_AGE="86400").test_client()
    response = client.post("/tiny/progress", data={"horizon": "3"})
    assert response.status_code == 303
    assert "Max-Age=86400" in _progress_cookie_header(response)


@pytest.mark.parametrize("raw", ["false", "0"])
def test_sql_echo_false_from_env_starts(tiny, start_from_env, raw):
    app = start_from_env(SQL_ECHO=raw)
    assert app.config["SQL_ECHO"] is False
    with app.app_context():
        assert get_engine().echo is False
    assert app.test_client().get("/tiny/at/0/").status_code == 200


def test_a_bad_value_from_env_stops_the_app_at_start(start_from_env):
    with pytest.raises(ConfigError) as refused:
        start_from_env(PAGE_CACHE_MB="lots")
    assert str(refused.value) == "BALLARD_PAGE_CACHE_MB must be a whole number of megabytes ≥ 0, not 'lots'"


def test_a_misspelt_variable_stops_the_app_at_start(start_from_env):
    with pytest.raises(ConfigError, match="BALLARD_SECRETKEY is not a Ballard setting"):
        start_from_env(SECRETKEY="k" * 40)


def test_the_variables_the_tests_and_make_set_are_accepted(start_from_env, migrated):
    app = start_from_env(ENV="testing", TEST_DATABASE_URL=migrated)
    assert app.config["ENV"] == "testing" and app.config["TESTING"] is True


def test_testing_turns_the_version_ttl_off_unless_it_is_set(start_from_env):
    assert start_from_env().config["PAGE_CACHE_VERSION_TTL"] == 0.0
    assert start_from_env(PAGE_CACHE_VERSION_TTL="2.5").config["PAGE_CACHE_VERSION_TTL"] == 2.5
    assert start_from_env(ENV="development").config["PAGE_CACHE_VERSION_TTL"] == 1.0
