"""Configuration: in-code defaults, then BALLARD_* environment variables, then test overrides.

Every setting, its default and its type are in `ballard.settings`; a `BALLARD_*` value
that does not fit its setting, or names no setting, stops the app at start.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from ballard import settings
from ballard.settings import ENVIRONMENTS, ConfigError

__all__ = ["ENVIRONMENTS", "MIN_SECRET_KEY_LENGTH", "ConfigError", "load_config"]

MIN_SECRET_KEY_LENGTH = 32


def load_config(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """Fill app.config and refuse to start without a usable secret key outside dev and tests."""
    from_env = settings.from_environment(os.environ)
    app.config.from_mapping(settings.defaults(Path(app.instance_path)))
    app.config.from_mapping(from_env)
    # test_config holds typed Python values from code; it is not coerced.
    if test_config is not None:
        app.config.from_mapping(test_config)

    env = app.config["ENV"]
    if env not in ENVIRONMENTS:  # test_config is not coerced, so check again
        raise ConfigError(f"BALLARD_ENV must be {settings.BY_NAME['ENV'].kind.expected}, not {env!r}")
    app.config["TESTING"] = app.config["TESTING"] or env == "testing"
    if env == "testing" and "PAGE_CACHE_VERSION_TTL" not in {**from_env, **(test_config or {})}:
        app.config["PAGE_CACHE_VERSION_TTL"] = 0.0  # tests change content between requests
    app.config["SESSION_COOKIE_SECURE"] = env == "production"
    # __Host-: the browser takes it only from this host, over HTTPS, for Path=/ and with no
    # Domain, so no sibling subdomain can plant or overwrite it (the reader cookies too:
    # ballard/progress.py).
    app.config["SESSION_COOKIE_NAME"] = "__Host-session" if env == "production" else "session"
    # Flask refuses a session cookie signed longer ago than this (it is re-signed only when
    # the session changes); ballard/views/auth.py also ends it this long after sign-in.
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(seconds=app.config["EDITOR_SESSION_LIFETIME"])

    key = app.config.get("SECRET_KEY")
    if env == "production":
        if not key or len(key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                "BALLARD_SECRET_KEY must be set to a random string of at least "
                f"{MIN_SECRET_KEY_LENGTH} characters in production, for example: "
                'python -c "import secrets; print(secrets.token_urlsafe(48))". '
                "For local development set BALLARD_ENV=development instead."
            )
    elif not key:
        app.config["SECRET_KEY"] = _development_key(app.instance_path)


def _development_key(instance_path: str) -> str:
    """A per-checkout key kept in the instance folder, so saved progress survives restarts."""
    path = Path(instance_path) / "dev-secret-key"
    if path.exists():
        return path.read_text().strip()
    os.makedirs(instance_path, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    return key
