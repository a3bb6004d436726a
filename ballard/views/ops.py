"""Operator endpoints: /healthz for load balancers and uptime checks."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ballard.db import get_session

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not."""
    try:
        get_session().execute(text("SELECT 1"))
    except SQLAlchemyError:
        response = jsonify(status="unavailable", database="unreachable")
        response.status_code = 503
    else:
        response = jsonify(status="ok", database="ok")
    response.headers["Cache-Control"] = "no-store"
    return response
