"""Error pages. Not-found answers are identical whatever was not found, so a 404 never
tells a viewer that a character or episode exists further on.

Under /api/ every error is JSON of one shape, `{"error": {"code": ..., "message": ...}}`,
whether a view raised it or no route matched; everywhere else it is an HTML page.
"""

from __future__ import annotations

import re

from flask import Flask, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, ServiceUnavailable

from ballard.horizon import NotVisible, Renamed

API_PREFIX = "/api/"
NOT_FOUND_MESSAGE = (
    "There is nothing at this address for the episode it names. The link may be mistyped, "
    "or it may point past the episode in its address."
)


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def json_error(status: int, code: str, message: str, headers: dict[str, str] | None = None):
    """The API's one error shape."""
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _error_code(exc: HTTPException) -> str:
    return re.sub(r"[^a-z0-9]+", "_", (exc.name or "error").lower()).strip("_")


def not_found(_exc: Exception | None = None):
    if is_api_request():
        return json_error(404, "not_found", NOT_FOUND_MESSAGE)
    return render_template("errors/404.html"), 404


def csrf_failed(exc: CSRFError):
    if is_api_request():
        return json_error(400, "bad_request", f"Form not accepted: {exc.description}")
    message = "This form has expired or did not come from this site. Go back, reload the page and try again."
    return render_template(
        "errors/error.html", code=400, title="Form not accepted", message=message, detail=exc.description
    ), 400


def http_error(exc: HTTPException):
    headers = {}
    if isinstance(exc, ServiceUnavailable) and exc.retry_after is not None:
        headers = {"Retry-After": str(exc.retry_after), "Cache-Control": "no-store"}
    if is_api_request():
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            headers["Allow"] = ", ".join(sorted(exc.valid_methods))
        return json_error(exc.code or 500, _error_code(exc), exc.description or exc.name, headers)
    return (
        render_template(
            "errors/error.html", code=exc.code, title=exc.name, message=exc.description, detail=None
        ),
        exc.code,
        headers,
    )


def server_error(_exc: Exception):
    if is_api_request():
        return json_error(
            500, "internal_server_error", "Something went wrong. The error has been logged; please try again."
        )
    return render_template(
        "errors/error.html",
        code=500,
        title="Something went wrong",
        message="The error has been logged. Please try again.",
        detail=None,
    ), 500


def renamed(exc: Renamed):
    """A former slug of a row visible at h: the same page at the row's slug, for good
    (308 keeps the method; the query string goes along)."""
    if request.endpoint is None or exc.argument not in (request.view_args or {}):
        return not_found()  # not a page addressed by that slug: nothing to move to
    target = url_for(request.endpoint, **{**(request.view_args or {}), exc.argument: exc.slug})
    query = request.query_string.decode()
    return redirect(f"{target}?{query}" if query else target, code=308)


def register_error_handlers(app: Flask) -> None:
    """One handler per kind of failure; NotVisible and unknown URLs share one 404."""
    app.register_error_handler(NotVisible, not_found)
    app.register_error_handler(Renamed, renamed)
    app.register_error_handler(NotFound, not_found)
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(500, server_error)
