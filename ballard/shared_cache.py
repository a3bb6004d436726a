"""Answers a shared cache (Varnish, a CDN) may keep, and the purges that keep it current.

What a shared cache may keep. A reader page or an API answer, a 200 (or its 304) to a GET
or HEAD with no session cookie, no Set-Cookie and nothing a view marked uncacheable
(page_cache.never_cache_this_response), is sent with

    Cache-Control: public, max-age=0, s-maxage=S, stale-while-revalidate=W, stale-if-error=E

Browsers keep revalidating with the ETag (max-age=0); a shared cache keeps the answer for
S seconds. The key is what the page depends on, and the app's own headers say it: guide
pages say `Vary: Cookie` (any standard cache then keys on the whole Cookie header, which
is safe), and deploy/varnish/ballard.vcl narrows the Cookie header of a page under
/<show>/at/<h>/ to the reader cookies of that show (progress and upcoming-titles opt-in,
with or without the `__Host-` prefix) before it hashes, the same state the front keys on
(ballard/front.py). A page under /<show>/at/ is only made shareable when the guide noted
the reader state it was rendered for (page_cache.READER_STATE). Everything else (the
editor, sign-in, POSTs, redirects, errors, anything with a session) keeps the private or
no-store answer its view gave it; the VCL also passes those requests.

Surrogate keys. Each shareable answer names `ballard` (the whole content version) and,
under /<show>/ or /api/v1/shows/<show>, `show-<slug>`, in both `xkey` and
`Surrogate-Key`. Not the version's number or token: both change when content after a
reader's horizon is edited, so a header naming them would tell a reader that the future
changed (the future-invariance test refuses it). `ballard` stands for "the current
content version": every page carries it, and a change purges it.

Purging. Every committed content change (editor saves and restores, `flask content load`:
they all go through content.version.bump_version; `flask restore` calls content_changed
itself) sends `BAN` with `xkey: ballard` to every address in SHARED_CACHE_URLS, which
drops every Ballard answer. Why the whole version and not only the show: the content
version is site-wide (the front caches and every ETag go stale on any change, and the
list of shows and the API index change with any show), so "nothing of an older version"
is the one rule that cannot keep a stale page; the pages of other shows are re-rendered
once. `show-<slug>` is there for a purge by hand (`curl -X BAN -H 'xkey: show-ballard'`).

The ban is sent from a background thread (an editor's save never waits for it or fails
because of it) and sent again PAGE_CACHE_VERSION_TTL + 1 seconds later: another worker's
front cache may answer from the old version for that long, and a page it sends the shared
cache after the first ban would otherwise stay until s-maxage. A ban that fails is logged
(`ballard.shared_cache`, WARNING) and retried with backoff until it is delivered or a
newer one (which covers it) replaces it. A command-line process waits up to
PURGE_EXIT_WAIT seconds at exit for its bans (the repeat included) and logs an ERROR for
any it could not send.
With SHARED_CACHE_URLS empty nothing is sent, and changes reach readers through a shared
cache within s-maxage (+ stale-while-revalidate) seconds.
"""

from __future__ import annotations

import atexit
import logging
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable

import click
from flask import Flask, Response, current_app, g, request
from sqlalchemy import event

from ballard.content.version import VERSION_BUMPED
from ballard.page_cache import READER_STATE

logger = logging.getLogger("ballard.shared_cache")

PURGE_KEY = "ballard"  # every shareable answer carries it
PURGE_TIMEOUT = 2.0  # seconds for one BAN request
MAX_BACKOFF = 60.0
PURGE_EXIT_WAIT = 10.0
SHAREABLE_BLUEPRINTS = ("guide", "api")
SHARED_PURGE_DUE = "ballard.shared_purge_due"


def cache_control(config) -> str | None:
    s_maxage = int(config.get("SHARED_CACHE_MAX_AGE", 0) or 0)
    if s_maxage <= 0:
        return None
    return (
        f"public, max-age=0, s-maxage={s_maxage}, "
        f"stale-while-revalidate={int(config.get('SHARED_CACHE_STALE', 0) or 0)}, "
        f"stale-if-error={int(config.get('SHARED_CACHE_STALE_IF_ERROR', 0) or 0)}"
    )


SHOW_ARG, HORIZON_ARG = "show", "h"  # the URL arguments that name a show and a horizon
ROUTE_SHOW = "ballard.shared_cache.route"


def note_route(endpoint: str | None, values: dict | None) -> None:
    """url_value_preprocessor: the show and horizon the URL map matched, kept before any
    blueprint takes them out of the view arguments."""
    values = values or {}
    setattr(g, ROUTE_SHOW, (values.get(SHOW_ARG), HORIZON_ARG in values))


def forget_route(exc: BaseException | None) -> None:
    """teardown_request: `g` outlives the request when an app context was pushed before it
    (tests, the static export), and the next request may match no route at all."""
    g.pop(ROUTE_SHOW, None)


def surrogate_keys(show: str | None) -> str:
    return f"{PURGE_KEY} show-{show}" if show else PURGE_KEY


def shareable(response: Response) -> bool:
    """May a shared cache keep this answer (under the key the VCL builds)?"""
    if request.method not in ("GET", "HEAD") or response.status_code not in (200, 304):
        return False
    if request.blueprint not in SHAREABLE_BLUEPRINTS or g.get("page_uncacheable"):
        return False
    if current_app.session_interface.get_cookie_name(current_app) in request.cookies:
        return False
    if "Set-Cookie" in response.headers or "no-store" in response.headers.get("Cache-Control", ""):
        return False
    if request.blueprint == "guide":
        _, at_a_horizon = g.get(ROUTE_SHOW, (None, False))
        if at_a_horizon and READER_STATE not in request.environ:
            return False  # a page at a horizon the guide did not key on the reader
        if "cookie" not in {v.lower() for v in response.vary}:
            return False
    return True


def mark(response: Response) -> Response:
    """after_request: the shared-cache headers for an answer that may be kept."""
    value = cache_control(current_app.config)
    if value is None or not shareable(response):
        return response
    response.headers["Cache-Control"] = value
    show, _ = g.get(ROUTE_SHOW, (None, False))
    keys = surrogate_keys(show)
    response.headers["xkey"] = keys
    response.headers["Surrogate-Key"] = keys
    return response


# --- purging -------------------------------------------------------------------------


class Purger:
    """The outbox of bans: per cache address, the newest change to purge (a newer ban
    covers an older one), sent by one daemon thread with retries."""

    def __init__(self, urls: Iterable[str], repeat_after: float, backoff: float = 2.0):
        self.urls = tuple(urls)
        self.repeat_after = repeat_after
        self.backoff = backoff
        self._cond = threading.Condition()
        # url -> [change number, due time, attempts, sends left]
        self._pending: dict[str, list] = {}
        self._thread: threading.Thread | None = None
        self._busy = 0
        self._closed = False
        self.sent = 0
        self.failures = 0
        self.changes = 0

    def content_changed(self) -> None:
        if not self.urls or self._closed:
            return
        with self._cond:
            now = time.monotonic()
            self.changes += 1
            for url in self.urls:
                self._pending[url] = [self.changes, now, 0, 2]
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="ballard-purge", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._closed:
                        return
                    now = time.monotonic()
                    due = [(url, item) for url, item in self._pending.items() if item[1] <= now]
                    if due:
                        break
                    waits = [item[1] - now for item in self._pending.values()]
                    self._cond.wait(timeout=min(waits) if waits else None)
                url, item = due[0]
                token = item[0]
                self._busy += 1
            ok = send_ban(url, PURGE_KEY)
            with self._cond:
                self._busy -= 1
                current = self._pending.get(url)
                if current is not None and current[0] == token:
                    if ok:
                        self.sent += 1
                        current[3] -= 1
                        current[2] = 0
                        if current[3] <= 0:
                            del self._pending[url]
                        else:
                            current[1] = time.monotonic() + self.repeat_after
                    else:
                        self.failures += 1
                        current[2] += 1
                        current[1] = time.monotonic() + min(self.backoff ** current[2], MAX_BACKOFF)
                self._cond.notify_all()

    def close(self) -> None:
        """Drop what is unsent and stop the thread (tests, and an app shut down on purpose)."""
        with self._cond:
            self._pending.clear()
            self._closed = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=PURGE_TIMEOUT + 1)

    def pending(self) -> dict[str, int]:
        with self._cond:
            return {url: item[0] for url, item in self._pending.items()}

    def flush(self, timeout: float) -> dict[str, int]:
        """Wait until every ban has been sent, its repeat included (the workers may answer
        from the old version until then); what is still unsent after `timeout`."""
        end = time.monotonic() + timeout
        with self._cond:
            while True:
                left = time.monotonic() - end
                if not self._pending or left >= 0:
                    return {url: item[0] for url, item in self._pending.items()}
                self._cond.wait(timeout=min(0.1, -left))


def send_ban(url: str, key: str) -> bool:
    req = urllib.request.Request(url, method="BAN", headers={"xkey": key})
    try:
        with urllib.request.urlopen(req, timeout=PURGE_TIMEOUT) as answer:
            if 200 <= answer.status < 300:
                return True
            logger.warning("shared cache %s refused the purge: %s", url, answer.status)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        logger.warning("purge of shared cache %s failed (will retry): %s", url, exc)
    return False


def get_purger(app: Flask | None = None) -> Purger | None:
    return (app or current_app).extensions.get("ballard.purger")


def content_changed(app: Flask | None = None) -> None:
    """After a change that did not go through bump_version (`flask restore`)."""
    purger = get_purger(app)
    if purger is not None:
        purger.content_changed()


def _flush_at_exit(purger: Purger) -> None:
    left = purger.flush(PURGE_EXIT_WAIT)
    for url in left:
        logger.error(
            "shared cache %s was NOT purged: its pages show the old content until "
            "s-maxage; purge it by hand (BAN with xkey: ballard)",
            url,
        )


@click.command("purge-shared-caches")
def purge_command() -> None:
    """Drop every Ballard answer from the shared caches (BALLARD_SHARED_CACHE_URLS): after
    a change made outside the app, such as a pg_restore. Exits 1 if one could not be purged."""
    purger = get_purger()
    if purger is None:
        click.echo("BALLARD_SHARED_CACHE_URLS is empty: no shared cache to purge.")
        return
    purger.content_changed()
    left = purger.flush(PURGE_EXIT_WAIT)
    if left:
        purger.close()  # said here; the exit hook need not wait and say it again
        click.echo(f"NOT purged (retry, or BAN with xkey: {PURGE_KEY} by hand): {' '.join(left)}", err=True)
        sys.exit(1)
    click.echo(f"Purged: {' '.join(purger.urls)}")


def parse_urls(raw) -> tuple[str, ...]:
    if isinstance(raw, (list, tuple)):
        return tuple(raw)
    return tuple(u for u in str(raw or "").replace(",", " ").split() if u)


def init_app(app: Flask) -> None:
    app.url_value_preprocessor(note_route)  # the app's run before the blueprints'
    app.teardown_request(forget_route)
    app.after_request(mark)
    app.cli.add_command(purge_command)
    urls = parse_urls(app.config.get("SHARED_CACHE_URLS"))
    if not urls:
        return
    purger = Purger(urls, float(app.config.get("PAGE_CACHE_VERSION_TTL", 1.0)) + 1.0)
    app.extensions["ballard.purger"] = purger
    atexit.register(_flush_at_exit, purger)

    def after_commit(session) -> None:
        if session.info.get(SHARED_PURGE_DUE):
            session.info.pop(SHARED_PURGE_DUE)
            purger.content_changed()

    def before_commit(session) -> None:
        if session.info.get(VERSION_BUMPED):  # the page cache pops it after the commit
            session.info[SHARED_PURGE_DUE] = True

    def after_rollback(session) -> None:
        session.info.pop(SHARED_PURGE_DUE, None)

    maker = app.extensions["ballard.sessionmaker"]
    event.listen(maker, "before_commit", before_commit)
    event.listen(maker, "after_commit", after_commit)
    event.listen(maker, "after_rollback", after_rollback)
