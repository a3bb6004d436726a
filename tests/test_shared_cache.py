"""A real varnishd (deploy/varnish/ballard.vcl) in front of a real gunicorn: every answer
through Varnish equals the answer straight from the app, for every kind of reader over
every GET route at a few horizons; a second pass is answered from Varnish; a content
change shows through Varnish as soon as the command that made it returns; a purge that
fails is retried, never dropped.
"""

from __future__ import annotations

import http.client
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup

from ballard import create_app
from ballard.progress import serializer_for, upcoming_titles_value
from ballard.shared_cache import Purger
from tests.faults_harness import ROOT, SECRET, flask_cli, free_port, get, own_database, pg_bin, server
from tests.invariance import UNKNOWN, argument_values, urls_at
from tests.test_faults import readme_pg_commands
from tests.varnish_harness import VARNISHD, Varnish

PACK = ROOT / "ballard" / "content" / "ballard" / "season-1.yaml"
SHOW = "ballard"
EDITOR, PASSWORD = "ed@example.com", "a long editor password 1"
# Headers a hop may add or set on its own: not what the app said.
HOP_HEADERS = {
    "date",
    "age",
    "via",
    "x-varnish",
    "x-cache",
    "connection",
    "keep-alive",
    "accept-ranges",
    "transfer-encoding",
    "xkey",
    "surrogate-key",
}

needs_varnish = pytest.mark.skipif(
    not Path(VARNISHD).exists(), reason="varnishd is not installed (scripts/ensure-varnish)"
)


def request(port: int, path: str, headers: dict[str, str] | None = None, method: str = "GET"):
    return get(port, path, headers, timeout=30, method=method)


def comparable(answer) -> tuple:
    status, headers, body = answer
    return status, {k: v for k, v in headers.items() if k not in HOP_HEADERS}, body


@pytest.fixture(scope="module")
def stack():
    workdir = Path(tempfile.mkdtemp(prefix="ballard-varnish-"))
    with own_database("varnish", workdir) as database_url:
        assert database_url is not None
        yield from _stack(workdir, database_url)


def _stack(workdir: Path, database_url: str):
    """The app on `database_url` (of the run's kind), loaded, behind gunicorn and Varnish."""
    for args in (
        ("db", "upgrade"),
        ("content", "load"),
        ("editor", "create", EDITOR, "--password", PASSWORD),
    ):
        done = flask_cli(database_url, *args)
        assert done.returncode == 0, done.stderr
    varnish_port = free_port()
    settings = {
        "BALLARD_SHARED_CACHE_URLS": f"http://127.0.0.1:{varnish_port}/",
        "BALLARD_PAGE_CACHE_VERSION_TTL": "0",
    }
    app = create_app({"ENV": "testing", "DATABASE_URL": database_url, "SECRET_KEY": SECRET})
    with server(database_url, workers=2, threads=4, **settings) as origin:
        varnish = None
        try:
            # The port the app purges is the one Varnish listens on.
            varnish = Varnish(origin.port, workdir, varnish_port)
            yield {
                "app": app,
                "db": database_url,
                "origin": origin.port,
                "varnish": varnish.port,
                "settings": settings,
                "workdir": workdir,
            }
        finally:
            if varnish is not None:
                varnish.stop()
            app.extensions["ballard.engine"].dispose()
            shutil.rmtree(workdir, ignore_errors=True)


def readers() -> dict[str, dict[str, str]]:
    """Cookie and Accept-Encoding headers of each kind of reader (production names)."""
    progress = serializer_for(SECRET)
    name = f"__Host-horizon-{SHOW}"
    optin = f"__Host-show-upcoming-titles={upcoming_titles_value(SECRET)}"
    gzip = {"Accept-Encoding": "gzip, deflate, br"}
    return {
        "newcomer": {},
        "h0": {"Cookie": f"{name}={progress.dumps(0)}", **gzip},
        "h3": {"Cookie": f"{name}={progress.dumps(3)}", **gzip},
        "h10": {"Cookie": f"{name}={progress.dumps(10)}"},
        "h3 with the opt-in": {"Cookie": f"{name}={progress.dumps(3)}; {optin}", **gzip},
        "h3 with other cookies": {
            "Cookie": f"_ga=GA1.2.3; {name}={progress.dumps(3)}; horizon-other=x; theme=dark",
            **gzip,
        },
        "a tampered cookie": {"Cookie": f"{name}=3.forged", **gzip},
        "editor (session)": {"Cookie": f"__Host-session=anything; {name}={progress.dumps(3)}", **gzip},
    }


def pages(app) -> list[str]:
    """One URL per GET route (a known value for each argument), at h = 0, 3 and 10, and
    an unknown slug once."""
    values = argument_values(app)
    urls: list[str] = []
    for h in (0, 3, 10):
        seen: set[str] = set()
        for endpoint, method, url in urls_at(app, h, values, {}):
            if method != "GET" or endpoint in seen or UNKNOWN in url:
                continue
            if endpoint.startswith(("editor.", "auth.")) and h != 3:
                continue
            seen.add(endpoint)
            if url not in urls:
                urls.append(url)
    urls.append(f"/{SHOW}/at/3/characters/{UNKNOWN}")
    return urls


@needs_varnish
def test_every_answer_through_varnish_equals_the_app_and_repeats_are_hits(stack):
    urls = pages(stack["app"])
    assert len(urls) > 60 and any("/at/10/" in u for u in urls)
    shareable: list[tuple[str, str]] = []
    differences = []
    for who, headers in readers().items():
        for url in urls:
            direct = comparable(request(stack["origin"], url, headers))
            through = comparable(request(stack["varnish"], url, headers))
            if "session=" in direct[1].get("set-cookie", ""):
                # A fresh session and CSRF token per request (sign-in): never the same
                # bytes twice; it must pass Varnish uncached.
                assert (
                    (through[0], through[1]["cache-control"])
                    == (direct[0], direct[1]["cache-control"])
                    == (200, "no-store")
                ), url
                continue
            if through != direct:
                differences.append((who, url, "first", _diff(direct, through)))
            if "s-maxage" in direct[1].get("cache-control", ""):
                shareable.append((who, url))
            elif who.startswith("editor") or "/editor" in url or "/auth" in url:
                assert "s-maxage" not in direct[1].get("cache-control", "")
    assert differences == [], differences[:5]
    assert not any(who.startswith("editor") for who, _ in shareable)
    assert len(shareable) > 200

    hits = 0
    all_readers = readers()
    for who, url in shareable:
        status, headers, body = request(stack["varnish"], url, all_readers[who])
        direct = comparable(request(stack["origin"], url, all_readers[who]))
        if comparable((status, headers, body)) != direct:
            differences.append((who, url, "second", _diff(direct, comparable((status, headers, body)))))
        hits += headers.get("x-cache") == "HIT"
    assert differences == [], differences[:5]
    ratio = hits / len(shareable)
    print(
        f"shared cache: {len(urls)} URLs x {len(all_readers)} readers; second pass hit "
        f"ratio {ratio:.3f} over {len(shareable)} shareable answers"
    )
    assert ratio >= 0.95


def _diff(a, b):
    if a[0] != b[0]:
        return ("status", a[0], b[0])
    if a[1] != b[1]:
        return (
            "headers",
            {k: (a[1].get(k), b[1].get(k)) for k in set(a[1]) | set(b[1]) if a[1].get(k) != b[1].get(k)},
        )
    return ("body", len(a[2]), len(b[2]))


@needs_varnish
def test_a_guard_page_never_reaches_a_reader_who_is_ahead(stack):
    progress = serializer_for(SECRET)
    behind = {"Cookie": f"__Host-horizon-{SHOW}={progress.dumps(3)}"}
    ahead = {"Cookie": f"__Host-horizon-{SHOW}={progress.dumps(10)}"}
    url = f"/{SHOW}/at/10/characters"
    guard = request(stack["varnish"], url, behind)
    full = request(stack["varnish"], url, ahead)
    assert guard[2] != full[2]
    assert comparable(full) == comparable(request(stack["origin"], url, ahead))
    assert comparable(request(stack["varnish"], url, behind)) == comparable(guard)


def sign_in(port: int) -> str:
    """A real editor session (the Cookie header value), signed in straight at the app."""
    status, headers, body = request(port, "/auth/login")
    session = headers["set-cookie"].split(";", 1)[0]
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body).group(1)
    form = urlencode({"csrf_token": token.decode(), "email": EDITOR, "password": PASSWORD, "next": ""})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "POST",
            "/auth/login",
            body=form,
            headers={"Cookie": session, "Content-Type": "application/x-www-form-urlencoded"},
        )
        response = connection.getresponse()
        response.read()
        assert response.status == 303, response.status
        return response.getheader("Set-Cookie").split(";", 1)[0]
    finally:
        connection.close()


@needs_varnish
def test_an_editors_preview_never_reaches_a_reader(stack):
    """A signed-in editor skips the share guard: what they see must not be kept, and a
    reader behind the page gets the guard through Varnish, before and after."""
    progress = serializer_for(SECRET)
    behind = f"__Host-horizon-{SHOW}={progress.dumps(3)}"
    editor = f"{sign_in(stack['origin'])}; {behind}"
    url = f"/{SHOW}/at/10/questions"
    reader_first = request(stack["varnish"], url, {"Cookie": behind})
    preview = request(stack["varnish"], url, {"Cookie": editor})
    reader_after = request(stack["varnish"], url, {"Cookie": behind})
    assert preview[0] == 200 and preview[1]["x-cache"] == "MISS"
    assert "s-maxage" not in preview[1]["cache-control"]
    assert preview[2] != reader_first[2]  # the editor saw the page, not the guard
    assert (
        comparable(reader_after)
        == comparable(reader_first)
        == comparable(request(stack["origin"], url, {"Cookie": behind}))
    )
    assert reader_after[1]["x-cache"] == "HIT"


def form_data(html: bytes) -> dict[str, str]:
    """What a browser would post back from the page's editor form, unchanged."""
    forms = BeautifulSoup(html, "html.parser").find_all("form", method="post")
    form = max(forms, key=lambda f: len(f.find_all(["input", "textarea", "select"])))
    data: dict[str, str] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") == "submit":
            continue
        if field.name == "textarea":
            data[name] = field.text.removeprefix("\n")
        elif field.name == "select":
            option = field.find("option", selected=True) or field.find("option")
            data[name] = option.get("value", option.text) if option else ""
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "y")
        else:
            data[name] = field.get("value", "")
    return data


@needs_varnish
def test_an_editors_save_shows_through_varnish(stack):
    """The save returns at once; the worker's purge thread bans, and the next reads
    through Varnish show the change (waited for, with a deadline, and reported)."""
    editor = sign_in(stack["origin"])
    character = "robert-olivas"
    page = f"/{SHOW}/at/10/characters/{character}"
    cookie = {"Cookie": f"__Host-horizon-{SHOW}={serializer_for(SECRET).dumps(10)}"}
    for _ in range(2):
        before = request(stack["varnish"], page, cookie)
    assert before[0] == 200 and before[1]["x-cache"] == "HIT"
    edit = f"/editor/{SHOW}/characters/{character}"
    status, headers, html = request(stack["origin"], edit, {"Cookie": editor})
    assert status == 200
    if "set-cookie" in headers:  # the form's CSRF secret joins the session
        editor = headers["set-cookie"].split(";", 1)[0]
    data = form_data(html)
    assert data.get("name") and data["name"].encode() in before[2], sorted(data)
    data["name"] += " Zedwick"
    connection = http.client.HTTPConnection("127.0.0.1", stack["origin"], timeout=30)
    try:
        connection.request(
            "POST",
            edit,
            body=urlencode(data),
            headers={"Cookie": editor, "Content-Type": "application/x-www-form-urlencoded"},
        )
        saved = connection.getresponse()
        answer = saved.read()
    finally:
        connection.close()
    errors = BeautifulSoup(answer, "html.parser").select(
        ".field-errors, [role=alert], .error, .errors, main p"
    )
    assert saved.status == 303, (
        saved.status,
        [e.get_text(" ", strip=True) for e in errors],
        sorted(data.items()),
    )
    started = time.monotonic()
    deadline = started + 15
    while True:
        status, headers, body = request(stack["varnish"], page, cookie)
        if b"Zedwick" in body or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    print(f"an editor's save: {time.monotonic() - started:.2f} s until Varnish showed it")
    assert b"Zedwick" in body
    time.sleep(1.5)  # after the repeat ban, the page is still the new one
    assert b"Zedwick" in request(stack["varnish"], page, cookie)[2]


@needs_varnish
def test_posts_and_sessions_pass_and_bans_need_a_key(stack):
    port = stack["varnish"]
    status, headers, _ = request(port, f"/{SHOW}/at/3/", {"Cookie": "__Host-session=x"})
    assert status == 200 and headers["x-cache"] == "MISS"
    assert "s-maxage" not in headers["cache-control"]
    assert request(port, "/", {}, method="BAN")[0] == 400
    status, headers, _ = request(port, f"/{SHOW}/progress", {}, method="POST")
    assert status != 200 and "s-maxage" not in headers.get("cache-control", "")


@needs_varnish
def test_a_content_load_shows_through_varnish_when_it_returns(stack):
    url = f"/{SHOW}/at/0/"
    for _ in range(2):
        status, headers, body = request(stack["varnish"], url)
    assert status == 200 and headers["x-cache"] == "HIT"
    assert b"Ballard Revised" not in body
    pack = stack["workdir"] / "season-1.yaml"
    pack.write_text(PACK.read_text().replace("  title: Ballard\n", "  title: Ballard Revised\n", 1))
    done = flask_cli(stack["db"], "content", "load", str(pack), **stack["settings"])
    assert done.returncode == 0, done.stderr
    assert "NOT purged" not in done.stderr
    status, headers, body = request(stack["varnish"], url)
    assert status == 200 and b"Ballard Revised" in body, headers
    assert comparable((status, headers, body)) == comparable(request(stack["origin"], url))


@needs_varnish
def test_a_restore_shows_through_varnish_when_it_returns(stack):
    """SQLite: `flask restore` purges. PostgreSQL: the README's pg_dump and pg_restore,
    then `flask purge-shared-caches`, as the README says."""
    postgres = stack["db"].startswith("postgresql")
    if postgres:
        bin_dir = pg_bin()
        assert bin_dir is not None, "PostgreSQL's pg_dump is not installed"
        dump, restore = readme_pg_commands()
        env = dict(os.environ, BALLARD_DATABASE_URL=stack["db"], PATH=f"{bin_dir}:{os.environ['PATH']}")
        subprocess.run(dump, shell=True, cwd=stack["workdir"], env=env, check=True, timeout=60)
    else:
        backups = stack["workdir"] / "backups"
        done = flask_cli(stack["db"], "backup", str(backups))
        assert done.returncode == 0, done.stderr
        [backup] = backups.glob("*.db")
    pack = stack["workdir"] / "season-1.yaml"
    pack.write_text(PACK.read_text().replace("  title: Ballard\n", "  title: Ballard Elsewhere\n", 1))
    done = flask_cli(stack["db"], "content", "load", str(pack), **stack["settings"])
    assert done.returncode == 0, done.stderr
    url = f"/{SHOW}/at/0/"
    for _ in range(2):
        status, headers, body = request(stack["varnish"], url)
    assert b"Ballard Elsewhere" in body and headers["x-cache"] == "HIT"
    if postgres:
        subprocess.run(restore, shell=True, cwd=stack["workdir"], env=env, check=True, timeout=60)
        done = flask_cli(stack["db"], "purge-shared-caches", **stack["settings"])
        assert done.returncode == 0 and "Purged:" in done.stdout, done.stderr
    else:
        done = flask_cli(stack["db"], "restore", str(backup), "--yes", **stack["settings"])
        assert done.returncode == 0, done.stderr
    assert "NOT purged" not in done.stderr
    answer = request(stack["varnish"], url)
    assert b"Ballard Elsewhere" not in answer[2]
    assert comparable(answer) == comparable(request(stack["origin"], url))


def test_purging_by_hand_says_which_cache_it_could_not_reach(stack):
    unreachable = f"http://127.0.0.1:{free_port()}/"
    done = flask_cli(stack["db"], "purge-shared-caches", BALLARD_SHARED_CACHE_URLS=unreachable)
    assert done.returncode == 1
    assert f"NOT purged (retry, or BAN with xkey: ballard by hand): {unreachable}" in done.stderr
    done = flask_cli(stack["db"], "purge-shared-caches")
    assert done.returncode == 0 and "no shared cache to purge" in done.stdout


# --- the search storage, and stale copies: a Varnish of the test's own ----------------------


@pytest.fixture
def small_stack(stack, tmp_path):
    """Another gunicorn on the same database behind a Varnish with a 1 MB search storage."""
    with (
        server(stack["db"], workers=1, threads=4) as origin,
        Varnish(origin.port, tmp_path / "varnish", free_port(), search_mb=1) as varnish,
    ):
        yield origin, varnish


def reader_at(h: int) -> dict[str, str]:
    return {"Cookie": f"__Host-horizon-{SHOW}={serializer_for(SECRET).dumps(h)}", "Accept-Encoding": "gzip"}


def wait_until(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


@needs_varnish
def test_a_flood_of_queries_never_evicts_a_page(small_stack):
    _, varnish = small_stack
    page = f"/{SHOW}/at/3/story"
    assert request(varnish.port, page, reader_at(3))[0] == 200
    first_id = request(varnish.port, page, reader_at(3))[1]["x-varnish"].split()[-1]
    # Distinct searches, and made-up parameters on pages (which the guide answers 200),
    # until the search storage (1 MB) has had to evict some.
    for n in range(3000):
        flood = f"/{SHOW}/at/3/search?q=ballard+{n}" if n % 2 else f"/{SHOW}/at/3/?junk={n}"
        assert request(varnish.port, flood, reader_at(3))[0] == 200
        if n % 50 == 49 and varnish.counters()["MAIN.n_lru_nuked"] > 0:
            break
    found = varnish.counters()
    assert found["MAIN.n_lru_nuked"] > 0, "the flood never filled the search storage"
    assert found["SMA.search.c_req"] >= n and found["SMA.pages.c_fail"] == 0
    # The same stored object answers (its X-Varnish names the request that fetched it).
    status, headers, _ = request(varnish.port, page, reader_at(3))
    assert (status, headers["x-cache"], headers["x-varnish"].split()[-1]) == (200, "HIT", first_id)


class _ScriptedApp(BaseHTTPRequestHandler):
    """An origin whose pages say what the app's say (s-maxage 1 s here), answering as
    `mode` says: "well", or "failing" (503 on pages, /healthz still 200)."""

    mode = "well"
    served = 0

    def do_GET(self):  # noqa: N802 - the HTTP method's name
        cls = type(self)
        if self.path == "/healthz" or cls.mode == "well":
            cls.served += self.path != "/healthz"
            body = f"page {self.path} #{cls.served}".encode()
            self.send_response(200)
            self.send_header(
                "Cache-Control",
                "public, max-age=0, s-maxage=1, stale-while-revalidate=1, stale-if-error=86400",
            )
        else:
            body = b"the app's own 503"
            self.send_response(503)
            self.send_header("Retry-After", "5")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def scripted(tmp_path):
    """A scripted origin behind a Varnish whose well-app grace is 2 s instead of 30 s, so
    that a copy past it can only come from the stale-if-error branch."""
    _ScriptedApp.mode, _ScriptedApp.served = "well", 0
    origin = ThreadingHTTPServer(("127.0.0.1", 0), _ScriptedApp)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    try:
        with Varnish(
            origin.server_address[1], tmp_path / "varnish", free_port(), healthy_grace="2s"
        ) as varnish:
            yield origin, varnish
    finally:
        origin.shutdown()
        origin.server_close()


PAGE, NEVER_KEPT = "/ballard/at/3/story", "/ballard/at/3/questions"


def _stale_then_unavailable(varnish, first) -> None:
    """The kept page still answers with its first bytes; a page never kept answers our 503."""
    stale = request(varnish.port, PAGE)
    assert (stale[0], stale[2]) == (200, first[2]), stale
    assert int(stale[1]["age"]) >= 3
    status, headers, body = request(varnish.port, NEVER_KEPT)
    assert (status, headers["retry-after"], headers["cache-control"]) == (503, "30", "no-store")
    assert b"try again" in body and b"Varnish" not in body


@needs_varnish
def test_when_the_app_fails_readers_get_the_last_good_copy(scripted):
    """A 5xx before the probe notices anything (/healthz is still 200): the kept copy."""
    _, varnish = scripted
    first = request(varnish.port, PAGE)
    assert first[0] == 200 and first[2].startswith(b"page ")
    _ScriptedApp.mode = "failing"
    time.sleep(3.5)  # past s-maxage (1 s) and the well-app grace (2 s)
    _stale_then_unavailable(varnish, first)
    assert varnish.counters()["VBE.boot.default.happy"] & 0b1  # the probe saw nothing wrong
    _ScriptedApp.mode = "well"
    time.sleep(0.5)
    assert wait_until(lambda: request(varnish.port, PAGE)[2] != first[2], 10)  # fresh again


@needs_varnish
def test_while_the_app_is_down_readers_get_the_last_good_copy(scripted):
    """No answer at all: the probe (/healthz every 2 s, 2 of 3 must pass) marks it down."""
    origin, varnish = scripted
    first = request(varnish.port, PAGE)
    assert first[0] == 200
    origin.shutdown()
    origin.server_close()
    assert wait_until(lambda: varnish.counters()["VBE.boot.default.happy"] & 0b11 == 0)
    time.sleep(3.5)  # past s-maxage and the well-app grace
    _stale_then_unavailable(varnish, first)


def test_the_route_noted_for_the_headers_is_each_requests_own(tiny, reader):
    """`g` outlives a request under an app context pushed before it (the crawl, the
    static export): each request's surrogate key and shareability are still its own."""
    with tiny.app_context():
        assert "xkey" not in reader.get("/tiny/at/2/nowhere").headers  # no route matched
        assert reader.get("/").headers["xkey"] == "ballard"
        answer = reader.get("/tiny/at/2/episodes")
        assert answer.headers["xkey"] == "ballard show-tiny"
        assert "s-maxage" in answer.headers["Cache-Control"]
        assert reader.get("/api/v1/shows/tiny/at/2").headers["xkey"] == "ballard show-tiny"
        assert reader.get("/").headers["xkey"] == "ballard"


class _FlakyCache(BaseHTTPRequestHandler):
    answers: list[int] = []
    seen: list[str] = []

    def do_BAN(self):  # noqa: N802 - the HTTP method's name
        type(self).seen.append(self.headers.get("xkey"))
        status = type(self).answers.pop(0) if type(self).answers else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_failed_purge_is_logged_and_retried(caplog):
    _FlakyCache.answers, _FlakyCache.seen = [503, 500], []
    cache = ThreadingHTTPServer(("127.0.0.1", 0), _FlakyCache)
    threading.Thread(target=cache.serve_forever, daemon=True).start()
    try:
        purger = Purger([f"http://127.0.0.1:{cache.server_address[1]}/"], repeat_after=0.05, backoff=1.05)
        with caplog.at_level(logging.WARNING, logger="ballard.shared_cache"):
            purger.content_changed()
            left = purger.flush(timeout=30)
        assert left == {}
        # Two refusals, then the ban and its repeat.
        assert _FlakyCache.seen == ["ballard"] * 4
        assert (purger.failures, purger.sent) == (2, 2)
        assert sum("will retry" in r.getMessage() for r in caplog.records) == 2
    finally:
        purger.close()
        cache.shutdown()
        cache.server_close()


def test_an_unreachable_cache_is_reported_not_dropped(caplog):
    purger = Purger([f"http://127.0.0.1:{free_port()}/"], repeat_after=0.05, backoff=1.05)
    with caplog.at_level(logging.WARNING, logger="ballard.shared_cache"):
        purger.content_changed()
        left = purger.flush(timeout=1.5)
    purger.close()  # else it retries (and logs) until the run ends
    assert tuple(left) == purger.urls
    assert purger.failures >= 1 and purger.sent == 0
    assert any("will retry" in r.getMessage() for r in caplog.records)
