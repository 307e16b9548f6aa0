"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

The master imports the app and loads the search dictionaries (Voikko, about 380 MB)
once, before forking, so every worker shares them instead of loading its own copy.
Listens on 127.0.0.1; put a TLS-terminating proxy in front (and set TRUSTED_PROXIES).
With more than one worker, rate limits need shared storage: RATELIMIT_STORAGE_URI=redis://...
"""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two workers per core with two threads each: `make bench-gunicorn` (30 posters on SQLite,
# 30 s per shape, one run on a loaded 2-core machine, 2026-12-05) accepted 15.4 posts/s at
# p95 2.2 s with 4x2, against 13.5 (p95 3.2 s) with 2x4, 14.0 (2.2 s) with 2x8 and 11.6
# (2.1 s) with 1x8; rendering and the search analyzer hold the GIL, so processes beat
# threads, and the preloaded dictionaries are shared, so a worker costs little memory.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
preload_app = True
timeout = 60
accesslog = "-"


def on_starting(server):
    from search import analysis

    analysis.preload()


def when_ready(server):
    # memory:// counts in each worker: every limit would let through `workers` times as much.
    from wsgi import app

    storage = app.config["RATELIMIT_STORAGE_URI"]
    if server.cfg.workers > 1 and app.config["RATELIMIT_ENABLED"] and storage.startswith("memory://"):
        server.log.warning(
            "RATELIMIT_STORAGE_URI=%s keeps rate limits per process, and there are %d workers: "
            "each limit is multiplied by %d. Point RATELIMIT_STORAGE_URI at Redis (redis://host:6379).",
            storage, server.cfg.workers, server.cfg.workers,
        )


def post_fork(server, worker):
    # Connections opened in the master must not be shared by the forked workers.
    from app.extensions import db
    from wsgi import app

    with app.app_context():
        db.engine.dispose(close=False)
