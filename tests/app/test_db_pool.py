"""Every request thread can have a database connection: `flask run` starts a thread per
request, and 50 simultaneous posters once got 38 answers of 500 ("QueuePool limit of size
5 overflow 10 reached") from the pool's defaults."""
from __future__ import annotations

from app.extensions import db


def test_fifty_request_threads_each_get_a_sqlite_connection(app):
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    db.engine.pool._timeout = 2  # fail fast instead of after the configured wait
    connections = []
    try:
        for _ in range(50):
            connections.append(db.engine.connect())
        assert len(connections) == 50
    finally:
        for connection in connections:
            connection.close()
