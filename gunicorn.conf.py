"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

The master imports the app and loads the search dictionaries (Voikko, about 380 MB)
once, before forking, so every worker shares them instead of loading its own copy.
Listens on 127.0.0.1; put a TLS-terminating proxy in front.
"""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
preload_app = True
timeout = 60
accesslog = "-"


def on_starting(server):
    from search import analysis

    analysis.preload()


def post_fork(server, worker):
    # Connections opened in the master must not be shared by the forked workers.
    from app.extensions import db
    from wsgi import app

    with app.app_context():
        db.engine.dispose(close=False)
