"""Compressed answers (gzip, made once when a page enters the page cache, served by
Accept-Encoding, an ETag per encoding) and one Date header per answer."""

from __future__ import annotations

import gzip
import http.client
import threading

import pytest
from werkzeug.serving import make_server

from ballard import wire

GZIP = {"Accept-Encoding": "gzip, deflate, br, zstd"}


@pytest.fixture
def front_cache(tiny):
    cache = tiny.extensions["ballard.page_cache"]
    cache.clear()
    return cache


@pytest.mark.parametrize("url", ["/tiny/at/2/characters", "/api/v1/shows/tiny/at/2/characters"])
def test_pages_and_api_answers_come_gzipped_from_the_cache(tiny, reader, front_cache, url):
    plain = reader.get(url)
    first = reader.get(url, headers=GZIP)  # kept on the first GET, both copies at once
    again = reader.get(url, headers=GZIP)
    assert front_cache.hits == 2
    for answer in (first, again):
        assert answer.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(answer.get_data()) == plain.get_data()
        assert int(answer.headers["Content-Length"]) == len(answer.get_data())
        assert answer.headers["ETag"] == plain.headers["ETag"][:-1] + '.gz"'
        assert "Accept-Encoding" in answer.headers["Vary"]
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    assert len(first.get_data()) * 2 < len(plain.get_data())


def test_one_gzip_copy_per_entry_made_once(tiny, reader, front_cache, monkeypatch):
    made = []
    real = wire.gzip_bytes
    monkeypatch.setattr(wire, "gzip_bytes", lambda body: made.append(1) or real(body))
    for _ in range(3):
        reader.get("/tiny/at/2/story", headers=GZIP)
        reader.get("/tiny/at/2/story")
    assert made == [1]


@pytest.mark.parametrize(
    ("header", "gzipped"),
    [
        ("gzip", True),
        ("GZIP;q=0.5", True),
        ("x-gzip", True),
        ("*", True),
        ("br, gzip;q=0", False),
        ("identity", False),
        ("", False),
        ("deflate, br", False),
        ("*;q=0, gzip", True),
        ("gzip;q=bogus", False),
    ],
)
def test_accept_encoding_is_read_as_rfc_9110_says(tiny, reader, front_cache, header, gzipped):
    reader.get("/tiny/at/2/characters")
    answer = reader.get("/tiny/at/2/characters", headers={"Accept-Encoding": header})
    assert (answer.headers.get("Content-Encoding") == "gzip") is gzipped


def test_each_encoding_revalidates_with_its_own_etag(tiny, reader, front_cache):
    url = "/tiny/at/2/characters"
    plain = reader.get(url).headers["ETag"]
    packed = reader.get(url, headers=GZIP).headers["ETag"]
    assert packed != plain
    assert reader.get(url, headers={**GZIP, "If-None-Match": packed}).status_code == 304
    assert reader.get(url, headers={"If-None-Match": plain}).status_code == 304
    # The other copy's ETag does not match: the browser gets the copy it can read.
    assert reader.get(url, headers={"If-None-Match": packed}).status_code == 200
    assert reader.get(url, headers={**GZIP, "If-None-Match": plain}).status_code == 200


@pytest.mark.parametrize("path", ["/static/guide.css", "/static/guide.js", "/static/favicon.svg"])
def test_static_files_come_gzipped(tiny, client, path):
    with client.get(path) as plain, client.get(path, headers=GZIP) as packed:
        assert packed.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.get_data()) == plain.get_data()
        assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + '.gz"'
        assert "Accept-Encoding" in plain.headers["Vary"]
        etag = packed.headers["ETag"]
    with client.get(path, headers={**GZIP, "If-None-Match": etag}) as again:
        assert again.status_code == 304


def test_errors_and_forms_go_out_plain(tiny, reader):
    missing = reader.get("/tiny/at/2/characters/nobody", headers=GZIP)
    assert missing.status_code == 404 and "Content-Encoding" not in missing.headers
    assert "Vary" not in missing.headers  # as the unknown-URL 404 (the invariance test)
    client = reader
    posted = client.post("/tiny/progress", data={"horizon": "2"}, headers=GZIP)
    assert "Content-Encoding" not in posted.headers


def test_the_development_server_sends_one_date_header(tiny):
    server = make_server("127.0.0.1", 0, tiny, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for path in (
            "/tiny/at/0/",
            "/tiny/at/0/",
            "/static/guide.css",
            "/favicon.ico",
            "/api/v1/shows/tiny/at/0/characters",
        ):
            connection = http.client.HTTPConnection("127.0.0.1", server.server_port)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            dates = [v for n, v in response.getheaders() if n.lower() == "date"]
            assert len(dates) == 1, (path, dates)
            connection.close()
    finally:
        server.shutdown()
        thread.join()
