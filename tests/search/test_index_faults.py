"""A committed comment always reaches the index: when the index cannot be written (its
folder read-only, the disk full, a killed process's writer holding the lock) posting
still succeeds, the change waits in the search outbox, and once the fault is gone the
index catches up by itself — no `verify --repair`.

Read-only and full disk are real: a small tmpfs mounted under the test's folder (the
suite runs as root in CI). Where mounting is not allowed the read-only case falls back to
a folder without write permission and the full-disk case is skipped with its reason."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.extensions import db
from search.models import PendingIndexChange
from tests.conftest import login
from tests.live import hidden_fields
from tests.search.conftest import search_app, search_html, search_settings

ROOT = Path(__file__).resolve().parents[2]


def _mount(*args) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def index_dir(tmp_path):
    """A folder of its own (a 2 MB tmpfs where mounting is allowed) for the index."""
    directory = tmp_path / "index"
    directory.mkdir()
    mounted = os.geteuid() == 0 and _mount("-t", "tmpfs", "-o", "size=2m", "tmpfs", str(directory))
    yield directory, mounted
    if mounted:
        subprocess.run(["umount", "-l", str(directory)], check=False)
    else:
        directory.chmod(0o755)


@pytest.fixture
def app(index_dir, tmp_path, make_app, schema_file):
    settings = search_settings("whoosh", tmp_path)
    settings.SEARCH_INDEX_DIR = str(index_dir[0])
    settings.SEARCH_RETRY_SECONDS = 0  # the next request retries at once
    application = search_app(make_app, schema_file, settings)
    with application.app_context():
        yield application
        db.session.remove()


@pytest.fixture
def poster(app, client, make_org, make_user, make_consultation):
    org = make_org(name="Lumityöyhdistys ry", slug="lumityo")
    member = make_user(orgs=[org])
    consultation = make_consultation(status="open")
    login(client, member)

    def post(body: str) -> int:
        fields = hidden_fields(client.get(f"/consultations/{consultation.slug}/").get_data(as_text=True))
        fields.update(body=body, paragraph="", organization="lumityo")
        response = client.post(f"/consultations/{consultation.slug}/comments/", data=fields)
        assert response.status_code == 302, response.get_data(as_text=True)[:1000]
        return int(re.search(r"#comment-(\d+)", response.headers["Location"]).group(1))

    return post


def _waiting() -> int:
    return db.session.query(PendingIndexChange).count()


def _in_step(app) -> str:
    result = app.test_cli_runner().invoke(args=["search", "verify"])
    assert result.exit_code == 0, result.output
    return result.output


def _posting_survives(app, client, poster, word: str) -> None:
    comment_id = poster(f"Aurauksen {word} on tärkeä asia.")
    assert _waiting() >= 1
    assert f"/comments/{comment_id}" not in search_html(client, q=word, open="1")
    return comment_id


def _caught_up(app, client, comment_id: int, word: str) -> None:
    client.get("/")  # any next request applies what waits
    assert _waiting() == 0
    assert f"/comments/{comment_id}" in search_html(client, q=word, open="1")
    assert "in step" in _in_step(app)


def test_a_read_only_index_folder(app, client, poster, index_dir):
    directory, mounted = index_dir
    poster("Ensimmäinen kommentti ennen vikaa.")  # the index has files before it turns read-only
    if mounted:
        assert _mount("-o", "remount,ro", str(directory))
    elif os.geteuid() == 0:
        pytest.skip("running as root without mount: a folder's permissions do not stop root")
    else:
        directory.chmod(0o555)
    comment_id = _posting_survives(app, client, poster, "lumivalli")
    if mounted:
        assert _mount("-o", "remount,rw", str(directory))
    else:
        directory.chmod(0o755)
    _caught_up(app, client, comment_id, "lumivalli")


def test_a_full_disk(app, client, poster, index_dir):
    directory, mounted = index_dir
    if not mounted:
        pytest.skip("a full disk needs a small tmpfs, and mounting is not allowed here")
    poster("Ensimmäinen kommentti ennen vikaa.")
    filler = directory / "filler"
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    comment_id = _posting_survives(app, client, poster, "hiekoitus")
    filler.unlink()
    _caught_up(app, client, comment_id, "hiekoitus")


HOLD_LOCK = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from search.whoosh_engine import WhooshEngine
    engine = WhooshEngine({directory!r})
    writer = engine._writer()  # holds the index's write lock until this process dies
    print("locked", flush=True)
    time.sleep(600)
    """
)


def test_a_killed_writer_holding_the_lock(app, client, poster, index_dir):
    directory, _mounted = index_dir
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK.format(root=str(ROOT), directory=str(directory))],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        comment_id = _posting_survives(app, client, poster, "polanne")  # waited about a second, then gave up
    finally:
        holder.kill()  # kill -9: the lock goes with the process
        holder.wait(timeout=30)
    _caught_up(app, client, comment_id, "polanne")
