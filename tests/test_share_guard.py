"""The share guard, link previews, the upcoming-titles opt-in, and HTTP caching."""

import pytest
from bs4 import BeautifulSoup

from ballard.progress import UPCOMING_TITLES_COOKIE, cookie_name, opted_in
from tests.conftest import PLAIN_HTTP, set_progress_cookie


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_newcomer_gets_the_guard_not_the_page(tiny, client):
    response = client.get("/tiny/at/3/characters/owen-marsh")
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.text == "Before you read on"
    guard = page.select_one(".guard").get_text(" ", strip=True)
    assert "This page shows events up to S1E3" in guard
    assert "don't know how far you have watched" in guard
    assert "Owen" not in page.text and "Boatman" not in page.text
    link = page.select_one(".guard a")
    assert (link["href"], link.text) == ("/tiny/at/0/", "Start from the premise")
    form = page.select_one(".guard form")
    assert form["action"] == "/tiny/progress"
    assert form.find("input", {"name": "horizon"})["value"] == "3"
    assert form.find("input", {"name": "next"})["value"] == "/tiny/at/3/characters/owen-marsh"


def test_reader_behind_is_offered_their_own_horizon(tiny, client, app):
    set_progress_cookie(app, client, "tiny", 2)
    page = soup(client.get("/tiny/at/4/search?q=owen"))
    assert "You have watched through S1E2" in page.select_one(".guard").text
    assert page.select_one(".guard a")["href"] == "/tiny/at/2/search?q=owen"
    assert page.select_one(".guard a").text == "Show it at my S1E2"


def test_reader_ahead_or_level_sees_the_page(tiny, client, app):
    set_progress_cookie(app, client, "tiny", 3)
    assert soup(client.get("/tiny/at/3/characters/owen-marsh")).h1.text == "Owen Marsh"
    assert soup(client.get("/tiny/at/2/characters/owen-marsh")).h1.text == "Owen Marsh"


def test_horizon_zero_needs_no_guard(tiny, client):
    assert soup(client.get("/tiny/at/0/characters")).h1.text == "Who is who"


def test_guard_answers_alike_for_real_and_unknown_slugs(tiny, client):
    real = client.get("/tiny/at/3/characters/owen-marsh").get_data(as_text=True)
    fake = client.get("/tiny/at/3/characters/nobody-at-all").get_data(as_text=True)
    assert 'name="csrf_token"' not in real  # no per-reader token: one page for every newcomer
    assert real.replace("owen-marsh", "X") == fake.replace("nobody-at-all", "X")


def test_i_have_seen_it_saves_progress_and_returns_to_the_page(tiny, client):
    url = "/tiny/at/3/characters/owen-marsh"
    response = client.post("/tiny/progress", data={"horizon": "3", "next": url})
    assert response.status_code == 303
    assert response.headers["Location"] == url
    assert soup(client.get(url)).h1.text == "Owen Marsh"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/other/at/1/",
        "/tiny/../admin",
        "/tiny/at/1/\\evil",
        "javascript:alert(1)",
    ],
)
def test_next_cannot_leave_the_show(tiny, client, target):
    response = client.post("/tiny/progress", data={"horizon": "1", "next": target})
    assert response.headers["Location"] == "/tiny/at/1/"


def _preview(page: BeautifulSoup) -> dict[str, str]:
    tags = page.find_all("meta", attrs={"content": True})
    return {t.get("property") or t.get("name"): t["content"] for t in tags}


def test_link_preview_depends_on_the_url_horizon_alone(tiny, client, app):
    newcomer = _preview(soup(client.get("/tiny/at/3/episodes/s1e3")))
    set_progress_cookie(app, client, "tiny", 4)
    reader_page = soup(client.get("/tiny/at/3/episodes/s1e3"))
    assert _preview(reader_page) == newcomer
    assert newcomer["og:title"] == newcomer["twitter:title"] == "Tiny Show guide"
    assert newcomer["og:description"].endswith("covering episodes 1 to 3.")
    assert newcomer["description"] == newcomer["og:description"]
    assert reader_page.title.text.startswith("S1E3 Episode 3")


def test_crawler_title_is_neutral(tiny, client):
    page = soup(client.get("/tiny/at/4/episodes/s1e4"))
    assert page.title.text == "Tiny Show guide"
    assert "The Lake Gives Up" not in page.decode()


def test_upcoming_titles_are_opt_in(tiny, client, app):
    set_progress_cookie(app, client, "tiny", 1)
    assert "The Lake Gives Up" not in client.get("/tiny/at/1/episodes").get_data(as_text=True)
    response = client.post("/tiny/preferences", data={"enabled": "y"})
    assert response.status_code == 303 and response.headers["Location"] == "/tiny/at/1/"
    assert opted_in(client.get_cookie(UPCOMING_TITLES_COOKIE).value, app.config["SECRET_KEY"])
    page = soup(client.get("/tiny/at/1/episodes"))
    locked = page.select(".episode.locked")
    assert "The Lake Gives Up" in locked[-1].text
    assert locked[-1].find("a") is None and locked[-1].find("dl") is None  # titles only
    labels = [o["label"] for o in soup(client.get("/tiny/at/1/")).select("#horizon-stops option")]
    assert labels[4] == "Watched through S1E4 · The Lake Gives Up"
    assert labels[3] == "Watched through S1E3"  # no title known: nothing invented
    client.post("/tiny/preferences", data={})
    assert client.get_cookie(UPCOMING_TITLES_COOKIE) is None


def test_etag_revalidates_and_never_crosses_horizons(tiny, client, app):
    set_progress_cookie(app, client, "tiny", 4)
    first = client.get("/tiny/at/3/characters/owen-marsh")
    etag = first.headers["ETag"]
    assert "Cookie" in first.headers["Vary"]
    assert first.headers["Cache-Control"] == (
        "public, max-age=0, s-maxage=60, stale-while-revalidate=30, stale-if-error=86400"
    )
    again = client.get("/tiny/at/3/characters/owen-marsh", headers={"If-None-Match": etag})
    assert again.status_code == 304
    # The same ETag offered for another horizon gets that horizon's full page.
    other = client.get("/tiny/at/4/characters/owen-marsh", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag
    assert "arrested" in other.get_data(as_text=True)
    # And a reader behind (guard page) never gets a 304 for the page's ETag.
    client.delete_cookie(cookie_name("tiny", PLAIN_HTTP))
    guarded = client.get("/tiny/at/3/characters/owen-marsh", headers={"If-None-Match": etag})
    assert guarded.status_code == 200 and guarded.headers["ETag"] != etag


def test_page_cache_never_crosses_horizons_or_readers(tiny, app, client):
    cache = app.extensions["ballard.page_cache"]
    set_progress_cookie(app, client, "tiny", 4)
    at3 = client.get("/tiny/at/3/characters/owen-marsh").get_data()
    at4 = client.get("/tiny/at/4/characters/owen-marsh").get_data()
    assert at3 != at4 and b"arrested" in at4 and b"arrested" not in at3
    hits = cache.hits
    assert client.get("/tiny/at/3/characters/owen-marsh").get_data() == at3
    assert cache.hits == hits + 1
    # A reader behind the page gets the guard, not the cached page.
    set_progress_cookie(app, client, "tiny", 1)
    guarded = client.get("/tiny/at/3/characters/owen-marsh").get_data(as_text=True)
    assert "Before you read on" in guarded and "Owen" not in guarded


def test_content_change_reaches_every_worker(tiny, migrated, tmp_path):
    """Two app instances stand in for two gunicorn workers sharing one database."""
    from tests.conftest import TINY_PACK, make_app

    workers = [make_app(migrated), make_app(migrated)]
    clients = [w.test_client() for w in workers]
    for worker, c in zip(workers, clients, strict=True):
        set_progress_cookie(worker, c, "tiny", 4)
        assert b"Guests" in c.get("/tiny/at/2/episodes").get_data()
        assert b"Guests" in c.get("/tiny/at/2/episodes").get_data()  # now from the cache
    changed = tmp_path / "changed.yaml"
    changed.write_text(TINY_PACK.read_text().replace("title: Guests", "title: Visitors"))
    workers[0].test_cli_runner().invoke(args=["content", "load", str(changed)])
    for c in clients:
        page = c.get("/tiny/at/2/episodes").get_data()
        assert b"Visitors" in page and b"Guests" not in page


def test_workers_trust_their_version_read_for_the_ttl_only(tiny, migrated, tmp_path, monkeypatch):
    """With a TTL, another worker's change shows up once the TTL has passed; the
    worker that made the change sees it at once."""
    from ballard import page_cache
    from tests.conftest import TINY_PACK, make_app

    now = [1000.0]
    monkeypatch.setattr(page_cache, "_clock", lambda: now[0])
    writer, reader_app = (make_app(migrated, PAGE_CACHE_VERSION_TTL=5.0) for _ in range(2))
    clients = {}
    for name, worker in (("writer", writer), ("reader", reader_app)):
        clients[name] = worker.test_client()
        set_progress_cookie(worker, clients[name], "tiny", 4)
        assert b"Guests" in clients[name].get("/tiny/at/2/episodes").get_data()
    changed = tmp_path / "changed.yaml"
    changed.write_text(TINY_PACK.read_text().replace("title: Guests", "title: Visitors"))
    writer.test_cli_runner().invoke(args=["content", "load", str(changed)])
    assert b"Visitors" in clients["writer"].get("/tiny/at/2/episodes").get_data()
    assert b"Guests" in clients["reader"].get("/tiny/at/2/episodes").get_data()  # within TTL
    now[0] += 5.0
    assert b"Visitors" in clients["reader"].get("/tiny/at/2/episodes").get_data()
