"""What tests/test_faults.py runs faults against: gunicorn on loopback, a bounded threaded
reader load that records every answer, and a PostgreSQL cluster of the test's own.

Nothing here asserts; each test says what it expects from the Report.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import http.client
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SECRET = "faults-secret-key-" + "x" * 40
REPORTS: list[str] = []  # one line per fault, printed at the end of the run (conftest.py)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production server or CLI on `database_url` (no test settings)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BALLARD_", "GUNICORN_"))}
    env.update(
        BALLARD_ENV="production",
        BALLARD_SECRET_KEY=SECRET,
        BALLARD_DATABASE_URL=database_url,
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def flask_cli(database_url: str, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "app", *args],
        cwd=ROOT,
        env=clean_env(database_url, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- databases of a test's own -----------------------------------------------------------------


@contextlib.contextmanager
def own_database(prefix: str, sqlite_dir: Path, postgres_only: bool = False) -> Iterator[str | None]:
    """An empty database of the run's kind: a new PostgreSQL database on
    BALLARD_TEST_DATABASE_URL's server (dropped after), else a SQLite file in
    `sqlite_dir`; with `postgres_only`, None when the run has no PostgreSQL."""
    from sqlalchemy import text

    from ballard.db import make_engine

    server = os.environ.get("BALLARD_TEST_DATABASE_URL")
    if not server:
        yield None if postgres_only else f"sqlite:///{sqlite_dir / (prefix + '.db')}"
        return
    name = f"ballard_{prefix}_{os.urandom(5).hex()}"
    engine = make_engine(server)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield server.rsplit("/", 1)[0] + "/" + name
        finally:  # also when the test or its setup failed
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


# --- gunicorn ---------------------------------------------------------------------------------


class Server:
    """gunicorn (ballard/gunicorn_conf.py) on a free loopback port."""

    def __init__(self, database_url: str, workers: int = 2, threads: int = 4, **settings: str):
        self.port = free_port()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        env = clean_env(
            database_url,
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            GUNICORN_WORKERS=str(workers),
            GUNICORN_THREADS=str(threads),
            **settings,
        )
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", "python:ballard.gunicorn_conf", "app:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        self.workers = workers

    def wait_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            if len(self.worker_pids()) == self.workers and get(self.port, "/healthz")[0] == 200:
                return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start:\n{self.log_text()[-3000:]}")

    def worker_pids(self) -> set[int]:
        """The master's children (its workers), from /proc."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return {int(pid) for pid in children.read_text().split()}
        except OSError:
            return set()

    def log_text(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@contextlib.contextmanager
def server(database_url: str, **kwargs) -> Iterator[Server]:
    running = Server(database_url, **kwargs)
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


def get(
    port: int, path: str, headers: dict[str, str] | None = None, timeout: float = 10, method: str = "GET"
) -> tuple[int | str, dict[str, str], bytes]:
    """(status, headers, body); status is "connection error" when no answer came."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    except (OSError, http.client.HTTPException):
        return "connection error", {}, b""
    finally:
        connection.close()


# --- the reader load --------------------------------------------------------------------------


@dataclass
class Answer:
    at: float  # monotonic time the request was sent
    status: int | str
    retry_after: bool
    body: bytes = b""


@dataclass
class Load:
    """`readers` threads, each GETting `paths` in turn, one request at a time, `pause`
    seconds apart, until stopped or `max_requests` each: bounded in time and requests
    (paced so that no test's run reaches the bound before it stops the load)."""

    port: int
    paths: list[str]
    headers: dict[str, str]
    readers: int = 4
    max_requests: int = 3000
    pause: float = 0.01
    answers: list[list[Answer]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> Load:
        for n in range(self.readers):
            mine: list[Answer] = []
            self.answers.append(mine)
            thread = threading.Thread(target=self._read, args=(n, mine), daemon=True)
            self._threads.append(thread)
            thread.start()
        return self

    def _read(self, n: int, mine: list[Answer]) -> None:
        for i in range(self.max_requests):
            if self._stop.is_set():
                return
            path = self.paths[(n + i) % len(self.paths)]
            at = time.monotonic()
            status, headers, body = get(self.port, path, self.headers)
            keep = body if status != 200 else b""
            mine.append(Answer(at, status, "retry-after" in headers, keep))
            time.sleep(self.pause if status == 200 else 0.02)  # a retry is slower

    def served_since(self, since: float) -> bool:
        return any(a.at >= since and a.status == 200 for mine in self.answers for a in mine)

    def wait_served(self, since: float, seconds: float) -> float | None:
        """Seconds from `since` until some reader got a 200 sent after it (None: never)."""
        deadline = since + seconds
        while time.monotonic() < deadline:
            firsts = [a.at for mine in self.answers for a in list(mine) if a.at >= since and a.status == 200]
            if firsts:
                return min(firsts) - since
            time.sleep(0.05)
        return None

    def stop(self) -> Report:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)
        return Report.of(self.answers)


@dataclass
class Report:
    sent: int
    by_status: Counter
    unexpected_5xx: int  # any 5xx but a 503 with Retry-After: the goal is 0
    longest_outage: float  # seconds, the longest a reader went from a failed answer to a 200
    recovered: bool  # every reader's last answer was a 200
    bodies_503: set[bytes]

    @classmethod
    def of(cls, answers: list[list[Answer]]) -> Report:
        statuses: Counter = Counter()
        unexpected = 0
        longest = 0.0
        bodies: set[bytes] = set()
        recovered = True
        for mine in answers:
            failed_at: float | None = None
            for answer in mine:
                statuses[answer.status] += 1
                if isinstance(answer.status, int) and answer.status >= 500:
                    if answer.status == 503 and answer.retry_after:
                        bodies.add(answer.body)
                    else:
                        unexpected += 1
                if answer.status != 200 and failed_at is None:
                    failed_at = answer.at
                elif answer.status == 200 and failed_at is not None:
                    longest = max(longest, answer.at - failed_at)
                    failed_at = None
            recovered = recovered and bool(mine) and mine[-1].status == 200
        return cls(sum(statuses.values()), statuses, unexpected, longest, recovered, bodies)

    def line(self, fault: str, rows_before: int, rows_after: int, extra: str = "") -> str:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(self.by_status.items(), key=str))
        text = (
            f"{fault}: sent {self.sent} ({statuses}); unexpected 5xx {self.unexpected_5xx}; "
            f"longest outage {self.longest_outage:.2f} s; rows {rows_before} -> {rows_after}"
        )
        return text + (f"; {extra}" if extra else "")


def report(line: str) -> None:
    REPORTS.append(line)
    print(line)


# --- a PostgreSQL cluster of the test's own ------------------------------------------------------


@functools.cache
def pg_bin() -> Path | None:
    """BALLARD_TEST_PGBIN (.ci/run sets it), else the newest installed PostgreSQL."""
    given = os.environ.get("BALLARD_TEST_PGBIN")
    if given:
        return Path(given)
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(found[-1]).parent if found else None


def as_postgres(command: str) -> None:
    """initdb and pg_ctl refuse to run as root: .ci/run's `runpg`."""
    if os.geteuid() == 0:
        subprocess.run(
            ["su", "postgres", "-s", "/bin/sh", "-c", command],
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=120,
        )
    else:
        subprocess.run(["sh", "-c", command], check=True, stdout=subprocess.DEVNULL, timeout=120)


class PgCluster:
    """initdb into a temporary folder, own port, trust auth, loopback only."""

    def __init__(self, bindir: Path):
        self.bin = bindir
        self.port = free_port()
        self.data = Path(tempfile.mkdtemp(prefix="ballard-faults-pg."))
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres")
        as_postgres(f"{self.bin}/initdb -D {self.data} -U postgres -A trust --no-sync")

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = shlex.quote(f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off")
        as_postgres(f"{self.bin}/pg_ctl -D {self.data} -l {self.data}/server.log -w -o {options} start")

    def stop(self) -> None:
        as_postgres(f"{self.bin}/pg_ctl -D {self.data} -m fast -w stop")

    def createdb(self, name: str) -> str:
        subprocess.run(
            [str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name],
            check=True,
            timeout=60,
        )
        return self.url(name)

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.data, ignore_errors=True)
