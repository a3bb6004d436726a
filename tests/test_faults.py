"""Faults, not bad input: the database down, restarting, behind the migrations or refusing
writes; a gunicorn worker or a content load killed; a backup restored.

The first part runs in-process against the test database (SQLite, or PostgreSQL with
BALLARD_TEST_DATABASE_URL): each test gets a database of its own. The second part runs
gunicorn on a loopback port under a bounded threaded reader load and injects the fault
while it runs; each prints what readers saw (tests/faults_harness.py, summed up at the
end of the run). PostgreSQL is stopped and started on a cluster of the test's own (from
BALLARD_TEST_PGBIN or /usr/lib/postgresql/*/bin); only without those binaries do the
tests that need it skip. `pytest -m faults` runs this module alone.
"""

from __future__ import annotations

import fcntl
import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import event, func, select, text

from ballard.availability import UPGRADE_COMMAND, migrations_head
from ballard.cli import load_packs, upgrade_database
from ballard.db import Base, get_engine, get_session, make_engine
from ballard.models import ContentVersion, Episode, PlotPoint, Revision
from tests import faults_harness as h
from tests.conftest import TINY_PACK, make_app, make_editor, read_form, set_progress_cookie, sign_in

pytestmark = pytest.mark.faults

FIRST_REVISION = "63ca21f3fefd"  # the initial schema, one behind the head
READER_PATHS = [
    "/tiny/at/2/episodes",
    "/tiny/at/4/story/full",
    "/api/v1/shows/tiny/at/3/characters",
    "/tiny/at/4/characters/owen-marsh",
]
BACK_WITHIN = 10.0  # seconds: generous; the app needs no restart to serve again


# --- databases of each test's own ----------------------------------------------------------------


@pytest.fixture
def fresh_url(tmp_path) -> Iterator[str]:
    """An empty database of the run's kind (SQLite file, or a new PostgreSQL database)."""
    with h.own_database("faults", tmp_path) as url:
        assert url is not None
        yield url


def prepare(url: str, revision: str = "head", pack: bool = True) -> None:
    app = make_app(url)
    with app.app_context():
        upgrade_database(revision)
        if pack:
            load_packs([TINY_PACK])


@pytest.fixture
def loaded_url(fresh_url) -> str:
    prepare(fresh_url)
    return fresh_url


def rows(url: str) -> int:
    """Every row of every table: what a fault must not lose (or half-write)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return sum(
                conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in Base.metadata.sorted_tables
            )
    finally:
        engine.dispose()


def content_version(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(ContentVersion.version)).scalar_one()
    finally:
        engine.dispose()


def assert_is_the_503(response, api: bool) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "sqlalchemy" not in body.lower()
    if api:
        assert response.json["error"]["code"] == "unavailable"
        assert set(response.json["error"]) == {"code", "message"}
    else:
        assert "<h1>Temporarily unavailable</h1>" in body


# --- in-process: not migrated, behind, unreachable --------------------------------------------


def test_an_empty_database_answers_503_with_the_upgrade_command(fresh_url):
    app = make_app(fresh_url)
    client = app.test_client()
    set_progress_cookie(app, client, "tiny", 4)
    pages = [client.get(url) for url in ("/", "/tiny/at/2/episodes", "/no/such/page")]
    for page in pages:
        assert_is_the_503(page, api=False)
        assert UPGRADE_COMMAND in page.get_data(as_text=True)
    assert len({page.get_data() for page in pages}) == 1  # the same for every URL
    api = client.get("/api/v1/shows")
    assert_is_the_503(api, api=True)
    assert UPGRADE_COMMAND in api.json["error"]["message"]
    health = client.get("/healthz")
    assert health.status_code == 503 and health.headers["Retry-After"]
    assert health.json["database"] == "not_at_head"
    assert (health.json["revision"], health.json["head"]) == (None, migrations_head())
    assert UPGRADE_COMMAND in health.json["reason"]


def test_a_database_behind_the_head_says_which_revision_then_serves_once_upgraded(fresh_url):
    prepare(fresh_url, FIRST_REVISION, pack=False)
    app = make_app(fresh_url)
    client = app.test_client()
    assert_is_the_503(client.get("/"), api=False)
    health = client.get("/healthz").json
    assert (health["revision"], health["head"]) == (FIRST_REVISION, migrations_head())

    prepare(fresh_url)  # `flask db upgrade` and a load, while this app keeps running
    set_progress_cookie(app, client, "tiny", 4)
    assert client.get("/tiny/at/2/episodes").status_code == 200  # no restart needed
    assert client.get("/healthz").json == {"status": "ok", "database": "ok", "revision": migrations_head()}


def count_revision_checks(app) -> list[str]:
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        if "FROM alembic_version" in statement:  # the revision read itself
            seen.append(statement)

    with app.app_context():
        event.listen(get_engine(), "before_cursor_execute", note)
    return seen


def test_the_schema_is_checked_once_per_worker(loaded_url):
    app = make_app(loaded_url)
    checks = count_revision_checks(app)
    client = app.test_client()
    set_progress_cookie(app, client, "tiny", 4)
    assert client.get("/tiny/at/2/episodes").status_code == 200
    assert len(checks) == 1
    for url in ("/tiny/at/3/episodes", "/tiny/at/4/story/full", "/api/v1/shows"):
        assert client.get(url).status_code == 200
    assert len(checks) == 1  # not a query per request


def test_an_unreachable_database_answers_the_same_503_everywhere(tmp_path):
    if os.environ.get("BALLARD_TEST_DATABASE_URL"):
        url = f"postgresql://postgres@127.0.0.1:{h.free_port()}/nothing"  # nobody listens
    else:
        url = f"sqlite:///{tmp_path}/no-such-dir/ballard.db"
    client = make_app(url).test_client()
    html = [client.get(u) for u in ("/", "/tiny/at/2/", "/tiny/at/4/characters/owen-marsh")]
    for page in html:
        assert_is_the_503(page, api=False)
    assert len({page.get_data() for page in html}) == 1
    api = [client.get(u) for u in ("/api/v1/shows", "/api/v1/shows/tiny/at/1/story")]
    for answer in api:
        assert_is_the_503(answer, api=True)
    assert len({answer.get_data() for answer in api}) == 1
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json["database"] == "unreachable"
    assert health.json["reason"].startswith("The database cannot be reached")


# --- in-process: writes that fail ------------------------------------------------------------------


@contextmanager
def write_lock_held(url: str) -> Iterator[None]:
    """Another connection holds the editors' write lock (the content version row)."""
    if url.startswith("sqlite:///"):
        holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    engine = make_engine(url)
    with engine.connect() as conn:
        conn.execute(text("UPDATE content_version SET version = version WHERE id = 1"))
        try:
            yield
        finally:
            conn.rollback()
    engine.dispose()


def read_only_app(url: str):
    """An app whose database refuses every write, as on a read-only disk."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        app = make_app(f"sqlite:///file:{path}?mode=ro&uri=true", DATABASE_LOCK_TIMEOUT=0.5)
    else:
        app = make_app(url, DATABASE_LOCK_TIMEOUT=0.5)
        with app.app_context():
            event.listen(get_engine(), "connect", _read_only_session)
    return app


def _read_only_session(dbapi_connection, _record) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET default_transaction_read_only = on")
    dbapi_connection.commit()


def editor_form(app, client, url: str, changes: dict[str, str]):
    page = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
    data = read_form(page.select_one("form.editor-form"))
    data.update({name: [value] for name, value in changes.items()})
    return data


def soup_value(response, name: str) -> str:
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return page.find("input", {"name": name})["value"]


@pytest.mark.parametrize("fault", ["lock timeout", "read-only database"])
def test_an_editor_save_that_cannot_be_written_keeps_the_input(loaded_url, fault):
    writer = make_app(loaded_url, DATABASE_LOCK_TIMEOUT=0.5)
    editor_id = make_editor(writer)
    app = read_only_app(loaded_url) if fault == "read-only database" else writer
    client = app.test_client()
    sign_in(app, client, editor_id)
    url = "/editor/tiny/episodes/s1e3"
    data = editor_form(app, client, url, {"title": "The Witness Returns"})
    before = (rows(loaded_url), content_version(loaded_url))

    if fault == "lock timeout":
        with write_lock_held(loaded_url):
            response = client.post(url, data=data)
        checks = count_revision_checks(app)
        client.get("/editor/")
        assert len(checks) == 1  # after a database error the next request checks again
    else:
        response = client.post(url, data=data)

    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
    body = response.get_data(as_text=True)
    assert "Not saved: the database could not take the change" in body
    assert soup_value(response, "title") == "The Witness Returns"  # the input is kept
    assert "Traceback" not in body
    assert (rows(loaded_url), content_version(loaded_url)) == before  # nothing half-written

    # Once the database takes writes again, saving the re-rendered form works.
    retry = writer.test_client()
    retry.set_cookie("session", client.get_cookie("session").value)
    kept = read_form(BeautifulSoup(body, "html.parser").select_one("form.editor-form"))
    assert retry.post(url, data=kept).status_code == 303
    with writer.app_context():
        assert (
            get_session().scalar(select(Episode.title).where(Episode.position == 3)) == "The Witness Returns"
        )
        assert get_session().scalar(select(func.count()).select_from(Revision)) == 1
    assert content_version(loaded_url) == before[1] + 1


def test_an_editor_save_whose_connection_is_lost_keeps_the_input(pg):
    """The save waits on the write lock; its PostgreSQL backend is then terminated."""
    url = pg.createdb("lost")
    prepare(url)
    app = make_app(url, DATABASE_LOCK_TIMEOUT=30)
    client = app.test_client()
    sign_in(app, client, make_editor(app))
    path = "/editor/tiny/episodes/s1e3"
    data = editor_form(app, client, path, {"title": "Cut Off Mid-Save"})
    before = (rows(url), content_version(url))
    answers: list = []
    holder = make_engine(url)
    with holder.connect() as conn:
        conn.execute(text("UPDATE content_version SET version = version WHERE id = 1"))
        saver = threading.Thread(target=lambda: answers.append(client.post(path, data=data)))
        saver.start()
        waiting: list[int] = []
        deadline = time.monotonic() + 20
        while not waiting and time.monotonic() < deadline:
            with holder.connect() as probe:
                waiting = (
                    probe.execute(
                        text(
                            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                            "AND datname = current_database()"
                        )
                    )
                    .scalars()
                    .all()
                )
            time.sleep(0.05)
        assert waiting, "the save never waited on the lock"
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": waiting[0]})
        saver.join(timeout=30)
        conn.rollback()
    holder.dispose()
    [response] = answers
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
    assert soup_value(response, "title") == "Cut Off Mid-Save"
    assert "Not saved: the database could not take the change" in response.get_data(as_text=True)
    assert (rows(url), content_version(url)) == before


def test_a_pack_load_that_cannot_be_written_exits_1_and_writes_nothing(loaded_url, tmp_path):
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(TINY_PACK.read_text().replace("title: Guests", "title: Visitors"))
    before = (rows(loaded_url), content_version(loaded_url))
    for app, lock_held in (
        (read_only_app(loaded_url), False),
        (make_app(loaded_url, DATABASE_LOCK_TIMEOUT=0.5), True),
    ):
        runner = app.test_cli_runner()
        if lock_held:
            with write_lock_held(loaded_url):
                result = runner.invoke(args=["content", "load", str(renamed)])
        else:
            result = runner.invoke(args=["content", "load", str(renamed)])
        assert result.exit_code == 1, result.output
        assert result.output.startswith("Load failed, nothing was written: ")
        assert "Traceback" not in result.output
        assert (rows(loaded_url), content_version(loaded_url)) == before


# --- gunicorn under load, faults injected while it runs ----------------------------------------


def reader_headers() -> dict[str, str]:
    from ballard import create_app
    from ballard.progress import cookie_name, progress_cookie_value

    # As the production servers below name it (__Host-horizon-tiny).
    app = create_app({"ENV": "production", "DATABASE_URL": "sqlite://", "SECRET_KEY": h.SECRET})
    with app.app_context():
        return {"Cookie": f"{cookie_name('tiny')}={progress_cookie_value(4)}"}


def check_503s(report: h.Report) -> None:
    """Every 503 a reader got was one of the two (HTML, JSON) bodies, never a trace."""
    assert len(report.bodies_503) <= 2
    for body in report.bodies_503:
        assert b"Traceback" not in body


@pytest.fixture(scope="module")
def pg() -> Iterator[h.PgCluster]:
    bindir = h.pg_bin()
    if bindir is None:
        pytest.skip("no PostgreSQL binaries (set BALLARD_TEST_PGBIN or install postgresql)")
    assert (bindir / "pg_ctl").exists(), f"BALLARD_TEST_PGBIN={bindir} holds no pg_ctl"
    cluster = h.PgCluster(bindir)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def test_pooled_connections_survive_a_postgres_restart(pg):
    """pool_pre_ping: the first request after a restart gets a fresh connection, not the
    pooled one the restart closed."""
    url = pg.createdb("preping")
    prepare(url)
    app = make_app(url, PAGE_CACHE_MB=0)
    client = app.test_client()
    set_progress_cookie(app, client, "tiny", 4)
    assert client.get("/tiny/at/2/episodes").status_code == 200  # leaves a pooled connection
    pg.stop()
    pg.start()
    assert client.get("/tiny/at/3/episodes").status_code == 200


def test_postgres_stopped_and_started_under_load(pg):
    url = pg.createdb("restart")
    prepare(url)
    before = rows(url)
    with h.server(url) as srv:
        workers = srv.worker_pids()
        load = h.Load(srv.port, READER_PATHS, reader_headers()).start()
        time.sleep(1.5)
        pg.stop()
        down_at = time.monotonic()
        time.sleep(3)
        status, headers, body = h.get(srv.port, "/healthz")
        pg.start()
        back_at = time.monotonic()
        serving_after = load.wait_served(back_at, BACK_WITHIN)
        time.sleep(1.5)
        report = load.stop()
        assert srv.worker_pids() == workers  # served again without a restart
    failed_after_start = [
        a.status for mine in load.answers for a in mine if a.at >= back_at and a.status != 200
    ]
    after = rows(url)
    h.report(
        report.line(
            "PostgreSQL stopped 3 s, started",
            before,
            after,
            f"served again {serving_after:.2f} s after start"
            if serving_after is not None
            else "never served again",
        )
    )
    assert status == 503 and "retry-after" in headers and b'"unreachable"' in body
    assert report.by_status[503] > 0 and report.unexpected_5xx == 0
    check_503s(report)
    assert serving_after is not None and report.recovered
    assert failed_after_start == []  # no stale pooled connection failed once it was back
    assert report.longest_outage < 3 + BACK_WITHIN and down_at < back_at
    assert after == before


def test_sqlite_file_unreadable_then_restored_under_load(tmp_path):
    # chmod cannot keep root (CI) out, so the app opens the file through a symlink and the
    # fault points it at a folder: opening fails. The file, its -wal and -shm are never
    # touched (moving a live SQLite file can corrupt it). Connections already open keep
    # working; new workers (a reload, as on every deploy) cannot open it.
    real = tmp_path / "ballard.db"
    db = tmp_path / "link.db"
    db.symlink_to(real)
    url = f"sqlite:///{db}"
    prepare(url)
    before = rows(url)
    (tmp_path / "not-a-database").mkdir()
    with h.server(url) as srv:
        load = h.Load(srv.port, READER_PATHS, reader_headers()).start()
        time.sleep(1)
        point(db, tmp_path / "not-a-database")
        srv.proc.send_signal(signal.SIGHUP)
        time.sleep(4)
        status, headers, body = h.get(srv.port, "/healthz")
        point(db, real)
        restored_at = time.monotonic()
        serving_after = load.wait_served(restored_at, BACK_WITHIN)
        time.sleep(1)
        report = load.stop()
    after = rows(url)
    h.report(
        report.line(
            "SQLite file unopenable 4 s, workers reloaded, restored",
            before,
            after,
            f"served again {serving_after:.2f} s after restore"
            if serving_after is not None
            else "never served again",
        )
    )
    assert status == 503 and "retry-after" in headers and b'"unreachable"' in body
    assert report.by_status[503] > 0 and report.unexpected_5xx == 0
    check_503s(report)
    assert serving_after is not None and report.recovered
    assert after == before


def point(link: Path, target: Path) -> None:
    """Swap what the symlink points at, atomically (a new link renamed over it)."""
    fresh = link.with_suffix(".swap")
    fresh.symlink_to(target)
    fresh.replace(link)


def test_a_worker_killed_mid_request(loaded_url):
    before = rows(loaded_url)
    with h.server(loaded_url) as srv:
        # Unpaced, so each worker has requests in flight when one is killed.
        load = h.Load(srv.port, READER_PATHS, reader_headers(), pause=0).start()
        time.sleep(1)
        workers = srv.worker_pids()
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        deadline = killed_at + 20
        while time.monotonic() < deadline:
            now = srv.worker_pids()
            if len(now) == len(workers) and victim not in now:
                break
            time.sleep(0.05)
        replaced_after = time.monotonic() - killed_at
        replaced = srv.worker_pids()
        time.sleep(1.5)
        report = load.stop()
    after = rows(loaded_url)
    h.report(report.line("gunicorn worker SIGKILLed", before, after, f"replaced in {replaced_after:.2f} s"))
    assert victim not in replaced and len(replaced) == len(workers)
    assert report.unexpected_5xx == 0 and report.by_status[503] == 0
    # Only requests in flight on the killed worker can fail: at most one per reader.
    assert report.by_status["connection error"] <= load.readers
    assert report.by_status[200] > 0 and report.recovered
    assert after == before


def test_a_content_load_killed_mid_way(fresh_url, tmp_path):
    prepare(fresh_url)
    before = (rows(fresh_url), content_version(fresh_url))
    with h.server(fresh_url) as srv:
        load = h.Load(srv.port, READER_PATHS, reader_headers()).start()
        # SQL echo shows how far the load got. Through a one-page pipe that the test stops
        # reading, the loader blocks a few statements after the ones seen: mid-way, for sure.
        loader = subprocess.Popen(
            [str(h.VENV_BIN / "flask"), "--app", "app", "content", "load"],
            cwd=h.ROOT,
            env=h.clean_env(fresh_url, BALLARD_SQL_ECHO="true"),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        assert loader.stdout is not None
        fcntl.fcntl(loader.stdout.fileno(), fcntl.F_SETPIPE_SZ, 4096)
        seen: list[bytes] = []
        while sum(b" INSERT INTO " in line for line in seen) < 3:
            line = loader.stdout.readline()
            assert line, b"".join(seen[-20:]).decode()
            seen.append(line)
        time.sleep(0.5)  # let it run into the full pipe
        still_running = loader.poll() is None
        loader.send_signal(signal.SIGKILL)
        loader.wait(timeout=30)
        seen.append(loader.stdout.read())  # everything it wrote before it died
        loader.stdout.close()
        committed = any(re.search(rb"\bCOMMIT\b", line) for line in seen)
        mid_way = (rows(fresh_url), content_version(fresh_url))
        again = h.flask_cli(fresh_url, "content", "load")
        time.sleep(1)
        report = load.stop()
    after = (rows(fresh_url), content_version(fresh_url))
    h.report(
        report.line(
            "content load SIGKILLed mid-way",
            before[0],
            mid_way[0],
            f"then a full load: exit {again.returncode}, rows {after[0]}",
        )
    )
    assert still_running and not committed and loader.returncode == -signal.SIGKILL
    assert mid_way == before  # nothing half-written
    assert again.returncode == 0, again.stderr
    assert after[0] > before[0] and after[1] == before[1] + 1
    assert report.unexpected_5xx == 0 and report.by_status[503] == 0 and report.recovered
    assert report.sent < load.readers * load.max_requests  # readers ran until the end


# --- the restore drill on PostgreSQL: README's exact commands ------------------------------------


def readme_pg_commands() -> tuple[str, str]:
    readme = (h.ROOT / "README.md").read_text()
    production = readme[readme.index("\n## Production\n") :]
    dump = re.search(r"`(pg_dump [^`]+)`", production)
    restore = re.search(r"`(pg_restore [^`]+)`", production)
    assert dump and restore, "README's Production section lost its pg_dump/pg_restore commands"
    return dump.group(1), restore.group(1)


def test_postgres_backup_and_restore_with_editor_changes(pg, tmp_path):
    url = pg.createdb("drill")
    prepare(url)
    app = make_app(url)
    client = app.test_client()
    sign_in(app, client, make_editor(app))
    data = editor_form(app, client, "/editor/tiny/episodes/s1e3", {"title": "Saved Before Dump"})
    assert client.post("/editor/tiny/episodes/s1e3", data=data).status_code == 303
    before = (rows(url), content_version(url))

    dump, restore = readme_pg_commands()
    env = dict(os.environ, BALLARD_DATABASE_URL=url, PATH=f"{pg.bin}:{os.environ['PATH']}")
    subprocess.run(dump, shell=True, cwd=tmp_path, env=env, check=True, timeout=60)
    assert (tmp_path / "ballard.dump").stat().st_size > 0

    # After the dump: another edit, and a table emptied.
    data = editor_form(app, client, "/editor/tiny/episodes/s1e3", {"title": "Lost After Dump"})
    assert client.post("/editor/tiny/episodes/s1e3", data=data).status_code == 303
    with app.app_context():
        get_session().execute(PlotPoint.__table__.delete())
        get_session().commit()
    app.extensions["ballard.engine"].dispose()  # no pooled connection holds a lock
    assert rows(url) != before[0]

    subprocess.run(restore, shell=True, cwd=tmp_path, env=env, check=True, timeout=60)
    assert (rows(url), content_version(url)) == before
    reader = make_app(url).test_client()
    set_progress_cookie(app, reader, "tiny", 4)
    page = reader.get("/tiny/at/3/episodes/s1e3")
    assert page.status_code == 200 and "Saved Before Dump" in page.get_data(as_text=True)
    engine = make_engine(url)
    with engine.connect() as conn:
        titles = conn.execute(select(Revision.after)).scalars().all()
    engine.dispose()
    assert [t["title"] for t in titles] == ["Saved Before Dump"]  # its revision is back too
    h.report(f"PostgreSQL pg_dump/pg_restore drill: rows {before[0]} restored exactly, editor revision kept")
