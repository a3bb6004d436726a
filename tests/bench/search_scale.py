"""Search at 1x and 100x the catalogue, in-process, on SQLite or PostgreSQL.

    python -m tests.bench.search_scale                       # SQLite, a temporary file
    python -m tests.bench.search_scale --database-url postgresql://u@host/db   # its public
                                                             # schema is dropped and rebuilt

Builds the database with the migrations, loads the shipped packs, times the search page
and its SQL for each query, adds the generated catalogue (tests/bench/catalogue.py) and
times them again. Prints per query: milliseconds per page and spent in SQL (best of
several rounds, so other load on the machine counts less), the cost ratio and the SQL
statements per page. `make bench` measures the same pages under gunicorn, on SQLite.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from urllib.parse import urlencode

from sqlalchemy import event, text

from tests.bench.run import SECRET, reader_cookie, table

QUERIES = ("olivas", "detective", "de", "the car", '"the car"', "ballard partner", "kill")


def _app(url: str):
    from ballard import create_app

    return create_app({"ENV": "testing", "DATABASE_URL": url, "SECRET_KEY": SECRET, "PAGE_CACHE_SIZE": 0})


def _prepare(url: str) -> None:
    from ballard.cli import load_packs
    from ballard.content import shipped_packs
    from ballard.db import get_engine
    from ballard.migrate import upgrade_database

    app = _app(url)
    with app.app_context():
        if url.startswith("postgresql"):
            with get_engine().begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade_database()
        load_packs(shipped_packs())
        _analyze(url)
        get_engine().dispose()


def _add_catalogue(url: str, shows: int) -> None:
    from ballard.db import get_engine, get_session
    from tests.bench.catalogue import insert_catalogue

    app = _app(url)
    with app.app_context():
        insert_catalogue(get_session(), shows)
        _analyze(url)
        get_engine().dispose()


def _analyze(url: str) -> None:
    """On PostgreSQL, what autovacuum does after a load: fresh planner statistics."""
    from ballard.db import get_engine

    if url.startswith("postgresql"):
        with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))


def _measure(url: str, rounds: int, per_round: int) -> dict[str, tuple]:
    """Per query: (ms per page, ms of SQL per page, statements per page), best round; on
    PostgreSQL also the matching statement's own plan figures (_plan)."""
    from ballard.db import get_engine

    app = _app(url)
    client = app.test_client(use_cookies=False)
    sql = {"n": 0, "s": 0.0}
    with app.app_context():
        engine = get_engine()

    def before(conn, cursor, statement, parameters, context, executemany):
        context._bench_started = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        sql["n"] += 1
        sql["s"] += time.perf_counter() - context._bench_started
        if statement.lstrip().startswith("SELECT 0 AS term"):
            sql["match"] = (statement, parameters)

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    headers = {"Cookie": reader_cookie(10)}
    postgres = url.startswith("postgresql")
    found = {}
    for q in QUERIES:
        path = f"/ballard/at/10/search?{urlencode({'q': q})}"
        for _ in range(10):
            assert client.get(path, headers=headers).status_code == 200
        best = None
        for _ in range(rounds):
            sql.update(n=0, s=0.0)
            started = time.perf_counter()
            for _ in range(per_round):
                client.get(path, headers=headers)
            page = (time.perf_counter() - started) / per_round * 1000
            result = (page, sql["s"] / per_round * 1000, sql["n"] // per_round)
            best = result if best is None or result[0] < best[0] else best
        found[q] = best + (_plan(engine, *sql["match"], rounds) if postgres else ())
    engine.dispose()
    return found


def _plan(engine, statement: str, parameters, rounds: int) -> tuple[float, int]:
    """The matching statement's execution time in the server (best of `rounds`) and the
    buffers it touched: a count of work that other load on the machine does not change."""
    with engine.connect() as conn:
        plans = [
            conn.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters
            ).scalar_one()[0]
            for _ in range(rounds)
        ]
    top = plans[-1]["Plan"]
    return (min(p["Execution Time"] for p in plans), top["Shared Hit Blocks"] + top["Shared Read Blocks"])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="PostgreSQL database to rebuild (default: SQLite)")
    parser.add_argument("--shows", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--per-round", type=int, default=30)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='ballard-search-')}/s.db"
    _prepare(url)
    small = _measure(url, args.rounds, args.per_round)
    _add_catalogue(url, args.shows)
    large = _measure(url, args.rounds, args.per_round)
    rows = [
        (
            repr(q),
            f"{small[q][0]:.2f}",
            f"{large[q][0]:.2f}",
            f"{large[q][0] / small[q][0]:.2f}",
            f"{small[q][1]:.2f}",
            f"{large[q][1]:.2f}",
            f"{large[q][1] / small[q][1]:.2f}",
            f"{small[q][2]}/{large[q][2]}",
        )
        for q in QUERIES
    ]
    header = (
        "query",
        "page ms 1x",
        f"{args.shows}x",
        "cost x",
        "SQL ms 1x",
        f"{args.shows}x",
        "cost x",
        "statements",
    )
    postgres = url.startswith("postgresql")
    if postgres:
        rows = [
            (*r, f"{small[q][3]:.3f}", f"{large[q][3]:.3f}", f"{small[q][4]}/{large[q][4]}")
            for r, q in zip(rows, QUERIES, strict=True)
        ]
        header = (*header, "match ms 1x", f"{args.shows}x", "buffers")
    engine = "PostgreSQL" if postgres else "SQLite"
    print(f"search on {engine}, Ballard at h = 10, then with {args.shows} generated shows added")
    print(table(rows, header))
    if postgres:
        print(
            "match ms: the matching statement's execution time in the server (EXPLAIN "
            "ANALYZE, best of the rounds); buffers: the pages it touched"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
