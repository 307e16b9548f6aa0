"""Rate limits under the real production server: gunicorn with two workers (and worker
recycling, so that several processes surely answer) behind a trusted proxy. Counted in
each worker's memory, a limit lets through more than it says, and gunicorn warns at
start; counted in Redis, it holds exactly."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from tests.apps import copy_schema

ROOT = Path(__file__).resolve().parents[2]
SEARCH_LIMIT = 5
REQUESTS = 12
WARNING = re.compile(r"\[WARNING\].*RATELIMIT_STORAGE_URI=memory://.*2 workers")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not listen within 90 s:\n{log.read_text()}")


def get(port: int, client_address: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/search?q=kunta", headers={"X-Forwarded-For": client_address}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def serve_searches(tmp_path, schema_file, storage_uri: str, client_address: str) -> tuple[list[int], str]:
    """REQUESTS searches from one client through gunicorn; their statuses and the log."""
    port = free_port()
    env = {
        **os.environ,
        "KUULO_ENV": "production",
        "SECRET_KEY": "gunicorn-test-secret",
        "PUBLIC_URL": "https://kuulo.example.fi",
        "DATABASE_URL": copy_schema(schema_file, tmp_path / "kuulo.sqlite"),
        "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "1",
        "TRUSTED_PROXIES": "1",
        "RATELIMIT_ENABLED": "1",
        "RATELIMIT_STORAGE_URI": storage_uri,
        "SEARCH_RATE_LIMIT": f"{SEARCH_LIMIT} per minute",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = tmp_path / "gunicorn.log"
    command = [
        str(gunicorn), "-c", "gunicorn.conf.py", "--max-requests", "3", "--no-control-socket",
        "--access-logformat", "access pid=%(p)s status=%(s)s", "wsgi:app",
    ]
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_listening(port, server, log)
        statuses = [get(port, client_address) for _ in range(REQUESTS)]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return statuses, log.read_text()


def answering_workers(log: str) -> set[str]:
    return set(re.findall(r"access pid=<?(\d+)>? status=", log))


def test_memory_storage_multiplies_limits_by_workers_and_gunicorn_warns(tmp_path, schema_file):
    statuses, log = serve_searches(tmp_path, schema_file, "memory://", "198.18.0.1")
    assert len(answering_workers(log)) >= 2, log
    assert statuses.count(200) > SEARCH_LIMIT, statuses
    assert WARNING.search(log), log


def test_redis_storage_holds_the_limit_across_workers(tmp_path, schema_file, redis_url):
    import redis

    client_address = f"198.18.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    try:
        statuses, log = serve_searches(tmp_path, schema_file, redis_url, client_address)
    finally:
        server = redis.Redis.from_url(redis_url)
        counters = server.keys(f"*/{client_address}/*")
        if counters:
            server.delete(*counters)
        server.close()
    assert counters, "the limit was not counted in Redis"
    assert len(answering_workers(log)) >= 2, log
    assert statuses == [200] * SEARCH_LIMIT + [429] * (REQUESTS - SEARCH_LIMIT), statuses
    assert not WARNING.search(log), log
