"""Rendered viewer pages and API answers, kept per worker process and bounded by bytes.

A viewer page is a pure function of its URL, the content version (the number and the
random token each bump draws, never the same for different content) and the reader state
that changes what it shows: whether the saved horizon reaches the URL's horizon (if not,
the share guard, which names the saved horizon), and the upcoming-titles opt-in. An API
answer is a function of its URL and the content version alone. The front
(ballard/front.py) keys the cache on exactly those, answers repeat reads from it before
Flask routes, and stores the answers the app marks as cacheable here (`store`).

The contract for views: a 200 GET of the guide or the API is cacheable unless its view
calls `never_cache_this_response()`; a view whose answer depends on anything else (a
signed-in editor, a cookie other than the two above) must call it. The front adds its own
checks on the final answer (no Set-Cookie, no Vary on anything but Cookie, no session
cookie in the request).

Each worker keeps its own cache; they stay in step through the content version in the
database, which every content change bumps (ballard.content.pack.bump_version). A worker
reads it at most every PAGE_CACHE_VERSION_TTL seconds (default 1; 0 = every request); a
change made through this worker is seen by it at once.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request
from sqlalchemy import event

from ballard.content.pack import VERSION_BUMPED

_clock = time.monotonic  # tests replace it
MEGABYTE = 1024 * 1024
# What an entry costs besides its body and headers: the key, the tuples, the dict slot.
ENTRY_OVERHEAD = 400
# The environ key through which the app marks an answer cacheable for the front:
# "reader" for a viewer page, "cookie-free" for an API answer.
CACHEABLE = "ballard.cacheable"
# ... and the reader state a viewer page was rendered for, which the front's key must name.
READER_STATE = "ballard.reader_state"


@dataclass(frozen=True, slots=True)
class CachedPage:
    status: str  # the WSGI status line, "200 OK"
    headers: tuple[tuple[str, str], ...]  # as the app sent them
    body: bytes
    etag: str | None
    # The gzip copy (ballard/wire.py), made once when the answer is kept; None if not worth it.
    gzip_body: bytes | None = None
    gzip_headers: tuple[tuple[str, str], ...] = ()
    gzip_etag: str | None = None

    @property
    def cost(self) -> int:
        return (
            len(self.body)
            + len(self.gzip_body or b"")
            + sum(len(n) + len(v) for n, v in (*self.headers, *self.gzip_headers))
            + ENTRY_OVERHEAD
        )


class PageCache:
    """A thread-safe LRU of CachedPage, bounded by the bytes it holds.

    The LRU is the standard library's OrderedDict (move_to_end, popitem(last=False)) with
    the bytes counted here. A library LRU with a size function (cachetools.LRUCache and
    its getsizeof) would replace only that count and the eviction loop: it is not
    thread-safe, so the lock stays, and so do the hit counter the tests read and the
    check that skips a page larger than the whole cache (it raises ValueError instead).
    """

    def __init__(self, max_bytes: int, version_ttl: float):
        self.max_bytes = max_bytes
        self.version_ttl = version_ttl
        self._entries: OrderedDict[tuple, CachedPage] = OrderedDict()
        self._lock = threading.Lock()
        self.bytes = 0
        self.hits = 0  # answers served from the cache: the tests' proof that a repeat was a hit
        self._version: tuple | None = None
        self._version_read_at = 0.0

    def content_version(self, read: Callable[[], tuple]) -> tuple:
        """The content version and its token (ballard/content/version.py: the number
        alone repeats after a restore), read with `read` at most every version_ttl
        seconds."""
        now = _clock()
        version = self._version
        if version is None or now - self._version_read_at >= self.version_ttl:
            version = read()
            self._version, self._version_read_at = version, now
        return version

    def forget_version(self) -> None:
        self._version = None

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple) -> CachedPage | None:
        with self._lock:
            page = self._entries.get(key)
            if page is None:
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return page

    def put(self, key: tuple, page: CachedPage) -> None:
        cost = page.cost
        if cost > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old.cost
            self._entries[key] = page
            self.bytes += cost
            while self.bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self.bytes -= evicted.cost

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0


def get_cache(app: Flask | None = None) -> PageCache | None:
    return (app or current_app).extensions.get("ballard.page_cache")


def store(response: Response, cookie_free: bool = False) -> None:
    """After the view: mark a fresh 200 GET as cacheable for the front, which keeps it
    for the next reader with the same key (`cookie_free`: an answer that reads no cookie,
    the JSON API's, shared by every reader)."""
    if (
        get_cache() is None
        or request.method != "GET"
        or g.get("page_uncacheable")
        or response.status_code != 200
        or response.direct_passthrough
    ):
        return
    request.environ[CACHEABLE] = "cookie-free" if cookie_free else "reader"


def note_reader_state(state: tuple, upcoming_titles: bool) -> None:
    """What a viewer page at a horizon was rendered for: what the share guard decided
    (progress.guard_state) and the upcoming-titles opt-in. The front keeps the page only
    under a key naming the same."""
    request.environ[READER_STATE] = (state, upcoming_titles)


def never_cache_this_response() -> None:
    """For answers that depend on more than the URL, the content version and the reader
    state the front keys on (a signed-in editor's preview, a form's CSRF token)."""
    g.page_uncacheable = True


def init_app(app: Flask) -> None:
    """The cache, unless PAGE_CACHE_MB is 0 (which turns every cache off)."""
    megabytes = int(app.config.get("PAGE_CACHE_MB", 0) or 0)
    if megabytes <= 0:
        return
    cache = PageCache(megabytes * MEGABYTE, float(app.config.get("PAGE_CACHE_VERSION_TTL", 1.0)))
    app.extensions["ballard.page_cache"] = cache

    def after_commit(session) -> None:
        if session.info.pop(VERSION_BUMPED, False):
            cache.forget_version()

    event.listen(app.extensions["ballard.sessionmaker"], "after_commit", after_commit)
