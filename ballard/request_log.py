"""One structured (JSON) log line per request, for production log pipelines."""

from __future__ import annotations

import json
import logging
import time

from flask import Flask, Response, g, request

logger = logging.getLogger("ballard.request")


def _start() -> None:
    g.request_started = time.perf_counter()


def _log(response: Response) -> Response:
    started = g.pop("request_started", None)
    logger.info(json.dumps({
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
        "bytes": response.calculate_content_length(),
        "remote": request.remote_addr,
    }, separators=(",", ":")))
    return response


def init_app(app: Flask) -> None:
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(logging.WARNING if app.config["TESTING"] else logging.INFO)
    app.before_request(_start)
    app.after_request(_log)
