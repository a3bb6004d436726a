"""`make bench`: the app under gunicorn against a one-line Flask "hello", measured with wrk.

A bench that holds still: every server is pinned to one core and wrk to the other
(`taskset`), each server runs one gunicorn worker (gthread, the usual threads) so the
two never share a core, and the runs are interleaved (hello, then the app's pages; hello,
then the next group...) three times. It prints, per page type, the median requests per
second and ratio to the hello of the same round with their spread (min-max over the
rounds), p50 and p99 latency, SQL queries per request and bytes per response: cached
(answered by the front), conditional (If-None-Match, 304), every cache off
(BALLARD_PAGE_CACHE_MB=0), and every cache off with a catalogue 100 times larger. Ends
with a 60-second soak at 64 connections, and writes every figure, with the machine's
load average, to a JSON file. Then the same pages through Varnish (tests/bench/varnish.py). Every server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager, nullcontext
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
# Ratios to hello that the issue asks for (DESIGN.md §7).
CACHED_TARGETS = {"home": 0.8}  # every other page: 1.0
UNCACHED_TARGET = 0.25
SCALE_TARGET = 1.3
SERVER_CORE, WRK_CORE = "0", "1"
GROUPS = ("cached", "cached gzip", "conditional", "uncached", "large uncached")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(db: Path, **extra: str) -> dict[str, str]:
    env = dict(
        os.environ,
        BALLARD_ENV="production",
        BALLARD_SECRET_KEY=SECRET,
        BALLARD_DATABASE_URL=f"sqlite:///{db}",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def flask(db: Path, *args: str) -> None:
    subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "app", *args],
        cwd=ROOT,
        env=env_for(db),
        check=True,
        stdout=subprocess.DEVNULL,
    )


@contextmanager
def gunicorn(module: str, env: dict[str, str]):
    port = free_port()
    env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1")
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    proc = subprocess.Popen(
        [*pinned(SERVER_CORE), str(VENV_BIN / "gunicorn"), "-c", "python:ballard.gunicorn_conf", module],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
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


def pinned(core: str) -> list[str]:
    """`taskset -c core` when the machine has two cores or more and taskset exists."""
    if (os.cpu_count() or 1) < 2 or shutil.which("taskset") is None:
        return []
    return ["taskset", "-c", core]


def wrk(url: str, seconds: int, connections: int, headers: dict[str, str]) -> dict[str, float]:
    # One wrk thread: wrk has one core to itself, and one thread saturates one worker.
    cmd = [*pinned(WRK_CORE), "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    for name, value in headers.items():
        cmd[-1:-1] = ["-H", f"{name}: {value}"]
    return wrk_figures(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)


def wrk_figures(out: str) -> dict[str, float]:
    """What wrk --latency printed: req/s, requests, p50/p90/p99 in ms, errors."""
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+([\d.]+\w+)", out, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        **{f"p{p}_ms": _ms(latency[p]) for p in ("50", "90", "99")},
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

    # As the production server names it (__Host-horizon-ballard).
    app = create_app({"ENV": "production", "DATABASE_URL": "sqlite://", "SECRET_KEY": SECRET})
    with app.app_context():
        return f"{cookie_name('ballard')}={progress_cookie_value(h)}"


def page_facts(db: Path) -> dict[str, tuple[int, int, str]]:
    """(SQL queries, bytes, ETag) per page, rendered in-process with the cache off."""
    from sqlalchemy import event

    from ballard import create_app
    from ballard.db import get_engine

    # Production, as the servers run: the reader cookie has its __Host- name there (under
    # "testing" the app read no cookie and these figures were the share guard's page).
    app = create_app(
        {"ENV": "production", "DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": SECRET, "PAGE_CACHE_MB": 0}
    )
    logging.getLogger("ballard.request").disabled = True  # no request lines in the table
    client = app.test_client(use_cookies=False)  # so the explicit Cookie header is sent
    count = [0]
    with app.app_context():
        event.listen(get_engine(), "before_cursor_execute", lambda *a: count.__setitem__(0, count[0] + 1))
    # A worker checks the schema revision at its first request only: count the requests
    # after it, as every later request is served.
    if client.get("/").status_code != 200:
        raise RuntimeError("the bench's app does not answer /")
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

    def line(r: tuple) -> str:
        return "  ".join(
            str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )

    return "\n".join([line(header), line(tuple("-" * w for w in widths)), *map(line, rows)])


def median_spread(values: list[float], digits: int = 0) -> str:
    """ "median (min-max)" of the rounds."""
    fmt = f"{{:.{digits}f}}"
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def cached_target(page: str) -> float:
    return CACHED_TARGETS.get(page, 1.0)


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=3, help="wrk duration per run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--shows", type=int, default=100, help="shows in the large catalogue")
    parser.add_argument("--soak", type=int, default=60, help="soak seconds (0 to skip)")
    parser.add_argument(
        "--varnish-soak",
        type=int,
        default=60,
        help="soak seconds through Varnish at 256 connections (0 to skip)",
    )
    parser.add_argument("--no-varnish", action="store_true", help="skip the Varnish rows")
    parser.add_argument(
        "--groups",
        default=",".join(GROUPS),
        help="comma-separated groups to run (default: all): " + ", ".join(GROUPS),
    )
    parser.add_argument(
        "--json", type=Path, default=ROOT / "instance" / "bench.json", help="where to write the figures"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("make bench needs wrk: apt-get install wrk", file=sys.stderr)
        return 2

    chosen = [g.strip() for g in args.groups.split(",") if g.strip()]
    if unknown := set(chosen) - set(GROUPS):
        parser.error(f"unknown groups {sorted(unknown)}: choose from {', '.join(GROUPS)}")
    work = Path(tempfile.mkdtemp(prefix="ballard-bench-"))
    small, large = work / "small.db", work / "large.db"
    with_large = "large uncached" in chosen
    print(
        f"setting up {small}"
        + (f" and {large} ({args.shows} generated shows + Ballard)" if with_large else "")
        + "...",
        flush=True,
    )
    for db in (small, large) if with_large else (small,):
        flask(db, "db", "upgrade")
        flask(db, "content", "load")
    if with_large:
        started = time.perf_counter()
        load_catalogue(large, args.shows)
        print(f"  large catalogue loaded in {time.perf_counter() - started:.0f} s", flush=True)

    facts = page_facts(small)
    facts_large = page_facts(large) if with_large else facts
    cookie = {"Cookie": reader_cookie(10)}
    w = lambda url, headers=cookie: wrk(url, args.seconds, args.connections, headers)  # noqa: E731
    off = {"BALLARD_PAGE_CACHE_MB": "0"}
    groups = {  # group -> (server, extra request headers per page)
        "cached": ("cached", lambda name: {}),
        # What browsers send: the front answers from the compressed copy it keeps.
        "cached gzip": ("cached", lambda name: {"Accept-Encoding": "gzip, deflate, br, zstd"}),
        "conditional": ("cached", lambda name: {"If-None-Match": facts[name][2]}),
        "uncached": ("uncached", lambda name: {}),
        "large uncached": ("large uncached", lambda name: {}),
    }
    groups = {g: groups[g] for g in GROUPS if g in chosen}
    pin = " ".join(pinned(SERVER_CORE)) or "not pinned (one core)"
    print(
        f"servers: {pin}, 1 gunicorn worker each; wrk: {' '.join(pinned(WRK_CORE)) or '-'} "
        f"-t1 -c{args.connections} -d{args.seconds}s; {args.rounds} interleaved rounds; "
        f"load average at start {loadavg()} on {os.cpu_count()} cores",
        flush=True,
    )

    runs: dict[str, dict[str, list[dict]]] = {g: {n: [] for n in PAGES} for g in groups}
    hellos: dict[str, list[dict]] = {g: [] for g in groups}
    loads: list[list[float]] = [loadavg()]
    with (
        gunicorn("tests.bench.hello:app", env_for(small)) as hello,
        gunicorn("app:app", env_for(small)) as cached,
        gunicorn("app:app", env_for(small, **off)) as uncached,
        gunicorn("app:app", env_for(large, **off)) if with_large else nullcontext() as large_uncached,
    ):
        bases = {"cached": cached, "uncached": uncached, "large uncached": large_uncached}
        for round_ in range(1, args.rounds + 1):
            for group, (server, extra) in groups.items():
                hellos[group].append(w(hello + "/", {}))
                for name, path in PAGES.items():
                    if group == "conditional" and not facts[name][2]:
                        continue
                    run = w(bases[server] + path, {**cookie, **extra(name)})
                    run["x_hello"] = run["rps"] / hellos[group][-1]["rps"]
                    runs[group][name].append(run)
            loads.append(loadavg())
            print(f"  round {round_} done, load average {loads[-1]}", flush=True)

    hello_rps = [h["rps"] for g in groups for h in hellos[g]]
    print(f"\nhello: {median_spread(hello_rps)} req/s (median, min-max of every hello run)")
    summary: dict[str, dict[str, dict]] = {}
    for group in groups:
        rows = []
        summary[group] = {}
        for name, rs in runs[group].items():
            if not rs:
                continue
            target = UNCACHED_TARGET if "uncached" in group else cached_target(name)
            ratios = [r["x_hello"] for r in rs]
            ratio = statistics.median(ratios)
            errors = sum(r["non2xx"] + r["socket_errors"] for r in rs)
            if group == "conditional":
                errors = sum(r["socket_errors"] for r in rs)  # 304s count as non-2xx in wrk
            summary[group][name] = {
                "rps": [r["rps"] for r in rs],
                "x_hello": ratios,
                "target": target,
                "met": ratio >= target,
                "p50_ms": [r["p50_ms"] for r in rs],
                "p99_ms": [r["p99_ms"] for r in rs],
                "errors": errors,
                "sql": (facts_large if group == "large uncached" else facts)[name][0],
                "bytes": facts[name][1],
            }
            rows.append(
                (
                    name,
                    median_spread([r["rps"] for r in rs]),
                    median_spread(ratios, 2),
                    f">= {target}",
                    "ok" if ratio >= target else "MISS",
                    f"{statistics.median(r['p50_ms'] for r in rs):.2f}",
                    f"{statistics.median(r['p99_ms'] for r in rs):.2f}",
                    summary[group][name]["sql"] if "uncached" in group else 0,
                    facts[name][1],
                    errors,
                )
            )
        note = {
            "cached": "answered by the front; SQL: one version read per worker per second",
            "cached gzip": "as cached, with a browser's Accept-Encoding",
            "conditional": "If-None-Match: 304 from the front",
            "uncached": "BALLARD_PAGE_CACHE_MB=0",
            "large uncached": f"BALLARD_PAGE_CACHE_MB=0, {args.shows} more shows",
        }[group]
        print(f"\n{group} ({note})")
        print(
            table(
                rows,
                ("page", "req/s", "x hello", "target", "", "p50 ms", "p99 ms", "SQL/req", "bytes", "errors"),
            )
        )

    rows = []
    summary["scale"] = {}
    for name in PAGES if with_large and "uncached" in groups else ():
        costs = [
            s["rps"] / big["rps"]
            for s, big in zip(runs["uncached"][name], runs["large uncached"][name], strict=True)
        ]
        cost = statistics.median(costs)
        same_sql = facts[name][0] == facts_large[name][0]
        summary["scale"][name] = {
            "cost": costs,
            "target": SCALE_TARGET,
            "met": cost <= SCALE_TARGET and same_sql,
            "sql": [facts[name][0], facts_large[name][0]],
        }
        rows.append(
            (
                name,
                median_spread(costs, 2),
                f"<= {SCALE_TARGET}",
                "ok" if cost <= SCALE_TARGET else "MISS",
                f"{facts[name][0]}/{facts_large[name][0]}",
                "ok" if same_sql else "MISS",
            )
        )
    if rows:
        print(
            f"\nscale: Ballard pages with {args.shows} more shows, every cache off "
            f"(cost = small req/s / large req/s, same round)"
        )
        print(table(rows, ("page", "cost x", "target", "", "SQL small/large", "")))

    soak = None
    if args.soak:
        with gunicorn("app:app", env_for(small)) as base:
            script = work / "mix.lua"
            paths = ", ".join(f'"{p}"' for p in PAGES.values())
            script.write_text(
                f"local paths = {{{paths}}}\nlocal i = 0\n"
                f'wrk.headers["Cookie"] = "{reader_cookie(10)}"\n'
                "request = function()\n  i = i % #paths + 1\n"
                "  return wrk.format(nil, paths[i])\nend\n"
            )
            out = subprocess.run(
                [
                    *pinned(WRK_CORE),
                    "wrk",
                    "-t1",
                    "-c64",
                    f"-d{args.soak}s",
                    "--latency",
                    "-s",
                    str(script),
                    base,
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            soak = {"seconds": args.soak, "connections": 64, **wrk_figures(out)}
            soak["met"] = soak["non2xx"] == 0 and soak["socket_errors"] == 0
            print(
                f"\nsoak: {args.soak} s, 64 connections, all page types in turn: "
                f"{soak['requests']} requests, {soak['rps']:.0f} req/s, p50 {soak['p50_ms']:.2f} ms, "
                f"p90 {soak['p90_ms']:.2f} ms, p99 {soak['p99_ms']:.2f} ms, "
                f"non-2xx {soak['non2xx']}, socket errors {soak['socket_errors']} "
                f"(target: 0 errors) {'ok' if soak['met'] else 'MISS'}"
            )
    through_varnish = {}
    if not args.no_varnish:
        from tests.bench import varnish

        through_varnish = varnish.run(
            args,
            PAGES,
            reader_cookie(10),
            lambda url, headers: wrk(url, args.seconds, args.connections, headers),
            gunicorn,
            env_for(small),
            work,
            pinned(SERVER_CORE),
            pinned(WRK_CORE),
            free_port,
            wrk_figures,
        )
    loads.append(loadavg())
    print(
        f"\nload average: start {loads[0]}, after each round {loads[1:-1]}, end {loads[-1]} "
        f"({os.cpu_count()} cores; other processes share them)"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "settings": {
                    "seconds": args.seconds,
                    "rounds": args.rounds,
                    "connections": args.connections,
                    "shows": args.shows,
                    "server_pinning": pinned(SERVER_CORE),
                    "wrk_pinning": pinned(WRK_CORE),
                    "cores": os.cpu_count(),
                },
                "load_average": loads,
                "hello": {g: [h["rps"] for h in hellos[g]] for g in groups},
                "results": summary,
                "soak": soak,
                "through_varnish": through_varnish,
                "pages": {
                    name: {
                        "path": path,
                        "sql": facts[name][0],
                        "sql_large": facts_large[name][0],
                        "bytes": facts[name][1],
                    }
                    for name, path in PAGES.items()
                },
            },
            indent=2,
        )
        + "\n"
    )
    print(f"figures written to {args.json}")
    shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
