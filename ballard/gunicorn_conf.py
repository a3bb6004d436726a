"""Production gunicorn settings: `gunicorn -c python:ballard.gunicorn_conf app:app`.

Every value can be overridden from the environment, e.g. GUNICORN_WORKERS=4.
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
max_requests = 10000
max_requests_jitter = 500
accesslog = None  # the app writes one structured line per request itself
errorlog = "-"
