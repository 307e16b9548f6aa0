"""A change whose request gave up waiting for the index (another thread of the process was
writing it) is applied by that writer when it finishes — not left until some later request,
`flask search sync` or a restart. Fifty simultaneous posters once left the last comment out
of the index this way: the writer, done with what it had read, marked the backlog cleared
over the other thread's "left behind"."""
from __future__ import annotations

import re
import threading

import pytest

from app.extensions import db
from search import outbox
from search.models import PendingIndexChange
from tests.conftest import login
from tests.live import hidden_fields
from tests.search.conftest import search_app, search_html, search_settings


@pytest.fixture
def app(tmp_path, make_app, schema_file):
    settings = search_settings("whoosh", tmp_path)
    settings.SEARCH_INDEX_WAIT_SECONDS = 0.3
    settings.SEARCH_RETRY_SECONDS = 3600  # no later request would retry within the test
    application = search_app(make_app, schema_file, settings)
    with application.app_context():
        yield application
        db.session.remove()


def test_the_writer_applies_what_arrived_while_it_wrote(app, make_org, make_user, make_consultation, monkeypatch):
    org = make_org(name="Lumityöyhdistys ry", slug="lumityo")
    consultation = make_consultation(status="open")
    action = f"/consultations/{consultation.slug}/comments/"
    clients = []
    for _ in range(2):
        client = app.test_client()
        login(client, make_user(orgs=[org]))
        fields = hidden_fields(client.get(f"/consultations/{consultation.slug}/").get_data(as_text=True))
        clients.append((client, {**fields, "paragraph": "", "organization": "lumityo"}))
    db.session.remove()

    collected, go_on = threading.Event(), threading.Event()
    read_changes = outbox.changes_for

    def slow_first_read(session, pending):
        changes = read_changes(session, pending)
        if not collected.is_set():  # the first writer has read the outbox and holds the lock
            collected.set()
            assert go_on.wait(30)
        return changes

    monkeypatch.setattr(outbox, "changes_for", slow_first_read)
    answers = {}

    def post(n: int, word: str) -> None:
        client, fields = clients[n]
        answers[n] = client.post(action, data={**fields, "body": f"Aurauksen {word} on tärkeä asia."})

    writer = threading.Thread(target=post, args=(0, "ensimmäinen"))
    writer.start()
    try:
        assert collected.wait(30)
        post(1, "toinen")  # waits 0.3 s for the lock the writer holds, gives up, commits anyway
        assert answers[1].status_code == 302
        assert db.session.query(PendingIndexChange).count() == 2  # the writer's own row goes when applied
    finally:
        go_on.set()
        writer.join(30)
    assert answers[0].status_code == 302

    db.session.remove()
    assert db.session.query(PendingIndexChange).count() == 0
    second = int(re.search(r"#comment-(\d+)", answers[1].headers["Location"]).group(1))
    assert f"/comments/{second}" in search_html(app.test_client(), q="toinen", open="1")
