"""A fixed number of SQL queries per page type, whatever the amount of content (no N+1)."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from ballard.db import get_engine
from tests.conftest import TINY_PACK, set_progress_cookie

# page type -> (tiny pack URL, Ballard URL, queries). Pages that show a storyline's colour
# read the storylines' arrival order once (palette.storyline_class); the timeline also
# reads the storylines' statuses (its solved marks). Rendering through the page cache is
# switched off here, so these are the costs of an uncached render.
PAGES = {
    "home": ("/tiny/at/3/", "/ballard/at/10/", 7),
    "episodes": ("/tiny/at/3/episodes", "/ballard/at/10/episodes", 2),
    "recap": ("/tiny/at/4/episodes/s1e4", "/ballard/at/10/episodes/s1e10", 10),
    "story": ("/tiny/at/4/story/full", "/ballard/at/10/story/full", 7),
    "storyline": ("/tiny/at/4/storylines/the-case", "/ballard/at/10/storylines/john-doe-38", 7),
    "characters": ("/tiny/at/4/characters", "/ballard/at/10/characters", 5),
    "character": ("/tiny/at/4/characters/owen-marsh", "/ballard/at/10/characters/robert-olivas", 8),
    "connections": ("/tiny/at/4/connections", "/ballard/at/10/connections", 4),
    # (the refresher reads the last two episodes' fates, not their ties, which it never shows)
    "previously": ("/tiny/at/4/previously", "/ballard/at/10/previously", 17),
    "questions": ("/tiny/at/4/questions", "/ballard/at/10/questions", 3),
    "question": ("/tiny/at/4/questions/who-is-the-body", "/ballard/at/10/questions/who-killed-olivas", 3),
    # (the finale page: standings 2, cliffhangers 2, the questions left open 1)
    "next season": ("/tiny/at/4/next-season", "/ballard/at/10/next-season", 7),
    "timeline": ("/tiny/at/4/timeline", "/ballard/at/10/timeline", 6),
    # (one of them the episode cards, for the header's "up to S1E4")
    "search": ("/tiny/at/4/search?q=lake", "/ballard/at/10/search?q=case", 5),
    "search miss": ("/tiny/at/4/search?q=xqzvw", "/ballard/at/10/search?q=xqzvw", 4),
}


@pytest.fixture
def counted(migrated):
    from tests.conftest import _empty_tables, make_app

    app = make_app(migrated, PAGE_CACHE_MB=0)
    with app.app_context():
        _empty_tables()
    client = app.test_client()
    for show, h in (("tiny", 4), ("ballard", 10)):
        set_progress_cookie(app, client, show, h)
    runner = app.test_cli_runner()
    runner.invoke(args=["content", "load", str(TINY_PACK)])
    runner.invoke(args=["content", "load"])
    # A worker checks the schema revision at its first request only (tests/test_faults.py
    # counts it); the counts below are those of every request after it.
    assert client.get("/").status_code == 200
    count = [0]

    def tick(*_args) -> None:
        count[0] += 1

    with app.app_context():
        event.listen(get_engine(), "before_cursor_execute", tick)

    def queries(url: str) -> int:
        count[0] = 0
        response = client.get(url)
        assert response.status_code == 200, url
        return count[0]

    yield queries
    with app.app_context():
        event.remove(get_engine(), "before_cursor_execute", tick)


@pytest.mark.parametrize("page", PAGES)
def test_queries_per_page_are_fixed(counted, page):
    small, large, expected = PAGES[page]
    assert (counted(small), counted(large)) == (expected, expected)


def test_a_cached_page_costs_one_query(migrated):
    """The content version lookup that keeps every worker's cache fresh, and nothing else."""
    from tests.conftest import _empty_tables, make_app

    app = make_app(migrated)
    with app.app_context():
        _empty_tables()
    app.test_cli_runner().invoke(args=["content", "load", str(TINY_PACK)])
    client = app.test_client()
    set_progress_cookie(app, client, "tiny", 4)
    count = [0]

    def tick(*_args) -> None:
        count[0] += 1

    client.get("/tiny/at/4/story/full")
    with app.app_context():
        event.listen(get_engine(), "before_cursor_execute", tick)
    try:
        assert client.get("/tiny/at/4/story/full").status_code == 200
    finally:
        with app.app_context():
            event.remove(get_engine(), "before_cursor_execute", tick)
    assert count[0] == 1


def test_bench_catalogue_matches_what_the_loader_writes(app):
    """The bench's bulk inserts must build the same show as load_show would."""
    from sqlalchemy import select

    from ballard.content.pack import dump_seasons, load_show, merge, pack_to_yaml
    from ballard.db import get_session
    from ballard.models import Show
    from tests.bench.catalogue import generated_show, insert_catalogue

    with app.app_context():
        session = get_session()
        insert_catalogue(session, 1, start=7)
        bulk = dump_seasons(session, "show-7")
        session.delete(session.scalar(select(Show).where(Show.slug == "show-7")))
        session.commit()
        load_show(session, merge([generated_show(7)]))
        session.commit()
        assert dump_seasons(session, "show-7") == bulk == [("season-1.yaml", pack_to_yaml(generated_show(7)))]
