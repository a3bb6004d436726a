"""One structured (JSON) log line per request, for production log pipelines.

The line is written off the hot path: a request only appends its figures to a buffer,
and a writer thread (one per worker process, started at the first line) turns them into
JSON and hands them to the `ballard.request` logger every LOG_INTERVAL seconds, and once
more at exit. `flush()` writes whatever is buffered now (tests call it). The front
(ballard/front.py) logs the answers it serves from the cache through `log_request` too,
so every answer has its line.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import threading
import time
from collections import deque

from flask import Flask, Response, g, request

logger = logging.getLogger("ballard.request")
LOG_INTERVAL = 0.2  # seconds between writes of the buffer

_buffer: deque[tuple] = deque()
_writer_pid: int | None = None
_writer_lock = threading.Lock()


def log_request(method: str, path: str, status: int, ms: float | None, size: int | None,
                remote: str | None) -> None:
    """Buffer one request's line, if the logger writes INFO lines at all."""
    if not logger.isEnabledFor(logging.INFO):
        return
    _buffer.append((method, path, status, ms, size, remote))
    if _writer_pid != os.getpid():  # none yet in this process (gunicorn forks workers)
        _start_writer()


def flush() -> None:
    """Write every buffered line now."""
    while _buffer:
        try:
            method, path, status, ms, size, remote = _buffer.popleft()
        except IndexError:  # another thread took the last one
            return
        logger.info(json.dumps({"method": method, "path": path, "status": status, "ms": ms,
                                "bytes": size, "remote": remote}, separators=(",", ":")))


def _start_writer() -> None:
    global _writer_pid
    with _writer_lock:
        if _writer_pid == os.getpid():
            return
        _writer_pid = os.getpid()
        threading.Thread(target=_write_forever, name="ballard-request-log", daemon=True).start()


def _write_forever() -> None:
    while True:
        time.sleep(LOG_INTERVAL)
        flush()


atexit.register(flush)


def _start() -> None:
    g.request_started = time.perf_counter()


def _log(response: Response) -> Response:
    started = g.pop("request_started", None)
    log_request(request.method, request.path, response.status_code,
                round((time.perf_counter() - started) * 1000, 2) if started else None,
                response.calculate_content_length(), request.remote_addr)
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
