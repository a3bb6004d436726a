"""The front: a WSGI layer before Flask that answers repeat reads from rendered bytes.

A GET of a viewer page or an API answer is looked up in the page cache
(ballard/page_cache.py) before Flask builds a request context or routes. The key is
everything the answer depends on:

- the URL as the app sees it (scheme, host, script root, path, query string);
- the content version with its token (read at most every PAGE_CACHE_VERSION_TTL
  seconds; the token keeps a number a restore brought back from naming old pages);
- for a page under /<show>/at/<h>/, the reader state: whether the saved horizon
  (the signed cookie, checked against the show's episode count as the app checks it)
  reaches h, and if not which saved horizon the share guard names; and the
  upcoming-titles opt-in. Every reader who gets the same page shares one entry;
- for an API answer, nothing more: the API reads no cookie;
- for any other viewer page (the list of shows), the whole Cookie header.

What is kept: only an answer the app marked cacheable (page_cache.store), rendered for
the reader state the key names (the guide notes the state it rendered for), a 200 with
no Set-Cookie and no Vary but on Cookie and Accept-Encoding. Never looked up or kept:
anything but a plain GET (HEAD, POST, Range and If-Match/-Modified-Since requests go to
the app), a request with a session cookie (a signed-in editor sees previews), and
anything while the database has not been seen at the migrations' head
(ballard/availability.py).

A cached answer is sent with the headers the app sent (the security headers included),
a 304 for a matching If-None-Match as the app would send it, and its line in the request
log; the server adds the Date. An answer worth compressing is compressed once, when it is
kept (ballard/wire.py): a browser whose Accept-Encoding takes gzip gets the gzip copy, with
its own ETag, and both copies say `Vary: Accept-Encoding`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from http import HTTPStatus

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.http import is_resource_modified, remove_entity_headers
from werkzeug.routing import MapAdapter
from werkzeug.sansio.http import parse_cookie

from ballard import horizon, page_cache, request_log, wire
from ballard.availability import DatabaseUnavailable
from ballard.content.pack import current_stamp
from ballard.db import get_session
from ballard.page_cache import CACHEABLE, READER_STATE, CachedPage, PageCache
from ballard.progress import (
    cookie_name,
    guard_state,
    in_range,
    opted_in,
    serializer_for,
    signed_value,
    upcoming_titles_cookie,
)

# Requests the front leaves to the app: conditional forms it does not answer itself.
PASS_THROUGH_HEADERS = (
    "HTTP_RANGE",
    "HTTP_IF_RANGE",
    "HTTP_IF_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)
NOT_MODIFIED = f"304 {HTTPStatus.NOT_MODIFIED.phrase.upper()}"
MAX_REMEMBERED_COOKIES = 10_000  # verified progress cookie values kept per worker
MAX_REMEMBERED_PATHS = 10_000  # paths matched against the URL map, kept per worker

StartResponse = Callable[..., object]


class Front:
    """The WSGI callable in front of `wsgi_app` (Flask's own), for one app."""

    def __init__(self, app: Flask, wsgi_app: Callable, cache: PageCache):
        self.app = app
        self.wsgi_app = wsgi_app
        self.cache = cache
        self.session_cookie = app.session_interface.get_cookie_name(app)
        self._serializer = serializer_for(app.config["SECRET_KEY"])
        # The reader cookies' names as the app reads them (`__Host-` in production).
        self.upcoming_cookie = upcoming_titles_cookie(app.config)
        self._signed: dict[str, int | None] = {}
        self._counts: tuple[tuple | None, dict[str, int]] = (None, {})
        self._routes: MapAdapter | None = None  # the app's URL map, bound at first use
        self._paths: dict[str, tuple[str, str] | None] = {}

    # --- the WSGI entry ----------------------------------------------------------------

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "GET" or any(name in environ for name in PASS_THROUGH_HEADERS):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        try:
            key = self.key(environ)
        except SQLAlchemyError:
            # The version or the shows could not be read: the app answers (its 503).
            self.cache.forget_version()
            return self.wsgi_app(environ, start_response)
        if key is None:
            return self.wsgi_app(environ, start_response)
        page = self.cache.get(key)
        if page is not None:
            return self.serve(page, environ, start_response, started)
        return self.render(key, environ, start_response)

    # --- the key -----------------------------------------------------------------------

    def key(self, environ: dict) -> tuple | None:
        """The cache key of this GET, or None when the app must answer it afresh."""
        raw_cookies = environ.get("HTTP_COOKIE", "")
        # As the app parses them (Request.cookies), so both read the same values.
        cookies = parse_cookie(cookie=raw_cookies) if raw_cookies else {}
        if self.session_cookie in cookies:
            return None
        schema = self.app.extensions.get("ballard.schema_check")
        if schema is None:
            return None
        if not schema.trusted:
            try:
                schema.require()  # once per worker, and again after a database error
            except DatabaseUnavailable:
                return None  # the app answers its 503
        version = self.cache.content_version(self._read_version)
        path = environ.get("PATH_INFO", "")
        url = (
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_HOST"),
            environ.get("SCRIPT_NAME", ""),
            path,
            environ.get("QUERY_STRING", ""),
            version,
        )
        if path.startswith("/api/"):
            return ("cookie-free", *url)
        at = self.page_at(path)
        if at is not None:
            state = self.reader_state(cookies, *at, version)
            opt_in = opted_in(cookies.get(self.upcoming_cookie), self.app.config["SECRET_KEY"])
            return ("reader", *url, (state, opt_in))
        return ("cookies", *url, raw_cookies)

    def page_at(self, path: str) -> tuple[str, str] | None:
        """(show, h as written) when `path` is a viewer page at a horizon, as the app's
        URL map matches it (its converters: the path's shape is the routes'); None for
        any other path. Remembered per path: this runs before every cached read."""
        try:
            return self._paths[path]
        except KeyError:
            pass
        if self._routes is None:
            self._routes = self.app.url_map.bind("")
        try:
            endpoint, args = self._routes.match(path, method="GET")
        except HTTPException:  # no such page, another method, or a redirect (a slash)
            found = None
        else:
            found = (
                (args["show"], args["h"])
                if endpoint.startswith("guide.") and {"show", "h"} <= args.keys()
                else None
            )
        if len(self._paths) >= MAX_REMEMBERED_PATHS:
            self._paths.clear()
        self._paths[path] = found
        return found

    def reader_state(self, cookies, show: str, raw_h: str, version: tuple) -> tuple:
        """What the share guard decides for this reader (progress.guard_state, as
        guide._gate decides it)."""
        count = self.episode_count(show, version)
        h = horizon.parse_horizon(raw_h, count) if count is not None else None
        if count is None or h is None:
            return ("no such page",)  # the app answers its 404, which is never kept
        raw = cookies.get(cookie_name(show, self.app.config))
        return guard_state(h, in_range(self.signed(raw), count) if raw is not None else None)

    def signed(self, raw: str) -> int | None:
        """A progress cookie's value, its signature checked once per worker."""
        try:
            return self._signed[raw]
        except KeyError:
            pass
        value = signed_value(raw, self._serializer)
        if len(self._signed) >= MAX_REMEMBERED_COOKIES:
            self._signed.clear()
        self._signed[raw] = value
        return value

    def episode_count(self, show: str, version: tuple) -> int | None:
        """The show's episode count at this content version (one query per version)."""
        at, counts = self._counts
        if at != version:
            with self.app.app_context():
                counts = {s.slug: s.episode_count for s in horizon.list_shows(get_session())}
            self._counts = (version, counts)
        return counts.get(show)

    def _read_version(self) -> tuple:
        with self.app.app_context():
            return current_stamp(get_session())

    # --- answering ---------------------------------------------------------------------

    def serve(
        self, page: CachedPage, environ: dict, start_response: StartResponse, started: float
    ) -> Iterable[bytes]:
        status, body = self.send(page, environ, start_response)
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
        request_log.log_request(
            "GET",
            path,
            int(status[:3]),
            round((time.perf_counter() - started) * 1000, 2),
            len(body),
            environ.get("REMOTE_ADDR"),
        )
        return [body]

    @staticmethod
    def send(page: CachedPage, environ: dict, start_response: StartResponse) -> tuple[str, bytes]:
        """Start the answer from a kept page: the copy the browser takes, or its 304."""
        if page.gzip_body is not None and wire.accepts_gzip(environ):
            headers, body, etag = page.gzip_headers, page.gzip_body, page.gzip_etag
        else:
            headers, body, etag = page.headers, page.body, page.etag
        status = page.status
        if etag and "HTTP_IF_NONE_MATCH" in environ and not is_resource_modified(environ, etag):
            status, body = NOT_MODIFIED, b""
            kept = list(headers)
            remove_entity_headers(kept)
            headers = tuple(kept)
        start_response(status, list(headers))
        return status, body

    def render(self, key: tuple, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        """A miss: the app answers, and the front keeps the answer if it may (and sends
        the copy, plain or gzip, that a hit would send)."""
        sent: list = []
        deferred = [True]
        # The app renders the whole page even for a revalidation, so that the front can
        # keep it; the front then answers the If-None-Match itself. Passed through, a
        # crowd of revalidating browsers would get 304s from the app and never fill the
        # cache (each one a full render: seen as 0.06 x hello in `make bench`).
        # Pages at a horizon and API answers only: the answers the front is for.
        if_none_match = (
            environ.pop("HTTP_IF_NONE_MATCH", None) if key[0] in ("reader", "cookie-free") else None
        )
        if if_none_match is not None:
            environ[request_log.DEFERRED] = None  # the line says what the front sends

        def capture(status: str, headers: list, exc_info=None):
            if exc_info is not None or not deferred[0]:
                return start_response(status, headers, exc_info)
            sent[:] = [status, headers]
            return _no_write

        try:
            answer = self.wsgi_app(environ, capture)
        finally:
            if if_none_match is not None:
                environ["HTTP_IF_NONE_MATCH"] = if_none_match
        deferred[0] = False
        if not sent:  # the app has answered already (or will, through start_response)
            request_log.log_deferred(environ)
            return answer
        if not self.storable(key, environ, sent[0], sent[1]):
            # Not kept: the whole answer, which a revalidation may always get (RFC 9110 13.2).
            request_log.log_deferred(environ)
            start_response(sent[0], sent[1])
            return answer
        try:
            body = b"".join(answer)
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
        page = keep(sent[0], sent[1], body)
        self.cache.put(key, page)
        status, body = self.send(page, environ, start_response)
        request_log.log_deferred(environ, (int(status[:3]), len(body)))  # else the app logged it
        return [body]

    @staticmethod
    def storable(key: tuple, environ: dict, status: str, headers: list) -> bool:
        kind = key[0]
        marked = environ.get(CACHEABLE)
        if kind == "cookie-free":
            if marked != "cookie-free":
                return False
        elif marked != "reader":
            return False
        elif kind == "reader" and environ.get(READER_STATE) != key[-1]:
            return False  # the page was not rendered for the state the key names
        if not status.startswith("200 "):
            return False
        for name, value in headers:
            lower = name.lower()
            if lower == "set-cookie":
                return False
            if lower == "vary" and (
                {v.strip().lower() for v in value.split(",")} - {"cookie", "accept-encoding"}
            ):
                return False
            if lower == "cache-control" and "no-store" in value.lower():
                return False
        return True


def _no_write(data: bytes) -> None:
    raise RuntimeError("the front answers only apps that return their body")


def keep(status: str, headers: list[tuple[str, str]], body: bytes) -> CachedPage:
    """The cache entry for an answer: its bytes, and a gzip copy when worth one."""
    etag = next((value for name, value in headers if name == "ETag"), None)
    if not wire.compressible(headers, len(body)):
        return CachedPage(status, tuple(headers), body, etag)
    packed = wire.gzip_bytes(body)
    if len(packed) >= len(body):
        return CachedPage(status, tuple(headers), body, etag)
    return CachedPage(
        status,
        tuple(wire.with_vary(headers)),
        body,
        etag,
        packed,
        tuple(wire.gzip_headers(headers, len(packed))),
        wire.gzip_etag(etag),
    )


def init_app(app: Flask) -> None:
    """Put the front before Flask (call before anything wraps app.wsgi_app, such as the
    proxy fix, so it sees the client's scheme and address)."""
    cache = page_cache.get_cache(app)
    if cache is not None:
        app.wsgi_app = Front(app, app.wsgi_app, cache)  # type: ignore[method-assign]
