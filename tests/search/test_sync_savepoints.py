"""The index follows the real commit, not a SAVEPOINT released inside the transaction
(responses and the summary flush in one to catch edit conflicts)."""
from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.timeutil import utcnow
from consultations.services import add_document, create_consultation
from tests.search.conftest import search_html


def _closed_consultation_uncommitted(make_org, slug: str, text: str) -> None:
    """A closed consultation with one paragraph, flushed but not committed."""
    now = utcnow()
    consultation = create_consultation(
        slug=slug, title=slug.capitalize(), organizer_slug=make_org(kind="authority").slug,
        opens_at=now - timedelta(days=10), closes_at=now - timedelta(days=1),
    )
    add_document(consultation, "Luonnos", text + "\n", "text")


def test_changes_before_a_savepoint_are_indexed_at_the_commit(app, client, make_org):
    _closed_consultation_uncommitted(make_org, "tallennuspiste", "Kirjastoauto kiertää kylissä joka viikko.")
    with db.session.begin_nested():  # released before the outer commit, as in save_response
        db.session.flush()
    assert "Kirjastoauto" not in search_html(client, q="kirjastoauto")  # nothing committed yet
    db.session.commit()
    assert "Kirjastoauto" in search_html(client, q="kirjastoauto")


def test_rolled_back_changes_never_reach_the_index(app, client, make_org):
    _closed_consultation_uncommitted(make_org, "peruttu", "Uimahalli avataan uudelleen keväällä.")
    with db.session.begin_nested():
        db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert "Uimahalli" not in search_html(client, q="uimahalli")
