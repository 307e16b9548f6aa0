"""When the shared rate-limit storage (Redis) does not answer, limits are counted in each
process's memory until it is back: visitors never get a 500 for it.

Run in a process of its own: the limiter is one object per process and remembers that its
storage was down, which must not leak into the other tests' apps."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import re, sys
    sys.path.insert(0, {root!r})
    from app.extensions import db
    from tests.apps import new_app

    app = new_app({database!r}, RATELIMIT_ENABLED=True,
                  RATELIMIT_STORAGE_URI="redis://127.0.0.1:9/0")  # the discard port: nothing listens
    with app.app_context():
        db.create_all()
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answers = [client.post("/auth/login", data={{"email": "x@example.org", "password": "wrong-password-1",
                                                 "csrf_token": token}}).status_code for _ in range(21)]
    print(" ".join(map(str, answers)))
    """
)


def test_redis_down_counts_in_memory_instead_of_answering_500(tmp_path):
    script = SCRIPT.format(root=str(ROOT), database=f"sqlite:///{tmp_path / 'down.sqlite'}")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    answers = [int(status) for status in done.stdout.split()]
    assert len(answers) == 21 and 500 not in answers, answers
    assert answers[0] == 401 and answers[20] == 429  # "20 per minute" on login, counted in memory
