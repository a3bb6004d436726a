"""Error pages. Not-found answers are identical whatever was not found, so a 404 never
tells a viewer that a character or episode exists further on."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, NotFound

from ballard.horizon import NotVisible


def not_found(_exc: Exception | None = None):
    return render_template("errors/404.html"), 404


def csrf_failed(exc: CSRFError):
    message = (
        "This form has expired or did not come from this site. "
        "Go back, reload the page and try again."
    )
    return render_template("errors/error.html", code=400, title="Form not accepted",
                           message=message, detail=exc.description), 400


def http_error(exc: HTTPException):
    return render_template("errors/error.html", code=exc.code, title=exc.name,
                           message=exc.description, detail=None), exc.code


def server_error(_exc: Exception):
    return render_template("errors/error.html", code=500, title="Something went wrong",
                           message="The error has been logged. Please try again.",
                           detail=None), 500


def register_error_handlers(app: Flask) -> None:
    """One handler per kind of failure; NotVisible and unknown URLs share one 404."""
    app.register_error_handler(NotVisible, not_found)
    app.register_error_handler(NotFound, not_found)
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(500, server_error)
