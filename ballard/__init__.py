"""Ballard Guide: a spoiler-safe episode guide."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf import CSRFProtect

ROOT = Path(__file__).resolve().parent.parent
csrf = CSRFProtect()


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
    )
    from ballard.config import load_config

    load_config(app, test_config)
    register_extensions(app)
    register_converters(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Database (and its availability check), page cache and the front that answers from
    it, CSRF protection (tokens for the editor and sign-in, an origin check for the
    reader's forms), editor sign-in, security headers, request log."""
    from ballard import (
        availability,
        db,
        front,
        origin_check,
        page_cache,
        request_log,
        security,
        shared_cache,
        wire,
    )
    from ballard.views import auth

    db.init_app(app)
    page_cache.init_app(app)
    front.init_app(app)  # before the proxy fix wraps it (security), so it sees the client
    csrf.init_app(app)
    origin_check.init_app(app, csrf)
    auth.init_app(app)  # Flask-Login
    security.init_app(app)
    request_log.init_app(app)
    availability.init_app(app)  # after the request log's start, so a 503 is timed too
    shared_cache.init_app(app)  # Cache-Control for shared caches, and their purges
    wire.init_app(app)  # gzip for static files, and no Date of the app's own
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def register_converters(app: Flask) -> None:
    """`<slug:...>` and `<episode_code:...>` in routes; rules need them as they are added."""
    from ballard import converters

    converters.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Viewer pages, operator endpoints and the JSON API."""
    from ballard.views import api, guide, ops

    app.register_blueprint(guide.bp)
    app.register_blueprint(ops.bp)
    app.register_blueprint(api.bp)
    # The editor and its sign-in: not viewer-side, every editor page requires login.
    from ballard.views import auth, editor

    app.register_blueprint(auth.bp, url_prefix="/auth")
    app.register_blueprint(editor.bp, url_prefix="/editor")


def register_error_handlers(app: Flask) -> None:
    """Identical not-found pages and clear 4xx messages."""
    from ballard import errors

    errors.register_error_handlers(app)


def register_commands(app: Flask) -> None:
    """`flask db`, `content`, `backup`, `restore` and `export-static`."""
    from ballard import backup, cli, export

    cli.init_app(app)
    backup.init_app(app)
    export.init_app(app)
