"""Configuration: in-code defaults, then BALLARD_* environment variables, then test overrides."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

ENVIRONMENTS = ("production", "development", "testing")
MIN_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """The configuration cannot run safely; the message says what to set."""


def defaults(instance_path: str) -> dict[str, Any]:
    return {
        "ENV": "production",
        "DATABASE_URL": "sqlite:///" + str(Path(instance_path) / "ballard.db"),
        "SECRET_KEY": None,
        # The viewer's horizon cookie lives long: people come back between episodes.
        "HORIZON_COOKIE_MAX_AGE": 60 * 60 * 24 * 400,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "SQL_ECHO": False,
        # No form here needs more; a bigger body is refused with 413 before it is read.
        "MAX_CONTENT_LENGTH": 64 * 1024,
        # Rendered viewer pages kept per worker (0 turns the cache off).
        "PAGE_CACHE_SIZE": 5000,
        # Seconds a worker trusts its last read of the content version (other workers'
        # changes show up within this time; its own at once).
        "PAGE_CACHE_VERSION_TTL": 1.0,
        # How many proxies (load balancers) in front of the app set X-Forwarded-*.
        "TRUSTED_PROXIES": 0,
    }


def load_config(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """Fill app.config and refuse to start without a usable secret key outside dev and tests."""
    app.config.from_mapping(defaults(app.instance_path))
    app.config.from_prefixed_env("BALLARD", loads=_keep_strings)
    if test_config is not None:
        app.config.from_mapping(test_config)

    env = app.config["ENV"]
    if env not in ENVIRONMENTS:
        raise ConfigError(f"BALLARD_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}.")
    app.config["TESTING"] = app.config.get("TESTING", False) or env == "testing"
    if env == "testing" and "PAGE_CACHE_VERSION_TTL" not in (test_config or {}):
        app.config["PAGE_CACHE_VERSION_TTL"] = 0.0  # tests change content between requests
    app.config["SESSION_COOKIE_SECURE"] = env == "production"

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


def _keep_strings(value: str) -> Any:
    # from_prefixed_env would json-parse values; secrets and URLs must stay strings.
    return value


def _development_key(instance_path: str) -> str:
    """A per-checkout key kept in the instance folder, so saved progress survives restarts."""
    path = Path(instance_path) / "dev-secret-key"
    if path.exists():
        return path.read_text().strip()
    os.makedirs(instance_path, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    return key
