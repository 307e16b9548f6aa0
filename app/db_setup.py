"""Database engine tuning: SQLite in WAL mode with a busy timeout and foreign keys, and a
connection pool as large as the threads that may ask for it."""
import os

from flask import Flask
from sqlalchemy import event

from app.extensions import db


# A SQLite connection is a file handle, not a server process: let every request thread
# (`flask run` starts one per request) have one instead of failing after the pool's
# default 5 + 10 with "QueuePool limit ... reached" (50 posters got 38 such 500s).
SQLITE_FILE_POOL = {"pool_size": 20, "max_overflow": 200, "pool_timeout": 60}


def configure(app: Flask) -> None:
    """Engine options that depend on the database; before db.init_app creates the engine."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and ":memory:" not in uri:
        options = {**SQLITE_FILE_POOL, **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def init_app(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    os.makedirs(app.instance_path, exist_ok=True)
    busy_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
