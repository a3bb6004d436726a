"""Operator endpoints: /healthz for load balancers and uptime checks."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from ballard.availability import RETRY_AFTER_SECONDS, UPGRADE_COMMAND, DatabaseUnavailable, schema_check

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz():
    """200 when the database answers and is at the migrations' head; 503 saying why not."""
    try:
        found = schema_check().status()
    except DatabaseUnavailable as down:
        response = jsonify(status="unavailable", database="unreachable", reason=down.message)
        response.status_code = 503
    else:
        if found.revision == found.head:
            response = jsonify(status="ok", database="ok", revision=found.revision)
        else:
            response = jsonify(
                status="unavailable",
                database="not_at_head",
                revision=found.revision,
                head=found.head,
                reason=f"The database is not at the migrations' head. Run: {UPGRADE_COMMAND}",
            )
            response.status_code = 503
    if response.status_code == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every site whatever the page links (a 404 there is
    a console error on every page); pages link the SVG one in static/."""
    response = current_app.send_static_file("favicon.ico")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
