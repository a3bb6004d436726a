"""How answers go on the wire: gzip copies served by Accept-Encoding, and one Date.

A page or API answer is compressed once, when it enters the front's page cache
(ballard/front.py keeps both copies); a static file (CSS, JavaScript, SVG, the icon) once
per version of the file, here. Either way the reader's browser gets the gzip copy when its
Accept-Encoding takes gzip, with `Content-Encoding: gzip`, its own ETag (the identity ETag
with ".gz" inside the quotes, so a cache never confuses the two) and `Vary:
Accept-Encoding` on both copies. Brotli is not used: gzip at level 6 takes HTML to about
a fifth of its size, and one codec keeps the cache's memory and the code small.

Answers that are not kept (an editor's preview, an error page, a form's answer) and
answers under 256 bytes go out as they are.

The app sends no Date header: the server (gunicorn, Werkzeug's development server) adds
its own to every answer, and a second one from the app (werkzeug's make_conditional and
send_file set one) made two.
"""

from __future__ import annotations

import functools
import gzip
import os
from collections.abc import Iterable

from flask import Flask, Response, request
from werkzeug.http import is_resource_modified

GZIP_LEVEL = 6
MIN_BYTES = 256  # below this, the gzip header and the extra header cost more than they save
COMPRESSIBLE = frozenset(
    {
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/problem+json",
        "image/svg+xml",
        "text/plain",
    }
)
_MAX_REMEMBERED = 256  # distinct Accept-Encoding values remembered per worker
_accepts: dict[str, bool] = {}


def gzip_bytes(body: bytes) -> bytes:
    """The gzip form of `body`, the same bytes for the same input (mtime 0)."""
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def accepts_gzip(environ: dict) -> bool:
    """Does the request's Accept-Encoding take gzip (RFC 9110: "gzip", "x-gzip" or "*",
    not with q=0)? Remembered per header value: browsers send a handful of values."""
    header = environ.get("HTTP_ACCEPT_ENCODING")
    if not header:
        return False
    known = _accepts.get(header)
    if known is None:
        known = _parse(header)
        if len(_accepts) >= _MAX_REMEMBERED:
            _accepts.clear()
        _accepts[header] = known
    return known


def _parse(header: str) -> bool:
    chosen: dict[str, float] = {}
    for part in header.split(","):
        name, *params = (piece.strip() for piece in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        chosen[name.lower()] = q
    for name in ("gzip", "x-gzip"):
        if name in chosen:
            return chosen[name] > 0
    return chosen.get("*", 0) > 0


def compressible(headers: Iterable[tuple[str, str]], size: int) -> bool:
    """Is an answer with these headers and `size` bytes worth a gzip copy?"""
    if size < MIN_BYTES:
        return False
    for name, value in headers:
        lower = name.lower()
        if lower == "content-encoding":
            return False
        if lower == "content-type" and value.split(";")[0].strip().lower() not in COMPRESSIBLE:
            return False
    return True


def gzip_etag(etag: str | None) -> str | None:
    """`"abc"` -> `"abc.gz"` (and W/"abc" -> W/"abc.gz"): one ETag per encoding."""
    if not etag or not etag.endswith('"'):
        return None
    return etag[:-1] + '.gz"'


def with_vary(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers with Accept-Encoding added to Vary (or a Vary of its own)."""
    out, seen = [], False
    for name, value in headers:
        if name.lower() == "vary":
            seen = True
            if "accept-encoding" not in value.lower():
                value = f"{value}, Accept-Encoding"
        out.append((name, value))
    if not seen:
        out.append(("Vary", "Accept-Encoding"))
    return out


def gzip_headers(headers: list[tuple[str, str]], size: int) -> list[tuple[str, str]]:
    """The gzip copy's headers: its length, its ETag, Content-Encoding, and Vary."""
    out = []
    for name, value in with_vary(headers):
        lower = name.lower()
        if lower == "content-length":
            value = str(size)
        elif lower == "etag":
            value = gzip_etag(value) or value
        out.append((name, value))
    out.append(("Content-Encoding", "gzip"))
    return out


# --- static files ---------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _static_gzip(path: str, mtime_ns: int, size: int) -> bytes:
    with open(path, "rb") as f:
        return gzip_bytes(f.read())


def compress_static(response: Response) -> Response:
    """after_request for static files (and the icon): the gzip copy, made once per
    version of the file, when the browser takes it."""
    if (
        request.endpoint not in STATIC_ENDPOINTS
        or request.method not in ("GET", "HEAD")
        or response.status_code != 200
    ):
        return response
    response.vary.add("Accept-Encoding")
    path = _file_of(response)
    if path is None or not compressible(response.headers.items(), response.content_length or 0):
        return response
    if not accepts_gzip(request.environ):
        return response
    stat = os.stat(path)
    body = _static_gzip(path, stat.st_mtime_ns, stat.st_size)
    etag = gzip_etag(response.headers.get("ETag"))
    if etag and "HTTP_IF_NONE_MATCH" in request.environ and not is_resource_modified(request.environ, etag):
        response.close()
        not_modified = Response(status=304)
        for name in ("ETag", "Vary", "Cache-Control", "Last-Modified"):
            if name in response.headers:
                not_modified.headers[name] = response.headers[name]
        not_modified.headers["ETag"] = etag
        return not_modified
    response.close()
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    if etag:
        response.headers["ETag"] = etag
    return response


STATIC_ENDPOINTS = frozenset({"static", "ops.favicon"})


def _file_of(response: Response) -> str | None:
    """The file a send_file response streams (werkzeug's FileWrapper over an open file)."""
    wrapped = getattr(response.response, "file", None)
    name = getattr(wrapped, "name", None)
    return name if isinstance(name, str) and os.path.isfile(name) else None


def drop_date(response: Response) -> Response:
    """The server dates every answer; the app's own Date would be a second one."""
    response.headers.pop("Date", None)
    return response


# The blueprints whose answers the front keeps (pages and the JSON API).
KEPT_BLUEPRINTS = frozenset({"guide", "api"})


def vary_on_encoding(response: Response) -> Response:
    """Pages and API answers (and their 304s) say `Vary: Accept-Encoding`, whether the
    page cache is on or not, so an answer's headers never depend on the cache (HEAD too,
    as GET would)."""
    if (
        request.method in ("GET", "HEAD")
        and response.status_code in (200, 304)
        and request.blueprint in KEPT_BLUEPRINTS
    ):
        response.vary.add("Accept-Encoding")
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress_static)
    app.after_request(vary_on_encoding)
    app.after_request(drop_date)
