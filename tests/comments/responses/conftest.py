"""A closed consultation with comments, people in every role, and helpers for the
response, summary, export, attachment and API tests."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from app.extensions import db
from comments.responses.summary import publish_summary
from tests.apps import close_app, copy_schema, new_app
from tests.conftest import csrf_from, login
from tests.world import build_world

ROLES = ("anonymous", "member", "official_b", "official", "admin")
# member      – member of association A, the author of most comments
# official_b  – official of another authority
# official    – official of the organizing authority
# admin       – administrator, member of no organization


@pytest.fixture
def world(app, tmp_path):
    """tests/world.py's world: the consultation closed, three visible comments, one hidden."""
    app.config["ATTACHMENT_DIR"] = str(tmp_path / "attachments")
    return build_world(status="closed")


def new_client(app, email: str | None, lang: str = "en"):
    """A client with an English interface (others translate the catalogs; the tests check
    the English msgids), logged in when `email` is given."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["lang"] = lang
    if email is not None:
        response = login(client, email)
        assert response.status_code == 302, f"login as {email} failed"
    return client


@pytest.fixture
def client_as(app):
    """A logged-in client for a role of the world, or an anonymous one."""

    def make(world, role, lang="en"):
        return new_client(app, None if role == "anonymous" else world.users[role].email, lang)

    return make


@dataclass
class Shared:
    """A read-only world for GET tables, built once per module: plain values only, so it
    is usable from any application context."""

    app: object
    slug: str
    unpublished: str
    comment: int
    clients: dict


@pytest.fixture(scope="module")
def shared(tmp_path_factory, schema_file):
    directory = tmp_path_factory.mktemp("summary-shared")
    application = new_app(copy_schema(schema_file, directory / "db.sqlite"), ATTACHMENT_DIR=str(directory / "attachments"))
    with application.app_context():
        # The draft: summarized while published, then unpublished again.
        world = build_world(status="closed", draft=True)
        world.draft.published = True
        publish_summary(world.draft, world.users["official"], "Salainen yhteenveto.", 0)
        world.draft.published = False
        db.session.commit()
    clients = {role: new_client(application, None if role == "anonymous" else world.emails[role]) for role in ROLES}
    yield Shared(application, world.slug, world.draft_slug, world.comment_id, clients)
    close_app(application)


def token(client, url="/") -> str:
    return csrf_from(client, url)


def version_in(html: str, comment_id: int) -> str:
    """The hidden version field of one comment's response form."""
    form = html[html.index(f'/responses/{comment_id}"'):]
    return re.search(r'name="version" value="(\d+)"', form).group(1)


def answer(client, world, comment, decision="accepted", body="Vastaus.", version=None):
    if version is None:
        html = client.get(f"/consultations/{world.slug}/responses?paragraph={comment.paragraph_anchor or 'general'}").get_data(as_text=True)
        version = version_in(html, comment.id)
    return client.post(
        f"/consultations/{world.slug}/responses/{comment.id}",
        data={"decision": decision, "body": body, "version": version, "csrf_token": token(client)},
    )


def publish(client, world, body="Yhteenveto: **kiitos** kommenteista.", version=None):
    if version is None:
        html = client.get(f"/consultations/{world.slug}/responses").get_data(as_text=True)
        form = html[html.index("/responses/summary"):]
        version = re.search(r'name="version" value="(\d+)"', form).group(1)
    return client.post(
        f"/consultations/{world.slug}/responses/summary",
        data={"body": body, "version": version, "action": "publish", "csrf_token": token(client)},
    )

