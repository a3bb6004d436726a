"""The front (ballard/front.py): answers from the cache exactly as the app would.

Every route at every horizon, for every kind of reader that changes a page (newcomer,
behind, finished, unreadable or out-of-range cookie, upcoming titles on or off), is
requested from an app with the front and from one with every cache off, in an order that
fills the cache with other readers' pages first; status, headers (but Date) and body must
be byte-identical, plain and as 304s. Then what the front must never keep or serve.
"""

from __future__ import annotations

import itertools

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy.exc import OperationalError

from ballard.cli import load_packs
from ballard.front import Front
from ballard.page_cache import CACHEABLE, READER_STATE
from ballard.progress import UPCOMING_TITLES_COOKIE, cookie_name, upcoming_titles_value
from tests.conftest import (
    PACKS,
    PLAIN_HTTP,
    SECRET,
    TINY_PACK,
    _empty_tables,
    make_app,
    make_editor,
    progress_cookie,
    set_progress_cookie,
    sign_in,
)
from tests.invariance import INVARIANCE_CONFIG, argument_values, snapshot, urls_at

TWO_SEASONS_PACKS = sorted((PACKS / "two-seasons").glob("season-*.yaml"))
QUERIES = {
    "guide.search": ["q=owen", "q=", "q=owen&kind=character", "q=owen&page=2", "q=ow", "kind=nope&q=x"],
    "api.search": ["q=owen", "q=owen&kind=character", "q=x&unknown=1"],
    "api.suggest": ["q=ow", "q="],
    "guide.home": ["", "notice=unreadable"],
}


def _readers(app, show: str, last: int) -> dict[str, str | None]:
    """Cookie headers of the readers whose pages differ."""

    def saved(h: int) -> str:
        return "=".join(progress_cookie(app, show, h))

    out_of_range = URLSafeSerializer(SECRET, salt="ballard.horizon").dumps(last + 5)
    titles_on = upcoming_titles_value(SECRET)
    return {
        "newcomer": None,
        "at 1": saved(1),
        "at 2": saved(2),
        "finished": saved(last),
        "finished, titles on": f"{saved(last)}; {UPCOMING_TITLES_COOKIE}={titles_on}",
        "newcomer, titles on": f"{UPCOMING_TITLES_COOKIE}={titles_on}",
        "finished, titles on unsigned": f"{saved(last)}; {UPCOMING_TITLES_COOKIE}=1",
        "tampered": saved(last)[:-2] + "xx",
        "out of range": f"{cookie_name(show, PLAIN_HTTP)}={out_of_range}",
        "other show's cookie": "=".join(progress_cookie(app, "zz-other", last)),
    }


def _apps(migrated, packs):
    fronted = make_app(migrated, **INVARIANCE_CONFIG)
    plain = make_app(migrated, **INVARIANCE_CONFIG, PAGE_CACHE_MB=0)
    assert isinstance(fronted.wsgi_app, Front) and not isinstance(plain.wsgi_app, Front)
    with fronted.app_context():
        _empty_tables()
        load_packs(packs)
    return fronted, plain


@pytest.mark.parametrize("packs", [[TINY_PACK], TWO_SEASONS_PACKS], ids=["tiny", "two-seasons"])
def test_the_front_answers_byte_for_byte_as_the_app(migrated, packs):
    fronted, plain = _apps(migrated, packs)
    show = "tiny" if packs == [TINY_PACK] else "harbor"
    with fronted.app_context():
        from ballard.db import get_session
        from ballard.horizon import find_show

        last = find_show(get_session(), show).episode_count
    readers = _readers(fronted, show, last)
    values = argument_values(fronted)
    # Two of each (a real one and the unknown one): the routes, not the rows, matter here.
    values = {name: v[:1] + v[-1:] if name not in ("show", "filename") else v for name, v in values.items()}
    urls = sorted(
        {
            url
            for h in range(last + 1)
            for endpoint, method, url in urls_at(fronted, h, values, QUERIES)
            if method == "GET" and endpoint.split(".")[0] in ("guide", "api", "ops")
        }
    )
    front_client = fronted.test_client(use_cookies=False)
    plain_client = plain.test_client(use_cookies=False)
    cache = fronted.extensions["ballard.page_cache"]

    expected = {
        (url, who): snapshot(plain_client, url, cookie=cookie)
        for url in urls
        for who, cookie in readers.items()
    }
    differences = []
    # Two passes in different orders: the first fills the cache, the second reads it
    # with the readers interleaved the other way round.
    orders = [list(expected), sorted(expected, key=lambda k: (k[1], k[0]), reverse=True)]
    for order in orders:
        for url, who in order:
            got = snapshot(front_client, url, cookie=readers[who])
            if got != expected[url, who]:
                differences.append(f"{who} {url}: {got.status} vs {expected[url, who].status}")
    assert differences == [], f"{len(differences)} differ, e.g. {differences[:5]}"
    assert cache.hits > len(urls), "the cache answered too few of the repeats"
    # Readers who get the same page share one entry: far fewer entries than requests.
    assert len(cache) < len(expected) / 2

    # Revalidation: a matching If-None-Match is the app's own 304, from the cache too.
    conditional = []
    for (url, who), snap in itertools.islice(expected.items(), 0, None, 7):
        etag = dict(snap.headers).get("ETag")
        if not etag:
            continue
        cookie = readers[who]
        headers = {"If-None-Match": etag, **({"Cookie": cookie} if cookie else {})}
        with plain_client.get(url, headers=headers) as want, front_client.get(url, headers=headers) as got:
            if (got.status, _headers(got), got.get_data()) != (want.status, _headers(want), want.get_data()):
                conditional.append(f"{who} {url}: {got.status} vs {want.status}")
    assert conditional == []


def _headers(response) -> list[tuple[str, str]]:
    return [(n, v) for n, v in response.headers.items() if n != "Date"]


# --- what the front must never keep or serve --------------------------------------------------


@pytest.fixture
def front_cache(tiny):
    return tiny.extensions["ballard.page_cache"]


def test_a_finished_readers_page_never_reaches_a_newcomer(tiny, front_cache):
    finished, newcomer = tiny.test_client(), tiny.test_client()
    set_progress_cookie(tiny, finished, "tiny", 4)
    url = "/tiny/at/4/characters/owen-marsh"
    for _ in range(3):
        assert b"arrested" in finished.get(url).get_data()
    assert front_cache.hits >= 2
    for _ in range(2):
        page = newcomer.get(url).get_data(as_text=True)
        assert "Before you read on" in page and "Owen" not in page
    behind = tiny.test_client()
    set_progress_cookie(tiny, behind, "tiny", 3)
    page = behind.get(url).get_data(as_text=True)
    assert "You have watched through <strong>S1E3</strong>" in page and "arrested" not in page


def test_readers_who_get_the_same_page_share_one_entry(tiny, front_cache):
    for h in (2, 3, 4):
        client = tiny.test_client()
        set_progress_cookie(tiny, client, "tiny", h)
        client.get("/tiny/at/2/episodes")
    assert len(front_cache) == 1 and front_cache.hits == 2


def test_errors_and_redirects_are_never_kept(tiny, front_cache, reader):
    client = reader  # has watched everything, so no guard page (a 200) stands in
    for url in (
        "/tiny/at/9/",
        "/tiny/at/2/characters/nobody",
        "/no/where",
        "/tiny/",
        "/tiny/at/2",
        "/api/v1/shows/tiny/at/9",
        "/tiny/at/2/search?page=0",
    ):
        assert client.get(url).status_code != 200
        client.get(url)
    assert len(front_cache) == 0 and front_cache.hits == 0


def test_a_signed_in_editor_is_never_served_from_or_kept_in_the_cache(tiny, client, front_cache):
    sign_in(tiny, client, make_editor(tiny))
    url = "/tiny/at/4/characters/owen-marsh"
    assert b"arrested" in client.get(url).get_data()  # the preview skips the guard
    assert len(front_cache) == 0
    newcomer = tiny.test_client().get(url).get_data(as_text=True)
    assert "Before you read on" in newcomer
    # A page a reader cached is not what the editor gets either: the editor's is fresh.
    client.get("/tiny/at/0/")
    assert front_cache.hits == 0


def test_head_range_and_other_conditionals_go_to_the_app(tiny, reader, front_cache):
    url = "/tiny/at/2/characters"
    reader.get(url)
    hits = front_cache.hits
    assert reader.head(url).status_code == 200
    assert reader.get(url, headers={"Range": "bytes=0-10"}).status_code == 200
    assert reader.get(url, headers={"If-Match": '"nope"'}).status_code == 412
    assert reader.post(url).status_code == 405
    assert front_cache.hits == hits


def test_hits_carry_the_security_headers_and_leave_the_date_to_the_server(tiny, reader, front_cache):
    first = reader.get("/tiny/at/2/characters")
    again = reader.get("/tiny/at/2/characters")
    assert front_cache.hits == 1
    for name in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Permissions-Policy",
        "ETag",
        "Vary",
    ):
        assert again.headers[name] == first.headers[name]
    # The server dates every answer (one Date header): the app and the front add none.
    assert "Date" not in first.headers and "Date" not in again.headers


def test_https_behind_a_proxy_gets_its_own_entry_with_hsts(tiny, migrated):
    with_proxy = make_app(migrated, TRUSTED_PROXIES=1)
    client = with_proxy.test_client()
    set_progress_cookie(with_proxy, client, "tiny", 4)
    plain = client.get("/tiny/at/2/characters")
    secure = client.get("/tiny/at/2/characters", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in plain.headers
    assert "Strict-Transport-Security" in secure.headers
    again = client.get("/tiny/at/2/characters")
    assert "Strict-Transport-Security" not in again.headers


def test_a_content_change_is_seen_at_once_by_this_worker(tiny, reader, tmp_path):
    assert b"Guests" in reader.get("/tiny/at/2/episodes").get_data()
    assert b"Guests" in reader.get("/tiny/at/2/episodes").get_data()
    changed = TINY_PACK.read_text().replace("title: Guests", "title: Visitors")
    path = tmp_path / "changed.yaml"
    path.write_text(changed)
    tiny.test_cli_runner().invoke(args=["content", "load", str(path)])
    assert b"Visitors" in reader.get("/tiny/at/2/episodes").get_data()


def test_an_unreadable_version_leaves_the_answer_to_the_app(tiny, reader, front_cache, monkeypatch):
    reader.get("/tiny/at/2/characters")

    def broken():
        raise OperationalError("SELECT version", {}, Exception("database is gone"))

    front = tiny.wsgi_app
    monkeypatch.setattr(front, "_read_version", broken)
    front_cache.forget_version()
    response = reader.get("/tiny/at/2/characters")  # the app answers (the database is fine)
    assert response.status_code == 200 and front_cache.hits == 0


@pytest.mark.parametrize(
    ("kind", "marked", "state", "status", "headers", "ok"),
    [
        ("reader", "reader", "S", "200 OK", [("Vary", "Cookie")], True),
        ("reader", None, "S", "200 OK", [], False),  # the view did not mark it
        ("reader", "cookie-free", "S", "200 OK", [], False),
        ("cookie-free", "reader", None, "200 OK", [], False),
        ("reader", "reader", "other", "200 OK", [], False),  # rendered for another reader
        ("reader", "reader", "S", "404 NOT FOUND", [], False),
        ("reader", "reader", "S", "200 OK", [("Set-Cookie", "a=b")], False),
        ("reader", "reader", "S", "200 OK", [("Vary", "Cookie, Accept-Language")], False),
        ("reader", "reader", "S", "200 OK", [("Cache-Control", "no-store")], False),
    ],
)
def test_what_may_be_kept(kind, marked, state, status, headers, ok):
    key = (kind, "http", "localhost", "", "/x", "", 1, "S")
    environ = {CACHEABLE: marked, READER_STATE: state}
    assert Front.storable(key, environ, status, headers) is ok


def test_a_revalidation_on_a_miss_fills_the_cache(tiny, reader, front_cache):
    """A browser revalidating a page this worker has not kept yet gets its 304, and the
    page is kept: a crowd of revalidations after a change renders each page once."""
    url = "/tiny/at/2/episodes"
    etag = reader.get(url).headers["ETag"]
    front_cache.clear()
    hits = front_cache.hits
    for _ in range(3):
        answer = reader.get(url, headers={"If-None-Match": etag})
        assert (answer.status_code, answer.get_data()) == (304, b"")
    assert len(front_cache) == 1 and front_cache.hits - hits == 2
    assert reader.get(url).get_data() and front_cache.hits - hits == 3
