"""Regression tests for the holes an outside attack found (issue 25): each reproduces the
attack as it was made, against real servers where the hole needed one."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import text

from ballard.db import make_engine
from ballard.editor.accounts import MAX_FAILURES_PER_ACCOUNT
from tests import faults_harness as h
from tests.conftest import EDITOR_EMAIL, EDITOR_PASSWORD, make_app, make_editor, read_form, sign_in
from tests.test_faults import fresh_url, prepare, readme_pg_commands  # noqa: F401 - a fixture
from tests.test_search import _snippets, words  # noqa: F401 - words is a fixture

READ_WITHIN = 15.0  # seconds: generous; workers read the content version every second


@pytest.fixture
def pg_url(tmp_path) -> Iterator[str]:
    """A new database on BALLARD_TEST_DATABASE_URL's server (skipped without one)."""
    with h.own_database("holes", tmp_path, postgres_only=True) as url:
        if url is None:
            pytest.skip("needs BALLARD_TEST_DATABASE_URL (PostgreSQL)")
        yield url


# --- 1. the page-cache key is never reused for different content --------------------------------


def edit_title(app, client, episode: str, title: str) -> None:
    url = f"/editor/tiny/episodes/{episode}"
    page = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
    data = read_form(page.select_one("form.editor-form"))
    data["title"] = [title]
    assert client.post(url, data=data).status_code == 303


def episode_list(port: int) -> str:
    from tests.test_faults import reader_headers

    status, _, body = h.get(port, "/tiny/at/4/episodes", reader_headers())
    assert status == 200
    return body.decode()


def wait_for(port: int, title: str) -> bool:
    deadline = time.monotonic() + READ_WITHIN
    while time.monotonic() < deadline:
        if all(title in episode_list(port) for _ in range(6)):  # both workers, likely
            return True
        time.sleep(0.2)
    return False


def restore_drill(url: str, backup, restore) -> tuple[bool, list[str]]:
    """backup -> an edit -> its page read (cached by every worker) -> restore -> another
    edit, which brings the content version back to the number the first edit had.
    Returns whether the second edit was served, and the removed title in what readers
    got after it."""
    prepare(url)
    app = make_app(url)
    editor = app.test_client()
    sign_in(app, editor, make_editor(app))
    with h.server(url, workers=2, threads=2) as srv:
        backup()
        edit_title(app, editor, "s1e2", "Removed By Restore")
        assert wait_for(srv.port, "Removed By Restore")
        for _ in range(20):  # warm: every worker keeps the page
            episode_list(srv.port)
        app.extensions["ballard.engine"].dispose()  # no pooled connection holds a lock
        restore()
        edit_title(app, editor, "s1e3", "Edited After Restore")
        served = wait_for(srv.port, "Edited After Restore")
        pages = [episode_list(srv.port) for _ in range(20)]
    return served, [p for p in pages if "Removed By Restore" in p]


@pytest.mark.faults
def test_deleted_content_stays_deleted_after_a_sqlite_restore(tmp_path):
    url = f"sqlite:///{tmp_path / 'ballard.db'}"
    backups = tmp_path / "backups"

    def backup():
        done = h.flask_cli(url, "backup", str(backups))
        assert done.returncode == 0, done.stderr

    def restore():
        [file] = backups.glob("ballard-*.db")
        done = h.flask_cli(url, "restore", "--yes", str(file))
        assert done.returncode == 0, done.stderr

    served, stale = restore_drill(url, backup, restore)
    assert served and stale == []


@pytest.mark.faults
def test_deleted_content_stays_deleted_after_a_postgres_restore(pg_url, tmp_path):
    dump, restore_command = readme_pg_commands()
    pg_bin = h.pg_bin()
    env = dict(
        os.environ,
        BALLARD_DATABASE_URL=pg_url,
        PATH=f"{pg_bin}:{os.environ['PATH']}" if pg_bin else os.environ["PATH"],
    )

    def backup():
        subprocess.run(dump, shell=True, cwd=tmp_path, env=env, check=True, timeout=60)

    def restore():
        subprocess.run(restore_command, shell=True, cwd=tmp_path, env=env, check=True, timeout=60)

    served, stale = restore_drill(pg_url, backup, restore)
    assert served and stale == []


def test_a_recreated_database_never_repeats_a_stamp(tmp_path):
    """Two databases loaded alike (a database dropped and made again) share version
    numbers, never stamps; nor do a database and its restored backup after a change."""
    from ballard.content.pack import bump_version, current_stamp

    stamps = []
    for name in ("first", "recreated"):
        url = f"sqlite:///{tmp_path / name}.db"
        prepare(url)
        app = make_app(url)
        with app.app_context():
            from ballard.db import get_session

            stamps.append(current_stamp(get_session()))
            bump_version(get_session())
            get_session().commit()
            stamps.append(current_stamp(get_session()))
    assert stamps[0][0] == stamps[2][0] and stamps[1][0] == stamps[3][0]  # numbers repeat
    assert len(set(stamps)) == 4 and all(token for _, token in stamps)


# --- 2. sign-out and a password change end the session on the server ---------------------------


def replayed(app, cookie: str) -> int:
    """The status of /editor/ for a browser that copied the session cookie `cookie`."""
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    return thief.get("/editor/").status_code


def test_a_session_cookie_replayed_after_sign_out_is_refused(tiny, client, auth):
    make_editor(tiny)
    assert auth.login().status_code == 303
    cookie = client.get_cookie(tiny.config["SESSION_COOKIE_NAME"]).value
    assert replayed(tiny, cookie) == 200
    assert auth.logout().status_code == 303
    assert replayed(tiny, cookie) == 302


def test_a_session_cookie_replayed_after_a_password_change_is_refused(tiny, client, auth):
    make_editor(tiny)
    assert auth.login().status_code == 303
    cookie = client.get_cookie(tiny.config["SESSION_COOKIE_NAME"]).value
    result = tiny.test_cli_runner().invoke(
        args=["editor", "set-password", "editor@example.com"],
        input="a brand new password\na brand new password\n",
    )
    assert result.exit_code == 0, result.output
    assert replayed(tiny, cookie) == 302
    assert client.get("/editor/").status_code == 302
    assert auth.login(password="a brand new password").status_code == 303


def test_an_editor_session_ends_after_its_lifetime(editor, tiny):
    import time as clock

    lifetime = tiny.config["EDITOR_SESSION_LIFETIME"]
    assert lifetime <= 12 * 3600  # an admin tool's: hours, not Flask's 31 days
    assert tiny.permanent_session_lifetime.total_seconds() == lifetime
    assert editor.get("/editor/").status_code == 200
    with editor.session_transaction() as session:
        session["signed_in_at"] = int(clock.time()) - lifetime - 1
    assert editor.get("/editor/").status_code == 302


# --- 3. the sign-in limit holds against concurrent attempts -------------------------------------


def request(
    port: int, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def login_form(port: int) -> tuple[str, str]:
    """(session cookie, CSRF token) of a fresh sign-in page."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/auth/login")
    response = connection.getresponse()
    page = BeautifulSoup(response.read(), "html.parser")
    connection.close()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    return cookie, page.find("input", {"name": "csrf_token"})["value"]


@pytest.mark.faults
def test_concurrent_wrong_passwords_are_checked_at_most_the_limit(fresh_url):  # noqa: F811
    """16 wrong passwords sent at once (2 workers x 8 threads): each answer that is not a
    429 is a password check, and each checked wrong password is a row in login_attempts."""
    prepare(fresh_url)
    make_editor(make_app(fresh_url))
    attempts = 16
    statuses: Counter = Counter()
    with h.server(fresh_url, workers=2, threads=8) as srv:
        forms = [login_form(srv.port) for _ in range(attempts)]
        start = threading.Barrier(attempts)

        def attempt(n: int) -> None:
            cookie, token = forms[n]
            body = urlencode(
                {"email": EDITOR_EMAIL, "password": f"wrong password {n}", "next": "", "csrf_token": token}
            )
            start.wait()
            response = request(
                srv.port,
                "POST",
                "/auth/login",
                body,
                {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
            )
            statuses[response.status] += 1

        threads = [threading.Thread(target=attempt, args=(n,)) for n in range(attempts)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    engine = make_engine(fresh_url)
    with engine.connect() as conn:
        recorded = conn.execute(text("SELECT count(*) FROM login_attempts")).scalar_one()
    engine.dispose()
    h.report(
        f"{attempts} concurrent wrong passwords: answers {dict(statuses)}, "
        f"{recorded} failures recorded (limit {MAX_FAILURES_PER_ACCOUNT})"
    )
    assert sum(statuses.values()) == attempts and set(statuses) <= {400, 429}
    assert statuses[400] <= MAX_FAILURES_PER_ACCOUNT  # password checks
    assert recorded == statuses[400]


# --- 4. X-Forwarded-Host is not trusted; redirects say how they may be cached ------------------


@pytest.mark.parametrize("path", ["/tiny", "/tiny/at/2", "/tiny/", "/editor", "/editor/"])
def test_a_forwarded_host_does_not_reach_redirects(tiny, migrated, path):
    """Behind one trusted proxy, only X-Forwarded-For and -Proto count (README)."""
    app = make_app(migrated, TRUSTED_PROXIES=1)
    response = app.test_client().get(
        path,
        headers={
            "X-Forwarded-Host": "evil.example",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.7",
        },
    )
    assert 300 <= response.status_code < 400
    location = response.headers["Location"]
    assert "evil.example" not in location
    assert location.startswith(("/", "https://localhost/"))  # the scheme is trusted
    assert response.headers.get("Cache-Control"), "a redirect without an explicit Cache-Control"


# --- 5. production cookies are __Host- prefixed; the opt-in is signed ----------------------------

PRODUCTION_KEY = "production-secret-key-" + "p" * 30
HTTPS = {"base_url": "https://localhost"}


def set_cookie_headers(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def host_only(header: str) -> bool:
    """What a __Host- cookie must be: Secure, Path=/, no Domain."""
    parts = [p.strip().lower() for p in header.split(";")]
    return "secure" in parts and "path=/" in parts and not any(p.startswith("domain") for p in parts)


def test_production_cookies_are_host_prefixed(tiny, migrated):
    app = make_app(migrated, ENV="production", SECRET_KEY=PRODUCTION_KEY)
    client = app.test_client()
    progress = set_cookie_headers(client.post("/tiny/progress", data={"horizon": "1"}, **HTTPS))
    assert list(progress) == ["__Host-horizon-tiny"] and host_only(progress["__Host-horizon-tiny"])
    opt_in = set_cookie_headers(client.post("/tiny/preferences", data={"enabled": "y"}, **HTTPS))
    assert list(opt_in) == ["__Host-show-upcoming-titles"]
    assert host_only(opt_in["__Host-show-upcoming-titles"])
    assert "The Lake Gives Up" in client.get("/tiny/at/1/episodes", **HTTPS).get_data(as_text=True)
    opt_out = set_cookie_headers(client.post("/tiny/preferences", data={}, **HTTPS))
    assert list(opt_out) == ["__Host-show-upcoming-titles"]
    assert host_only(opt_out["__Host-show-upcoming-titles"])  # or the browser keeps it

    make_editor(app)
    editor = app.test_client()
    page = BeautifulSoup(editor.get("/auth/login", **HTTPS).get_data(as_text=True), "html.parser")
    signed_in = editor.post(
        "/auth/login",
        headers={"Referer": "https://localhost/auth/login"},
        data={
            "email": EDITOR_EMAIL,
            "password": EDITOR_PASSWORD,
            "csrf_token": page.find("input", {"name": "csrf_token"})["value"],
            "next": "",
        },
        **HTTPS,
    )
    assert signed_in.status_code == 303, signed_in.get_data(as_text=True)
    session = set_cookie_headers(signed_in)
    assert list(session) == ["__Host-session"] and host_only(session["__Host-session"])
    assert editor.get("/editor/", **HTTPS).status_code == 200


def test_production_ignores_cookies_without_the_prefix_and_an_unsigned_opt_in(tiny, migrated):
    """What a sibling subdomain could plant: an unprefixed progress cookie, an opt-in."""
    from ballard.progress import progress_cookie_value

    app = make_app(migrated, ENV="production", SECRET_KEY=PRODUCTION_KEY)
    client = app.test_client()
    with app.app_context():
        planted = progress_cookie_value(4)
    client.set_cookie("horizon-tiny", planted)
    client.set_cookie("show-upcoming-titles", "1")
    client.set_cookie("__Host-show-upcoming-titles", "1", secure=True)
    assert client.get("/tiny/", **HTTPS).headers["Location"] == "/tiny/at/0/"
    client.set_cookie("__Host-horizon-tiny", planted, secure=True)
    assert client.get("/tiny/", **HTTPS).headers["Location"] == "/tiny/at/4/"
    page = client.get("/tiny/at/1/episodes", **HTTPS).get_data(as_text=True)
    assert "The Lake Gives Up" not in page  # "1" is not a signed opt-in


# --- 6. smaller ones -----------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["100", "100 ", "240", "240 ", '"100"', "note 100"])
def test_a_number_is_a_word_like_any_other(words, query):  # noqa: F811
    """Short words carried a "0" in the index, so "10" was indexed as "100" was searched."""
    assert "Filler note 10" in " ".join(_snippets(words, 1, "10 "))  # the words are there
    assert "Filler note 24" in " ".join(_snippets(words, 1, "24"))
    assert _snippets(words, 1, query) == []


def test_a_short_word_is_still_found_whole_and_as_a_prefix(words):  # noqa: F811
    assert any("Filler note 2 about" in s for s in _snippets(words, 1, "2 "))
    assert any("Filler note 24" in s for s in _snippets(words, 1, "24"))
    assert _snippets(words, 1, "as ") == []  # not stemmed into "a"


@pytest.mark.faults
def test_flask_backup_leaves_only_the_backup(tmp_path):
    url = f"sqlite:///{tmp_path / 'ballard.db'}"
    prepare(url)
    done = h.flask_cli(url, "backup", str(tmp_path / "backups"))
    assert done.returncode == 0, done.stderr
    [backup] = (tmp_path / "backups").iterdir()  # no *.partial-wal, *.partial-shm beside it
    assert re.fullmatch(r"ballard-[0-9-]+\.db", backup.name)
    with contextlib.closing(sqlite3.connect(backup)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file


@pytest.mark.parametrize("path", ["/tiny/at/4/episodes", "/tiny/at/2/", "/api/v1/shows/tiny/at/3/characters"])
def test_head_gets_the_etag_get_gets(tiny, reader, path):
    got = reader.get(path)
    head = reader.head(path)
    assert got.status_code == head.status_code == 200
    assert got.headers["ETag"] and head.headers.get("ETag") == got.headers["ETag"]
    assert head.headers["Cache-Control"] == got.headers["Cache-Control"]
    again = reader.head(path, headers={"If-None-Match": got.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("q", "status"),
    [
        ("ledger" + " " * 195, 400),
        (" " * 195 + "ledger", 400),
        ("x" * 201, 400),
        ("ledger" + " " * 194, 200),
        ("x" * 200, 200),
    ],
)
def test_the_search_page_and_the_api_check_the_query_length_alike(tiny, reader, q, status):
    from ballard.views.guide import MAX_QUERY_LENGTH

    assert MAX_QUERY_LENGTH == 200
    page = reader.get("/tiny/at/4/search", query_string={"q": q})
    api = reader.get("/api/v1/shows/tiny/at/4/search", query_string={"q": q})
    suggest = reader.get("/api/v1/shows/tiny/at/4/suggest", query_string={"q": q})
    assert (page.status_code, api.status_code, suggest.status_code) == (status,) * 3
