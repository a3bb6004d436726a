"""An in-process cache of rendered viewer pages.

A viewer page is a pure function of its URL, the content version and the few cookies
that change what it shows (the saved horizon, which decides the share guard, and the
upcoming-titles opt-in). The key holds all of them, so an entry can never be served to
a reader at another horizon. Each worker process keeps its own cache; they stay in step
through the content version in the database, which every content change bumps
(ballard.content.pack.bump_version). A worker reads it at most every
PAGE_CACHE_VERSION_TTL seconds (default 1; 0 = every request), so a cached page costs no
query at all; a change made through this worker is seen by it at once.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request
from sqlalchemy import event

from ballard.content.pack import VERSION_BUMPED, current_version
from ballard.db import get_session
from ballard.progress import UPCOMING_TITLES_COOKIE, cookie_name

_clock = time.monotonic  # tests replace it


@dataclass(frozen=True)
class CachedPage:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


class PageCache:
    """A thread-safe LRU of CachedPage, bounded by entry count."""

    def __init__(self, size: int, version_ttl: float):
        self.size = size
        self.version_ttl = version_ttl
        self._entries: OrderedDict[tuple, CachedPage] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        self._version: int | None = None
        self._version_read_at = 0.0

    def content_version(self) -> int:
        """The content version, read from the database at most every version_ttl seconds."""
        now = _clock()
        if self._version is None or now - self._version_read_at >= self.version_ttl:
            self._version, self._version_read_at = current_version(get_session()), now
        return self._version

    def forget_version(self) -> None:
        self._version = None

    def get(self, key: tuple) -> CachedPage | None:
        with self._lock:
            page = self._entries.get(key)
            if page is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return page

    def put(self, key: tuple, page: CachedPage) -> None:
        with self._lock:
            self._entries[key] = page
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def _cache() -> PageCache | None:
    return current_app.extensions.get("ballard.page_cache")


def page_key(cache: PageCache, cookie_free: bool = False) -> tuple:
    """Everything a cacheable page depends on besides the database. `cookie_free` is for
    answers that read no cookie (the JSON API), so every reader shares one entry."""
    if cookie_free:
        return (request.full_path, cache.content_version())
    show = (request.view_args or {}).get("show", "")
    return (
        request.full_path,
        cache.content_version(),
        request.cookies.get(cookie_name(show)),
        request.cookies.get(UPCOMING_TITLES_COOKIE),
    )


def lookup(cookie_free: bool = False) -> Response | None:
    """Before the view: answer from the cache when this exact page was rendered before."""
    cache = _cache()
    if cache is None or request.method != "GET":
        return None
    g.page_key = page_key(cache, cookie_free)
    page = cache.get(g.page_key)
    if page is None:
        return None
    g.page_from_cache = True
    return Response(page.body, status=page.status, headers=list(page.headers))


def store(response: Response) -> None:
    """After the view: keep a fresh 200 for the next reader with the same key."""
    cache = _cache()
    key = g.get("page_key")
    if (cache is None or key is None or g.get("page_from_cache") or g.get("page_uncacheable")
            or response.status_code != 200 or response.direct_passthrough):
        return
    cache.put(key, CachedPage(200, tuple(response.headers.items()), response.get_data()))


def never_cache_this_response() -> None:
    """For responses that hold per-reader data, such as a form's CSRF token."""
    g.page_uncacheable = True


def init_app(app: Flask) -> None:
    size = int(app.config.get("PAGE_CACHE_SIZE", 0) or 0)
    if size <= 0:
        return
    cache = PageCache(size, float(app.config.get("PAGE_CACHE_VERSION_TTL", 1.0)))
    app.extensions["ballard.page_cache"] = cache

    def after_commit(session) -> None:
        if session.info.pop(VERSION_BUMPED, False):
            cache.forget_version()

    event.listen(app.extensions["ballard.sessionmaker"], "after_commit", after_commit)
