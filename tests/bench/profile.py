"""Where an uncached render's time goes: cProfile over the bench's pages, every cache off.

    PYTHONPATH=. python -m tests.bench.profile [--repeat 30] [--top 25] [DB]

Builds a database with the Ballard pack (or uses DB), renders each page of
tests/bench/run.py's PAGES `--repeat` times in-process through the full WSGI stack, and
prints the functions with the most cumulative and own time, and the time per page.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import subprocess
import tempfile
import time
from pathlib import Path

from tests.bench.run import PAGES, SECRET, env_for, reader_cookie


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db", nargs="?", type=Path)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--only", action="append", choices=PAGES, help="profile these pages only (repeatable)"
    )
    args = parser.parse_args()
    pages = {name: path for name, path in PAGES.items() if not args.only or name in args.only}
    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp(prefix="ballard-profile-")) / "p.db"
        for command in (["db", "upgrade"], ["content", "load"]):
            subprocess.run(
                ["flask", "--app", "app", *command], env=env_for(db), check=True, stdout=subprocess.DEVNULL
            )
    from ballard import create_app

    app = create_app(
        {"ENV": "production", "DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": SECRET, "PAGE_CACHE_MB": 0}
    )
    client = app.test_client(use_cookies=False)
    headers = {"Cookie": reader_cookie(10)}
    for path in pages.values():  # warm up: imports, template compilation, the pool
        assert client.get(path, headers=headers).status_code == 200
    for name, path in pages.items():
        started = time.perf_counter()
        for _ in range(args.repeat):
            client.get(path, headers=headers)
        print(f"{name:22} {(time.perf_counter() - started) / args.repeat * 1000:6.2f} ms")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.repeat):
        for path in pages.values():
            client.get(path, headers=headers)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
