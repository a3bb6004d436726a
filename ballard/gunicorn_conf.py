"""Production gunicorn settings: `gunicorn -c python:ballard.gunicorn_conf app:app`.

Every value can be overridden from the environment, e.g. GUNICORN_WORKERS=4
(GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_MAX_REQUESTS).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
keepalive = 5
timeout = 30
graceful_timeout = 20
# A worker restarts after this many requests (a guard against slow leaks). Not every
# 10000: a worker answers thousands a second from its page cache, and a restart empties
# it; the cache is bounded by BALLARD_PAGE_CACHE_MB, so it cannot grow without end.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 1_000_000))
max_requests_jitter = max_requests // 20
accesslog = None  # the app writes one structured line per request itself
errorlog = "-"
