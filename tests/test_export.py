"""The static export, served by a plain static file server."""

from __future__ import annotations

import functools
import http.server
import threading
import urllib.error
import urllib.request
from html.parser import HTMLParser

import pytest

from tests.canary import later_tokens, write_canary
from tests.conftest import TINY_PACK


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name, "").startswith("/"):
                self.links.append(attrs[name])


@pytest.fixture
def exported(app, runner, tmp_path):
    canary = write_canary([TINY_PACK], tmp_path / "canary")[0]
    assert runner.invoke(args=["content", "load", str(TINY_PACK), str(canary)]).exit_code == 0
    site = tmp_path / "site"
    result = runner.invoke(args=["export-static", str(site)])
    assert result.exit_code == 0, result.output

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site, f"http://127.0.0.1:{server.server_port}", result.output
    server.shutdown()
    server.server_close()


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_export_serves_every_page_and_every_link_resolves(exported):
    site, base, output = exported
    assert output.startswith("Exported ")
    pages = sorted(p for p in site.rglob("index.html"))
    assert len(pages) > 100
    broken, seen = [], set()
    for page in pages:
        parser = _Links()
        parser.feed(page.read_text())
        for link in parser.links:
            path = link.split("?", 1)[0]
            if path in seen:
                continue
            seen.add(path)
            status, _ = _get(base + path)
            if status != 200:
                broken.append(f"{page.relative_to(site)} -> {link}: {status}")
    assert broken == []
    assert _get(base + "/tiny/at/2/characters/owen-marsh")[0] == 200
    assert _get(base + "/tiny/at/1/characters/owen-marsh")[0] == 404  # not introduced yet
    assert _get(base + "/tiny/")[1].count("url=/tiny/at/0/") == 1


def test_no_exported_page_holds_later_content(exported):
    site, _, _ = exported
    leaks = []
    for h_dir in sorted((site / "canary" / "at").iterdir()):
        h = int(h_dir.name)
        for page in h_dir.rglob("index.html"):
            if found := later_tokens(page.read_text(), h):
                leaks.append(f"{page.relative_to(site)}: {found[:3]}")
    assert leaks == []
    assert len(list((site / "canary" / "at").iterdir())) == 5


def test_export_refuses_a_folder_with_files(app, runner, tmp_path):
    (tmp_path / "keep.txt").write_text("do not overwrite")
    result = runner.invoke(args=["export-static", str(tmp_path)])
    assert result.exit_code != 0 and "not empty" in result.output
    assert (tmp_path / "keep.txt").read_text() == "do not overwrite"
