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
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Database, CSRF protection for every form, security headers, request log."""
    from ballard import db, request_log, security

    db.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    request_log.init_app(app)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def register_blueprints(app: Flask) -> None:
    """Viewer pages."""
    from ballard.views import guide, ops

    app.register_blueprint(guide.bp)
    app.register_blueprint(ops.bp)


def register_error_handlers(app: Flask) -> None:
    """Identical not-found pages and clear 4xx messages."""
    from ballard import errors

    errors.register_error_handlers(app)


def register_commands(app: Flask) -> None:
    """`flask db ...`, `flask content ...`, `flask backup` and `flask restore`."""
    from ballard import backup, cli

    cli.init_app(app)
    backup.init_app(app)
