"""What a cold cache costs: every viewer page at every horizon rendered once, every page cache off.

    PYTHONPATH=. python -m tests.bench.cold [--rounds 3] [DB]

After a content change every page is rendered once per reader state. This renders the
set the static export writes (ballard/export.py's walk: every viewer page of every
show at every horizon, for a reader who has finished the season) in-process through
the full WSGI stack with BALLARD_PAGE_CACHE_MB=0, `--rounds` times, and prints per
round the total seconds and page count, then the median over rounds of the total and
of each page group's median page time. Builds a database with the Ballard pack unless
DB is given. The machine's load average is printed with the figures. The first round
also pays for drawing the connections pictures (Graphviz, about 80 ms each; run_engine
keeps its answers for the process, as a worker does), the later rounds do not.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from tests.bench.run import SECRET

# Endpoint -> page group, in the order the table prints them.
GROUPS = {
    "guide.index": "index",
    "guide.home": "home",
    "guide.episodes": "episodes",
    "guide.recap": "recap",
    "guide.story": "story",
    "guide.story_full": "story, full",
    "guide.storyline": "storyline",
    "guide.characters": "characters",
    "guide.character": "character",
    "guide.questions": "questions",
    "guide.question": "question",
    "guide.timeline": "timeline",
    "guide.connections": "connections",
    "guide.previously": "previously",
    "guide.next_season": "next season",
    "guide.season_left_open": "next season",
    "guide.search": "search",
}


def build_app(db: Path | None):
    from ballard import create_app
    from ballard.cli import load_packs, upgrade_database
    from ballard.content import shipped_packs

    fresh = db is None
    if db is None:
        db = Path(tempfile.mkdtemp(prefix="ballard-cold-")) / "cold.db"
    app = create_app(
        {"ENV": "production", "DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": SECRET, "PAGE_CACHE_MB": 0}
    )
    if fresh:
        with app.app_context():
            upgrade_database()
            load_packs([p for p in shipped_packs() if p.parent.name == "ballard"])
    return app


def render_all(app, urls: list[str], headers: dict[str, str]) -> tuple[float, dict[str, list[float]]]:
    """Render every URL once; the total seconds and the seconds per page, by group."""
    client = app.test_client(use_cookies=False)
    adapter = app.url_map.bind("localhost")
    times: dict[str, list[float]] = defaultdict(list)
    started = time.perf_counter()
    for url in urls:
        t = time.perf_counter()
        response = client.get(url, headers=headers)
        times[GROUPS.get(adapter.match(url.split("?")[0])[0], "other")].append(time.perf_counter() - t)
        assert response.status_code == 200, (url, response.status_code)
    return time.perf_counter() - started, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", nargs="?", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ["BALLARD_PAGE_CACHE_MB"] = "0"
    app = build_app(args.db)
    logging.getLogger("ballard.request").disabled = True  # one JSON line per page otherwise
    from ballard.export import _reader_cookies, export_urls

    with app.test_request_context():
        urls = list(dict.fromkeys(export_urls(app)))
        headers = {"Cookie": "; ".join(_reader_cookies(app))}
    assert app.config["PAGE_CACHE_MB"] == 0
    render_all(app, urls[:40], headers)  # warm up: imports, template compilation, the pool
    totals, medians = [], defaultdict(list)
    for n in range(args.rounds):
        total, times = render_all(app, urls, headers)
        totals.append(total)
        for group, values in times.items():
            medians[group].append(statistics.median(values))
        print(f"round {n + 1}: {total:.2f} s for {len(urls)} pages (load average {os.getloadavg()[0]:.2f})")
    print(
        f"\ncold re-render, median of {args.rounds} rounds: {statistics.median(totals):.2f} s, {len(urls)} pages"
    )
    print(f"{'group':14} {'pages':>6} {'median ms':>10}")
    for group in dict.fromkeys([*GROUPS.values(), "other"]):
        if group in medians:
            print(f"{group:14} {len(times[group]):6} {statistics.median(medians[group]) * 1000:10.2f}")
    print("load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
