"""The one data builder of the tests: organizations, people in every role and a
consultation with comments, made through the real services.

    build_world(status="closed")   the consultation closed (responses and summary tests)
    build_world(status="open")     open for comments (access table, posting)
    build_world(draft=True)        also an unpublished consultation with a comment

Roles: member (of association A, the author of most comments), member_b (of foundation
B), official and official_2 (of the organizing authority), official_b (of another
authority) and admin (of no organization).

The World holds the ORM objects for the test that built it, and plain values (slugs,
ids, emails) for tests that use it from another application context.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from app.auth.services import create_user
from app.extensions import db
from app.organizations import create_organization
from app.timeutil import utcnow
from consultations.services import add_document, create_consultation
from tests.conftest import DRAFT, PASSWORD, paragraphs_of, post_while_open

ROLES = ("member", "member_b", "official", "official_2", "official_b", "admin")
FIRST_TEXT = "Yleinen huomio koko luonnoksesta."  # comments[0]: member for association A, general
HIDDEN_TEXT = "Piilotettu asiaton kommentti."
DRAFT_COMMENT_TEXT = "Kommentti luonnokseen."

WINDOWS = {
    "open": (timedelta(days=-10), timedelta(days=10)),
    "closed": (timedelta(days=-10), timedelta(days=-1)),
}


@dataclass
class World:
    consultation: object
    paragraphs: list
    users: dict
    orgs: dict
    comments: list = field(default_factory=list)
    hidden: object = None
    draft: object = None  # the unpublished consultation (build_world(draft=True))
    draft_comment: object = None
    # Plain values, usable from any application context.
    slug: str = ""
    emails: dict = field(default_factory=dict)
    user_ids: dict = field(default_factory=dict)
    org_ids: dict = field(default_factory=dict)
    comment_id: int = 0
    draft_slug: str = ""
    draft_comment_id: int = 0


def comment_on(consultation, author, organization, body, anchor="", parent=None, commit=True):
    """Posted through the real service (tests.conftest.post_while_open). commit=False leaves
    the commit to the caller, so a world's comments are one transaction (and one search
    index write) instead of one each."""
    comment = post_while_open(consultation, author, organization, body, anchor, parent)
    if commit:
        db.session.commit()
    return comment


def _consultation(slug, title, organizer, status):
    now = utcnow()
    start, end = WINDOWS[status]
    consultation = create_consultation(
        slug=slug, title=title, organizer_slug=organizer.slug, opens_at=now + start, closes_at=now + end,
    )
    add_document(consultation, "Luonnos", DRAFT, "markdown")
    db.session.commit()
    return consultation


def build_world(status: str = "closed", draft: bool = False) -> World:
    """Three visible comments and one hidden on the consultation "avoin" (open) or
    "yhteistyo" (closed); the organizations' slugs are org-a, org-b, authority and
    other-authority."""
    authority = create_organization("Hyvinvointialue", "authority", kind="authority")
    other = create_organization("Toinen alue", "other-authority", kind="authority")
    org_a = create_organization("Yhdistys Ääni ry", "org-a", kind="association")
    org_b = create_organization("Säätiö Öljy", "org-b", kind="foundation")
    orgs = {"authority": authority, "other": other, "a": org_a, "b": org_b}
    people = {
        "member": ("member", [org_a], "Maija Meikäläinen"),
        "member_b": ("member", [org_b], "Bertta Bee"),
        "official": ("official", [authority], "Virkailija Virta"),
        "official_2": ("official", [authority], "Toinen Virkailija"),
        "official_b": ("official", [other], "Vieras Virkailija"),
        "admin": ("admin", [], "Ylläpitäjä"),
    }
    users = {
        key: create_user(f"{key.replace('_', '-')}@example.org", PASSWORD, name, role, [o.slug for o in member_of])
        for key, (role, member_of, name) in people.items()
    }
    slug = "avoin" if status == "open" else "yhteistyo"
    consultation = _consultation(slug, "Yhteistyön periaatteet", authority, status)
    paragraphs = list(paragraphs_of(consultation))
    world = World(consultation, paragraphs, users, orgs)
    world.comments = [
        comment_on(consultation, users["member"], org_a, FIRST_TEXT, commit=False),
        comment_on(consultation, users["member"], org_a, "Taustaa pitää täydentää, äläkä unohda öljyä.",
                   paragraphs[1].anchor, commit=False),
        comment_on(consultation, users["member_b"], org_b, "Tavoitteet ovat hyvät.", paragraphs[2].anchor, commit=False),
    ]
    world.hidden = comment_on(consultation, users["member_b"], org_b, HIDDEN_TEXT, paragraphs[1].anchor)
    # Hidden after it was public (and indexed), as moderation hides.
    world.hidden.visibility, world.hidden.hide_reason, world.hidden.hidden_at = "hidden", "offensive", utcnow()
    db.session.commit()
    if draft:
        # Unpublished after a comment was written while it was public.
        world.draft = _consultation("luonnos", "Salainen luonnos", authority, status)
        world.draft_comment = comment_on(world.draft, users["member"], org_a, DRAFT_COMMENT_TEXT)
        world.draft.published = False
        db.session.commit()
        world.draft_slug, world.draft_comment_id = world.draft.slug, world.draft_comment.id
    world.slug, world.comment_id = consultation.slug, world.comments[0].id
    world.emails = {key: user.email for key, user in users.items()}
    world.user_ids = {key: user.id for key, user in users.items()}
    world.org_ids = {key: org.id for key, org in orgs.items()}
    return world
