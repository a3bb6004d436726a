"""Memory per worker with the large catalogue in the page cache.

    PYTHONPATH=. python -m tests.bench.memory [--shows 100] [--crawl 6]

Builds the bench's large catalogue (Ballard plus `--shows` generated shows), then, in one
process with the front and an unbounded page cache, requests every viewer page and API
answer of `--crawl` shows (Ballard first) at every horizon, for a reader who has watched
everything and for a newcomer (the share guard). Prints the cache's bytes and the
process's resident memory before and after, per show, and both extrapolated to every
show of the catalogue (the generated shows are alike, so bytes grow linearly with them).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from tests.bench.run import SECRET, flask, load_catalogue

MB = 1024 * 1024


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / MB


def show_urls(session, show) -> list[str]:
    from sqlalchemy import select

    from ballard.models import Character, Episode, Question, Season, Storyline

    codes = [
        f"s{s}e{e}"
        for s, e in session.execute(
            select(Season.number, Episode.number)
            .join(Season, Episode.season_id == Season.id)
            .where(Episode.show_id == show.id)
        )
    ]
    kinds = {
        "storylines": session.scalars(select(Storyline.slug).where(Storyline.show_id == show.id)),
        "characters": session.scalars(select(Character.slug).where(Character.show_id == show.id)),
        "questions": session.scalars(select(Question.slug).where(Question.show_id == show.id)),
    }
    kinds = {kind: list(slugs) for kind, slugs in kinds.items()}
    urls = []
    for h in range(len(codes) + 1):
        for prefix in (f"/{show.slug}/at/{h}", f"/api/v1/shows/{show.slug}/at/{h}"):
            urls += [
                f"{prefix}/",
                f"{prefix}/episodes",
                f"{prefix}/story",
                f"{prefix}/story/full",
                f"{prefix}/storylines",
                f"{prefix}/characters",
                f"{prefix}/questions",
                f"{prefix}/next-season",
                f"{prefix}/timeline",
            ]
            urls += [f"{prefix}/episodes/{code}" for code in codes[:h]]
            urls += [f"{prefix}/{kind}/{slug}" for kind, slugs in kinds.items() for slug in slugs]
    return urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shows", type=int, default=100)
    parser.add_argument("--crawl", type=int, default=6, help="shows to crawl in full")
    args = parser.parse_args()
    db = Path(tempfile.mkdtemp(prefix="ballard-memory-")) / "large.db"
    flask(db, "db", "upgrade")
    flask(db, "content", "load")
    load_catalogue(db, args.shows)

    from ballard import create_app
    from ballard.db import get_session
    from ballard.models import Show
    from ballard.progress import cookie_name, progress_cookie_value

    app = create_app(
        {
            "ENV": "production",
            "DATABASE_URL": f"sqlite:///{db}",
            "SECRET_KEY": SECRET,
            "PAGE_CACHE_MB": 100_000,
        }
    )
    cache = app.extensions["ballard.page_cache"]
    with app.app_context():
        from sqlalchemy import select

        shows = list(get_session().scalars(select(Show).order_by(Show.id)))
        crawl = shows[: args.crawl]
        urls = {s.slug: show_urls(get_session(), s) for s in crawl}
        finished = "; ".join(f"{cookie_name(s.slug)}={progress_cookie_value(10)}" for s in crawl)
    client = app.test_client(use_cookies=False)
    client.get("/")  # imports, templates, the pool
    base = rss_mb()
    started = time.perf_counter()
    requests = 0
    for show in crawl:
        for url in urls[show.slug]:
            for cookie in (finished, None):
                client.get(url, headers={"Cookie": cookie} if cookie else {}).close()
                requests += 1
    after = rss_mb()
    per_show_cache = cache.bytes / len(crawl) / MB
    per_show_rss = (after - base) / len(crawl)
    print(
        f"{len(shows)} shows in the catalogue; crawled {len(crawl)} in full: {requests} requests "
        f"in {time.perf_counter() - started:.0f} s, {len(cache)} entries kept"
    )
    print(
        f"worker RSS before {base:.0f} MB, after {after:.0f} MB; page cache {cache.bytes / MB:.1f} MB "
        f"({per_show_cache:.2f} MB and {per_show_rss:.2f} MB RSS per show)"
    )
    print(
        f"every show cached (extrapolated to {len(shows)}): page cache "
        f"{per_show_cache * len(shows):.0f} MB, worker RSS about "
        f"{base + per_show_rss * len(shows):.0f} MB; with the default BALLARD_PAGE_CACHE_MB=64 "
        f"the cache holds {64 / per_show_cache:.0f} shows' pages and RSS stays near "
        f"{base + 64 * per_show_rss / per_show_cache:.0f} MB"
    )


if __name__ == "__main__":
    main()
