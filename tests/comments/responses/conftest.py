"""A closed consultation with comments, people in every role, and helpers for the
response, summary, export, attachment and API tests."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from app import create_app
from app.auth.services import create_user
from app.extensions import db
from app.organizations import create_organization
from app.timeutil import utcnow
from comments.responses.summary import publish_summary
from comments.services import post_comment
from consultations.services import add_document, create_consultation
from tests.conftest import FreshContextClient, DRAFT, PASSWORD, TestSettings, csrf_from, login, paragraphs_of

ROLES = ("anonymous", "member", "official_b", "official", "admin")
# member      – member of association A, the author of most comments
# official_b  – official of another authority
# official    – official of the organizing authority
# admin       – administrator, member of no organization

HIDDEN_TEXT = "Piilotettu asiaton kommentti."


@dataclass
class World:
    consultation: object
    paragraphs: list
    users: dict
    orgs: dict
    comments: list = field(default_factory=list)
    hidden: object = None

    @property
    def slug(self) -> str:
        return self.consultation.slug


def _comment(consultation, author, organization, body, anchor=""):
    """Posted through the real service while the consultation is open, then closed again."""
    opens, closes = consultation.opens_at, consultation.closes_at
    now = utcnow()
    consultation.opens_at, consultation.closes_at = now - timedelta(days=1), now + timedelta(days=1)
    comment = post_comment(consultation, author, body, anchor, organization.slug if organization else "")
    consultation.opens_at, consultation.closes_at = opens, closes
    db.session.commit()
    return comment


def build_world() -> World:
    """Organizations, people in every role and a closed consultation with three visible
    comments and one hidden."""
    authority = create_organization("Hyvinvointialue", "alue", kind="authority")
    other = create_organization("Toinen alue", "toinen-alue", kind="authority")
    org_a = create_organization("Yhdistys Ääni ry", "yhdistys-a", kind="association")
    org_b = create_organization("Säätiö Öljy", "saatio-b", kind="foundation")
    people = {
        "member": ("member", [org_a], "Maija Meikäläinen"),
        "member_b": ("member", [org_b], "Bertta Bee"),
        "official": ("official", [authority], "Virkailija Virta"),
        "official_2": ("official", [authority], "Toinen Virkailija"),
        "official_b": ("official", [other], "Vieras Virkailija"),
        "admin": ("admin", [], "Ylläpitäjä"),
    }
    users = {
        key: create_user(f"{key.replace('_', '-')}@example.org", PASSWORD, name, role, [o.slug for o in orgs])
        for key, (role, orgs, name) in people.items()
    }
    now = utcnow()
    consultation = create_consultation(
        slug="yhteistyo", title="Yhteistyön periaatteet", organizer_slug=authority.slug,
        opens_at=now - timedelta(days=10), closes_at=now - timedelta(days=1),
    )
    add_document(consultation, "Luonnos", DRAFT, "markdown")
    db.session.commit()
    paragraphs = list(paragraphs_of(consultation))
    world = World(consultation, paragraphs, users, {"a": org_a, "b": org_b, "authority": authority})
    world.comments = [
        _comment(consultation, users["member"], org_a, "Yleinen huomio koko luonnoksesta."),
        _comment(consultation, users["member"], org_a, "Taustaa pitää täydentää, äläkä unohda öljyä.", paragraphs[1].anchor),
        _comment(consultation, users["member_b"], org_b, "Tavoitteet ovat hyvät.", paragraphs[2].anchor),
    ]
    world.hidden = _comment(consultation, users["member_b"], org_b, HIDDEN_TEXT, paragraphs[1].anchor)
    world.hidden.visibility, world.hidden.hide_reason, world.hidden.hidden_at = "hidden", "offensive", utcnow()
    db.session.commit()
    return world


@pytest.fixture
def world(app, tmp_path):
    app.test_client_class = FreshContextClient
    app.config["ATTACHMENT_DIR"] = str(tmp_path / "attachments")
    return build_world()


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
def shared(tmp_path_factory):
    directory = tmp_path_factory.mktemp("summary-shared")
    settings = TestSettings()
    settings.SQLALCHEMY_DATABASE_URI = f"sqlite:///{directory / 'db.sqlite'}"
    application = create_app(settings)
    application.test_client_class = FreshContextClient
    application.config["ATTACHMENT_DIR"] = str(directory / "attachments")
    with application.app_context():
        db.create_all()
        world = build_world()
        # A second consultation of the same authority: summarized, then unpublished.
        hidden = create_consultation(
            slug="luonnos", title="Salainen", organizer_slug=world.orgs["authority"].slug,
            opens_at=world.consultation.opens_at, closes_at=world.consultation.closes_at,
        )
        add_document(hidden, "Luonnos", DRAFT, "markdown")
        _comment(hidden, world.users["member"], world.orgs["a"], "Kommentti salaiseen.")
        publish_summary(hidden, world.users["official"], "Salainen yhteenveto.", 0)
        hidden.published = False
        db.session.commit()
        values = (world.slug, hidden.slug, world.comments[0].id)
        emails = {role: user.email for role, user in world.users.items()}
    clients = {role: new_client(application, None if role == "anonymous" else emails[role]) for role in ROLES}
    yield Shared(application, *values, clients)
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


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

