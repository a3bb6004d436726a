"""An in-process cache of rendered viewer pages.

A viewer page is a pure function of its URL, the content version and the few cookies
that change what it shows (the saved horizon, which decides the share guard, and the
upcoming-titles opt-in). The key holds all of them, so an entry can never be served to
a reader at another horizon. Each worker process keeps its own cache; they stay in step
because every request reads the content version from the database, and every content
change bumps it (ballard.content.pack.bump_version).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request

from ballard.content.pack import current_version
from ballard.db import get_session
from ballard.progress import UPCOMING_TITLES_COOKIE, cookie_name


@dataclass(frozen=True)
class CachedPage:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


class PageCache:
    """A thread-safe LRU of CachedPage, bounded by entry count."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[tuple, CachedPage] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

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


def page_key() -> tuple:
    """Everything a cacheable page depends on besides the database."""
    show = (request.view_args or {}).get("show", "")
    return (
        request.full_path,
        current_version(get_session()),
        request.cookies.get(cookie_name(show)),
        request.cookies.get(UPCOMING_TITLES_COOKIE),
    )


def lookup() -> Response | None:
    """Before the view: answer from the cache when this exact page was rendered before."""
    cache = _cache()
    if cache is None or request.method != "GET":
        return None
    g.page_key = page_key()
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
    if size > 0:
        app.extensions["ballard.page_cache"] = PageCache(size)
