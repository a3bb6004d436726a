"""The viewer's saved horizon: a long-lived signed cookie per show.

The cookie only says where `/<show>/` sends the reader; every content URL carries its own
horizon, so pages stay pure functions of the URL.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flask import Request, Response, current_app
from itsdangerous import BadSignature, URLSafeSerializer

_SALT = "ballard.horizon"
MAX_COOKIE_LENGTH = 200


@dataclass(frozen=True)
class SavedProgress:
    h: int | None  # None: nothing saved yet, or unreadable
    unreadable: bool = False


def cookie_name(show_slug: str) -> str:
    return f"horizon-{show_slug}"


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


def read_progress(request: Request, show_slug: str, episode_count: int) -> SavedProgress:
    """Fail closed: a missing, tampered, oversized or out-of-range cookie means no progress."""
    raw = request.cookies.get(cookie_name(show_slug))
    if raw is None:
        return SavedProgress(None)
    value = signed_value(raw, _serializer())
    if value is None or not 0 <= value <= episode_count:
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
        httponly=True,
        samesite="Lax",
        secure=config["SESSION_COOKIE_SECURE"],
    )


UPCOMING_TITLES_COOKIE = "show-upcoming-titles"


def wants_upcoming_titles(request: Request) -> bool:
    """The viewer's opt-in to see titles of episodes they have not watched yet."""
    return opted_in(request.cookies.get(UPCOMING_TITLES_COOKIE))


def opted_in(raw: str | None) -> bool:
    """The upcoming-titles cookie's value as the opt-in it means."""
    return raw == "1"


def save_upcoming_titles(response: Response, enabled: bool) -> None:
    if not enabled:
        response.delete_cookie(UPCOMING_TITLES_COOKIE)
        return
    config = current_app.config
    response.set_cookie(
        UPCOMING_TITLES_COOKIE, "1", max_age=config["HORIZON_COOKIE_MAX_AGE"],
        httponly=True, samesite="Lax", secure=config["SESSION_COOKIE_SECURE"],
    )
