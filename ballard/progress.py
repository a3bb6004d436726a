"""The viewer's saved horizon: a long-lived signed cookie per show; and the upcoming-titles
opt-in, signed the same way.

The cookie only says where `/<show>/` sends the reader; every content URL carries its own
horizon, so pages stay pure functions of the URL.

In production (Secure cookies) both names carry the `__Host-` prefix, with which a browser
takes a cookie only from this host itself, over HTTPS, for Path=/ and with no Domain: a
sibling subdomain cannot plant one. The front (ballard/front.py) reads the same names
through the same functions, given the app's config.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Request, current_app
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response  # (flask's and redirect()'s alike)

_SALT = "ballard.horizon"
_UPCOMING_SALT = "ballard.upcoming-titles"
MAX_COOKIE_LENGTH = 200
HOST_PREFIX = "__Host-"


@dataclass(frozen=True)
class SavedProgress:
    h: int | None  # None: nothing saved yet, or unreadable
    unreadable: bool = False


def cookie_prefix(config: Mapping[str, Any] | None = None) -> str:
    """`__Host-` where cookies are Secure (production), else nothing (plain-HTTP dev)."""
    config = current_app.config if config is None else config
    return HOST_PREFIX if config["SESSION_COOKIE_SECURE"] else ""


def cookie_name(show_slug: str, config: Mapping[str, Any] | None = None) -> str:
    """The progress cookie's name (`config`: the app's, default the current app's)."""
    return f"{cookie_prefix(config)}horizon-{show_slug}"


@functools.lru_cache(maxsize=8)
def serializer_for(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def _serializer() -> URLSafeSerializer:
    return serializer_for(current_app.config["SECRET_KEY"])


def signed_value(raw: str, serializer: URLSafeSerializer) -> int | None:
    """The whole number a progress cookie holds, or None when it is oversized, tampered
    with or not a number (no range check: that needs the show's episode count)."""
    if len(raw) > MAX_COOKIE_LENGTH:
        return None
    try:
        value = serializer.loads(raw)
    except BadSignature:
        return None
    return value if type(value) is int else None


def in_range(value: int | None, episode_count: int) -> int | None:
    """A signed saved horizon as the share guard counts it: None (no progress) unless
    0 <= value <= the show's episode count."""
    return value if value is not None and 0 <= value <= episode_count else None


# --- the share guard: the rule, once ----------------------------------------------------
# guide._gate (which shows a page at h or the guard) and the front (whose page-cache key
# names what the guard decides, before any routing) both decide through guard_state().

REACHES = ("reaches",)


def guard_state(h: int, saved_h: int | None) -> tuple:
    """What the share guard decides for a page at horizon h and a reader whose saved
    horizon is `saved_h` (already in range; None: no progress): REACHES, the page is
    theirs to see; or ("behind", saved_h), the guard page, which names saved_h. With no
    progress only h = 0 reaches."""
    return REACHES if h <= (saved_h or 0) else ("behind", saved_h)


def read_progress(request: Request, show_slug: str, episode_count: int) -> SavedProgress:
    """Fail closed: a missing, tampered, oversized or out-of-range cookie means no progress."""
    raw = request.cookies.get(cookie_name(show_slug))
    if raw is None:
        return SavedProgress(None)
    value = in_range(signed_value(raw, _serializer()), episode_count)
    if value is None:
        return SavedProgress(None, unreadable=True)
    return SavedProgress(value)


def progress_cookie_value(h: int) -> str:
    """The signed cookie value for a saved horizon h (needs an app context)."""
    return _serializer().dumps(h)


def save_progress(response: Response, show_slug: str, h: int) -> None:
    config = current_app.config
    response.set_cookie(
        cookie_name(show_slug),
        progress_cookie_value(h),
        max_age=config["HORIZON_COOKIE_MAX_AGE"],
        path="/",
        httponly=True,
        samesite="Lax",
        secure=config["SESSION_COOKIE_SECURE"],
    )


UPCOMING_TITLES_COOKIE = "show-upcoming-titles"  # the name without the production prefix


def upcoming_titles_cookie(config: Mapping[str, Any] | None = None) -> str:
    return cookie_prefix(config) + UPCOMING_TITLES_COOKIE


@functools.lru_cache(maxsize=8)
def _upcoming_serializer_for(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_UPCOMING_SALT)


def upcoming_titles_value(secret_key: str | None = None) -> str:
    """The signed value of the opt-in cookie (default: the current app's key)."""
    return _upcoming_serializer_for(secret_key or current_app.config["SECRET_KEY"]).dumps(1)


def wants_upcoming_titles(request: Request) -> bool:
    """The viewer's opt-in to see titles of episodes they have not watched yet."""
    config = current_app.config
    return opted_in(request.cookies.get(upcoming_titles_cookie(config)), config["SECRET_KEY"])


@functools.lru_cache(maxsize=1024)
def opted_in(raw: str | None, secret_key: str) -> bool:
    """The upcoming-titles cookie's value as the opt-in it means: only a value this app
    signed (remembered per worker, as the front asks on every page)."""
    if raw is None or len(raw) > MAX_COOKIE_LENGTH:
        return False
    try:
        value = _upcoming_serializer_for(secret_key).loads(raw)
    except BadSignature:
        return False
    return type(value) is int and value == 1


def save_upcoming_titles(response: Response, enabled: bool) -> None:
    config = current_app.config
    attributes = {"path": "/", "httponly": True, "samesite": "Lax", "secure": config["SESSION_COOKIE_SECURE"]}
    if not enabled:
        # With the attributes it was set with: a browser refuses a __Host- cookie without
        # Secure, the deletion included.
        response.delete_cookie(upcoming_titles_cookie(config), **attributes)
        return
    response.set_cookie(
        upcoming_titles_cookie(config),
        upcoming_titles_value(),
        max_age=config["HORIZON_COOKIE_MAX_AGE"],
        **attributes,
    )
