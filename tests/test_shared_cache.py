"""A real varnishd (deploy/varnish/ballard.vcl) in front of a real gunicorn: every answer
through Varnish equals the answer straight from the app, for every kind of reader over
every GET route at a few horizons; a second pass is answered from Varnish; a content
change shows through Varnish as soon as the command that made it returns; a purge that
fails is retried, never dropped.
"""

from __future__ import annotations

import http.client
import logging
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
from tests.faults_harness import ROOT, SECRET, flask_cli, free_port, server
from tests.invariance import UNKNOWN, argument_values, urls_at

VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
VCL = ROOT / "deploy" / "varnish" / "ballard.vcl"
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


class Varnish:
    """varnishd in the foreground, as a child, on a free port with its own work dir."""

    def __init__(self, backend_port: int, workdir: Path, port: int | None = None):
        self.port = port or free_port()
        vcl = workdir / "ballard.vcl"
        vcl.write_text(VCL.read_text().replace('.port = "8000";', f'.port = "{backend_port}";'))
        self.log = (workdir / "varnishd.log").open("wb")
        self.proc = subprocess.Popen(
            [
                VARNISHD,
                "-F",
                "-n",
                str(workdir / "varnish"),
                "-a",
                f"127.0.0.1:{self.port}",
                "-T",
                "none",
                "-j",
                "none",
                "-f",
                str(vcl),
                "-s",
                "malloc,64m",
                "-p",
                "http_gzip_support=off",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.close()
                raise RuntimeError((workdir / "varnishd.log").read_text())
            if request(self.port, "/healthz")[0] != "connection error":
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("varnishd did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def request(port: int, path: str, headers: dict[str, str] | None = None, method: str = "GET"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    except (OSError, http.client.HTTPException):
        return "connection error", {}, b""
    finally:
        connection.close()


def comparable(answer) -> tuple:
    status, headers, body = answer
    return status, {k: v for k, v in headers.items() if k not in HOP_HEADERS}, body


@pytest.fixture(scope="module")
def stack():
    workdir = Path(tempfile.mkdtemp(prefix="ballard-varnish-"))
    database_url = f"sqlite:///{workdir / 'ballard.db'}"
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
            varnish = Varnish(origin.port, workdir, port=varnish_port)
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
    done = flask_cli(stack["db"], "restore", str(backup), "--yes", **stack["settings"])
    assert done.returncode == 0, done.stderr
    assert "NOT purged" not in done.stderr
    answer = request(stack["varnish"], url)
    assert b"Ballard Elsewhere" not in answer[2]
    assert comparable(answer) == comparable(request(stack["origin"], url))


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
        cache.shutdown()
        cache.server_close()


def test_an_unreachable_cache_is_reported_not_dropped(caplog):
    purger = Purger([f"http://127.0.0.1:{free_port()}/"], repeat_after=0.05, backoff=1.05)
    with caplog.at_level(logging.WARNING, logger="ballard.shared_cache"):
        purger.content_changed()
        left = purger.flush(timeout=1.5)
    assert tuple(left) == purger.urls
    assert purger.failures >= 1 and purger.sent == 0
    assert any("will retry" in r.getMessage() for r in caplog.records)
