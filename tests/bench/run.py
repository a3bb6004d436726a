"""`make bench`: the app under gunicorn against a one-line Flask "hello", measured with wrk.

Prints, per page type: requests per second, p50 and p99 latency, the ratio to hello, SQL
queries per request and bytes per response; for the page cache on and off, for
conditional (If-None-Match) requests, and for a catalogue 100 times larger. Ends with a
60-second soak at 64 connections. Every server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SECRET = "bench-secret-key-" + "x" * 40
PAGES = {
    "home": "/ballard/at/10/",
    "episode recap": "/ballard/at/10/episodes/s1e4",
    "story so far": "/ballard/at/10/story",
    "character": "/ballard/at/10/characters/robert-olivas",
    "questions": "/ballard/at/10/questions",
    "search": "/ballard/at/10/search?q=olivas",
    # A word the generated shows use too: its postings grow with the catalogue.
    "search, shared word": "/ballard/at/10/search?q=detective",
    "api": "/api/v1/shows/ballard/at/10/characters",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(db: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, BALLARD_ENV="production", BALLARD_SECRET_KEY=SECRET,
               BALLARD_DATABASE_URL=f"sqlite:///{db}", PYTHONPATH=str(ROOT))
    env.update(extra)
    return env


def flask(db: Path, *args: str) -> None:
    subprocess.run([str(VENV_BIN / "flask"), "--app", "app", *args], cwd=ROOT,
                   env=env_for(db), check=True, stdout=subprocess.DEVNULL)


@contextmanager
def gunicorn(module: str, env: dict[str, str]):
    port = free_port()
    env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}")
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    proc = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-c", "python:ballard.gunicorn_conf", module],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            log.seek(0)
            raise RuntimeError(f"gunicorn {module} did not start: {log.read().decode()[-2000:]}")
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


def wrk(url: str, seconds: int, connections: int, headers: dict[str, str]) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    for name, value in headers.items():
        cmd[1:1] = ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50_ms": _ms(latency["50"]), "p99_ms": _ms(latency["99"]),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


@functools.cache
def reader_cookie(h: int) -> str:
    from ballard import create_app
    from ballard.progress import cookie_name, progress_cookie_value

    app = create_app({"ENV": "testing", "DATABASE_URL": "sqlite://", "SECRET_KEY": SECRET})
    with app.app_context():
        return f"{cookie_name('ballard')}={progress_cookie_value(h)}"


def page_facts(db: Path) -> dict[str, tuple[int, int, str]]:
    """(SQL queries, bytes, ETag) per page, rendered in-process with the cache off."""
    from sqlalchemy import event

    from ballard import create_app
    from ballard.db import get_engine

    app = create_app({"ENV": "testing", "DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": SECRET,
                      "PAGE_CACHE_SIZE": 0})
    client = app.test_client(use_cookies=False)  # so the explicit Cookie header is sent
    count = [0]
    with app.app_context():
        event.listen(get_engine(), "before_cursor_execute", lambda *a: count.__setitem__(0, count[0] + 1))
    facts = {}
    for name, path in PAGES.items():
        count[0] = 0
        response = client.get(path, headers={"Cookie": reader_cookie(10)})
        facts[name] = (count[0], len(response.get_data()), response.headers.get("ETag", ""))
    return facts


def load_catalogue(db: Path, shows: int) -> None:
    from ballard import create_app
    from ballard.db import get_session
    from tests.bench.catalogue import insert_catalogue

    app = create_app({"ENV": "testing", "DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": SECRET})
    with app.app_context():
        insert_catalogue(get_session(), shows)


def table(rows: list[tuple], header: tuple) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).rjust(w) if i else str(c).ljust(w)  # noqa: E731
                               for i, (c, w) in enumerate(zip(r, widths, strict=True)))
    return "\n".join([line(header), line(tuple("-" * w for w in widths)), *map(line, rows)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--shows", type=int, default=100, help="shows in the large catalogue")
    parser.add_argument("--soak", type=int, default=60, help="soak seconds (0 to skip)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("make bench needs wrk: apt-get install wrk", file=sys.stderr)
        return 2

    work = Path(tempfile.mkdtemp(prefix="ballard-bench-"))
    small, large = work / "small.db", work / "large.db"
    print(f"setting up {small} and {large} ({args.shows} generated shows + Ballard)...", flush=True)
    for db in (small, large):
        flask(db, "db", "upgrade")
        flask(db, "content", "load")
    started = time.perf_counter()
    load_catalogue(large, args.shows)
    print(f"  large catalogue loaded in {time.perf_counter() - started:.0f} s", flush=True)

    facts = page_facts(small)
    facts_large = page_facts(large)
    cookie = {"Cookie": reader_cookie(10)}
    w = lambda url, headers=cookie: wrk(url, args.seconds, args.connections, headers)  # noqa: E731

    with gunicorn("tests.bench.hello:app", env_for(small)) as base:
        hello = w(base + "/", {})
    results: dict[str, dict[str, dict[str, float]]] = {}
    for label, db, extra in (("cached", small, {}), ("uncached", small, {"BALLARD_PAGE_CACHE_SIZE": "0"}),
                             ("large uncached", large, {"BALLARD_PAGE_CACHE_SIZE": "0"})):
        with gunicorn("app:app", env_for(db, **extra)) as base:
            results[label] = {name: w(base + path) for name, path in PAGES.items()}
            if label == "cached":
                results["conditional"] = {
                    name: w(base + path, {**cookie, "If-None-Match": facts[name][2]})
                    for name, path in PAGES.items() if facts[name][2]}

    print(f"\nhello: {hello['rps']:.0f} req/s, p50 {hello['p50_ms']:.2f} ms, p99 {hello['p99_ms']:.2f} ms "
          f"(wrk -t2 -c{args.connections} -d{args.seconds}s; gunicorn settings from ballard/gunicorn_conf.py)")
    targets = {"cached": 0.8, "conditional": 0.8, "uncached": 0.25}
    for label in ("cached", "conditional", "uncached"):
        rows = []
        for name, r in results[label].items():
            ratio = r["rps"] / hello["rps"]
            rows.append((name, f"{r['rps']:.0f}", f"{r['p50_ms']:.2f}", f"{r['p99_ms']:.2f}",
                         f"{ratio:.2f}", "ok" if ratio >= targets[label] else "MISS",
                         facts[name][0] if label == "uncached" else 0,
                         facts[name][1] if label != "conditional" else 0))
        note = "" if label == "uncached" else "; SQL: one version read per worker per second, 0 per request"
        print(f"\n{label} (target >= {targets[label]} of hello{note})")
        print(table(rows, ("page", "req/s", "p50 ms", "p99 ms", "x hello", "target", "SQL/req", "bytes")))

    rows = []
    for name in PAGES:
        small_r, large_r = results["uncached"][name], results["large uncached"][name]
        cost = small_r["rps"] / large_r["rps"]
        rows.append((name, f"{small_r['rps']:.0f}", f"{large_r['rps']:.0f}", f"{cost:.2f}",
                     "ok" if cost <= 1.3 else "MISS", f"{facts[name][0]}/{facts_large[name][0]}"))
    print(f"\nscale: Ballard pages with {args.shows} more shows in the database (target <= 1.3x cost)")
    print(table(rows, ("page", "small req/s", "large req/s", "cost x", "target", "SQL small/large")))

    if args.soak:
        with gunicorn("app:app", env_for(small)) as base:
            script = work / "mix.lua"
            paths = ", ".join(f'"{p}"' for p in PAGES.values())
            script.write_text(
                f"local paths = {{{paths}}}\nlocal i = 0\n"
                f'wrk.headers["Cookie"] = "{reader_cookie(10)}"\n'
                "request = function()\n  i = i % #paths + 1\n"
                "  return wrk.format(nil, paths[i])\nend\n")
            out = subprocess.run(["wrk", "-t2", "-c64", f"-d{args.soak}s", "--latency", "-s",
                                  str(script), base], capture_output=True, text=True, check=True).stdout
            soak_rps = re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)
            total = re.search(r"(\d+) requests in", out).group(1)
            non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            errors = re.search(r"Socket errors: .*", out)
            lat = dict(re.findall(r"^\s+(50|90|99)%\s+([\d.]+\w+)", out, re.M))
            print(f"\nsoak: {args.soak} s, 64 connections, all page types in turn: {total} requests, "
                  f"{soak_rps} req/s, p50 {lat['50']}, p90 {lat['90']}, p99 {lat['99']}, "
                  f"non-2xx {non2xx.group(1) if non2xx else 0}"
                  f"{', ' + errors.group(0) if errors else ', socket errors 0'}")
    shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
