"""Production concerns: security headers, /healthz, the request log, backups, concurrency."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from ballard import request_log
from ballard.backup import sqlite_path
from ballard.cli import load_packs
from ballard.content.pack import current_version
from ballard.db import get_session
from ballard.models import Episode, PlotPoint
from tests.conftest import TINY_PACK, make_app, set_progress_cookie

HEADERS = ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy"]


@pytest.mark.parametrize("url", ["/", "/tiny/at/2/", "/nowhere", "/static/guide.css", "/healthz"])
def test_security_headers_on_every_response(tiny, reader, url):
    response = reader.get(url)
    for name in HEADERS:
        assert response.headers.get(name), f"{name} missing on {url}"
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP
    response.close()


def test_hsts_only_over_https(tiny, client):
    response = client.get("/", base_url="https://guide.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_templates_have_no_inline_script_or_style(tiny, reader):
    from bs4 import BeautifulSoup

    for url in ["/tiny/at/4/", "/tiny/at/4/timeline", "/tiny/at/4/characters/owen-marsh"]:
        page = BeautifulSoup(reader.get(url).get_data(as_text=True), "html.parser")
        assert all(s.get("src") for s in page.find_all("script")), url
        assert page.find("style") is None and page.find(attrs={"style": True}) is None, url
        assert not [t for t in page.find_all(True) if any(a.startswith("on") for a in t.attrs)]


def test_cookies_are_httponly_lax_and_secure_in_production(tiny, migrated):
    from tests.conftest import progress_cookie

    app = make_app(migrated, ENV="production", SECRET_KEY="p" * 40)
    name, _ = progress_cookie(app, "tiny", 1)
    with app.test_request_context():
        from flask import Response

        from ballard.progress import save_progress

        response = Response()
        save_progress(response, "tiny", 1)
        cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(name)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]


def test_healthz_checks_the_database(app, client):
    response = client.get("/healthz")
    from ballard.availability import migrations_head

    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "revision": migrations_head()}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_reports_an_unreachable_database(tmp_path):
    broken = make_app(f"sqlite:///{tmp_path}/missing-dir/nope/x.db")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["database"] == "unreachable" and response.json["reason"]
    assert response.headers["Retry-After"]


@contextlib.contextmanager
def request_log_lines() -> Iterator[list[dict]]:
    """The request log's lines written inside the block, parsed (filled at its end)."""
    logger = logging.getLogger("ballard.request")
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    old = logger.level
    logger.setLevel(logging.INFO)
    lines: list[dict] = []
    try:
        yield lines
        request_log.flush()  # lines are written off the hot path
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)
    lines.extend(json.loads(r.getMessage()) for r in records)


def test_one_structured_log_line_per_request(tiny, reader):
    with request_log_lines() as lines:
        reader.get("/tiny/at/2/characters")
        reader.get("/no/where")
        reader.get("/tiny/at/2/characters")  # from the front's cache: a line all the same
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("GET", "/tiny/at/2/characters", 200),
        ("GET", "/no/where", 404),
        ("GET", "/tiny/at/2/characters", 200),
    ]
    assert all(line["ms"] >= 0 and line["bytes"] > 0 for line in lines)


def test_a_revalidation_the_front_answers_is_logged_as_sent(tiny, reader):
    """On a miss the front has the app render the whole page, keeps it and sends the 304:
    the line says 304 and 0 bytes, as the reader got it (one line)."""
    url = "/tiny/at/2/characters"
    etag = reader.get(url).headers["ETag"]
    tiny.extensions["ballard.page_cache"].clear()
    with request_log_lines() as lines:
        assert reader.get(url, headers={"If-None-Match": etag}).status_code == 304
        assert reader.get("/tiny/at/2/nowhere", headers={"If-None-Match": etag}).status_code == 404
    assert [(line["path"], line["status"], line["bytes"]) for line in lines] == [
        (url, 304, 0),
        ("/tiny/at/2/nowhere", 404, lines[1]["bytes"]),
    ]


# Backups -----------------------------------------------------------------------------


def test_backup_and_restore_round_trip(tiny, runner, tmp_path, app):
    with app.app_context():
        if sqlite_path() is None:
            result = runner.invoke(args=["backup", str(tmp_path)])
            assert result.exit_code == 2 and "pg_dump" in result.output
            return
        before = get_session().scalar(select(func.count()).select_from(PlotPoint))
    result = runner.invoke(args=["backup", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    [backup] = list((tmp_path / "backups").glob("ballard-*.db"))
    assert not list((tmp_path / "backups").glob("*.partial"))

    runner.invoke(args=["content", "load", str(TINY_PACK)])
    with app.app_context():
        session = get_session()
        session.execute(PlotPoint.__table__.delete())
        session.commit()
        assert session.scalar(select(func.count()).select_from(PlotPoint)) == 0

    result = runner.invoke(args=["restore", "--yes", str(backup)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(PlotPoint)) == before


def test_restore_refuses_a_file_that_is_not_a_backup(tiny, runner, tmp_path, app):
    with app.app_context():
        if sqlite_path() is None:
            result = runner.invoke(args=["restore", "--yes", str(TINY_PACK)])
            assert result.exit_code == 2 and "pg_restore" in result.output
            return
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(args=["restore", "--yes", str(bogus)])
    assert result.exit_code == 1 and "database was not changed" in result.output
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Episode)) == 4


# Concurrency ---------------------------------------------------------------------------


def test_readers_while_an_editor_writes(tiny, app, tmp_path):
    """Readers keep getting pages while packs are written; no lock errors, no lost writes."""
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(TINY_PACK.read_text().replace("title: Guests", "title: Visitors"))
    writes = 12
    errors: list[BaseException] = []
    statuses: list[int] = []
    with app.app_context():
        start_version = current_version(get_session())

    def writer() -> None:
        try:
            for i in range(writes):
                with app.app_context():
                    load_packs([renamed if i % 2 == 0 else TINY_PACK])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def reader_loop() -> None:
        client = app.test_client()
        set_progress_cookie(app, client, "tiny", 4)
        try:
            for _ in range(25):
                for url in ("/tiny/at/2/episodes", "/tiny/at/4/story/full", "/tiny/at/3/search?q=owen"):
                    statuses.append(client.get(url).status_code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader_loop) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert set(statuses) == {200} and len(statuses) == 4 * 25 * 3
    with app.app_context():
        session = get_session()
        assert current_version(session) == start_version + writes  # every write counted
        titles = session.scalars(select(Episode.title).order_by(Episode.position)).all()
    assert titles[1] == "Guests"  # the last write (an odd i) wins


def test_oversized_request_body_is_refused_with_413(tiny, client):
    response = client.post("/tiny/progress", data={"horizon": "1", "junk": "x" * 100_000})
    assert response.status_code == 413
    assert "Request Entity Too Large" in response.get_data(as_text=True)
