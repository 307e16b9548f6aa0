"""Every route's access as a table: role × (method, URL) → status (SECURITY.md,
"Authorization"), then the effects that the status alone does not prove: IDOR, forged
organizations, mass assignment, CSRF on comment forms and unpublished drafts."""
from __future__ import annotations

import sqlite3

import pytest

from app.extensions import db
from app.timeutil import utcnow
from comments.models import Comment
from tests.apps import close_app, copy_schema, new_app, session_schema
from tests.conftest import csrf_from, login
from tests.world import FIRST_TEXT, build_world

ROLES = ("anonymous", "member", "member_b", "official", "official_b", "admin")
# member     – member of organization A (the author of the comment under test)
# member_b   – member of another organization B
# official   – official of the organizing authority
# official_b – official of another authority (must not see this authority's drafts)
# admin      – administrator, member of no organization

ORIGINAL_TEXT = FIRST_TEXT  # the comment under test: by member, for organization A


class World:
    """tests/world.py's world, open and with an unpublished draft, as plain values (ids,
    slugs, emails), so it can be used from any application context; subclass it to add
    more (tests/consultations/authoring). `roles` is accepted for the callers: every role is there."""

    def __init__(self, roles=ROLES):
        built = build_world(status="open", draft=True)
        self.slug, self.draft = built.slug, built.draft_slug
        self.comment, self.draft_comment = built.comment_id, built.draft_comment_id
        self.emails, self.user_ids = built.emails, built.user_ids
        self.org_a_id, self.org_b_id = built.org_ids["a"], built.org_ids["b"]
        self.draft_title = built.draft.title

    def url(self, template: str) -> str:
        return template.format(
            slug=self.slug, draft=self.draft, comment=self.comment, draft_comment=self.draft_comment
        )

    def data(self, template: dict | None) -> dict:
        values = {"member_b_id": self.user_ids.get("member_b", 0), "comment": self.comment}
        return {k: str(v).format(**values) for k, v in (template or {}).items()}


def client_for(app, world: World, role: str):
    client = app.test_client()
    if role != "anonymous":
        response = login(client, world.emails[role])
        assert response.status_code == 302, f"login as {role} failed"
    return client


def db_rows(database_path, sql, params=()):
    """Committed rows read through a separate connection."""
    with sqlite3.connect(database_path) as connection:
        return connection.execute(sql, params).fetchall()


def _path(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")


# --- the table ---------------------------------------------------------------------

EVERYONE_200 = dict.fromkeys(ROLES, 200)
LOGGED_IN_ONLY = {"anonymous": 302}
AUTHOR_ONLY = {"anonymous": 302, "member": 200, "member_b": 403, "official": 403,
               "official_b": 403, "admin": 403}
ADMIN_ONLY = {"anonymous": 302, "member": 403, "member_b": 403, "official": 403,
              "official_b": 403, "admin": 200}
ORGANIZER_ONLY = {"anonymous": 404, "member": 404, "member_b": 404, "official": 200,
                  "official_b": 404, "admin": 200}

GET_TABLE = [
    ("/", EVERYONE_200),
    ("/consultations/", EVERYONE_200),
    ("/consultations/?status=open", EVERYONE_200),
    ("/consultations/{slug}/", EVERYONE_200),
    ("/consultations/{slug}/comments/", EVERYONE_200),
    ("/comments/{comment}", EVERYONE_200),
    ("/accessibility", EVERYONE_200),
    ("/privacy", EVERYONE_200),
    ("/auth/login", EVERYONE_200),
    ("/auth/register", {"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)}),
    ("/comments/{comment}/edit", AUTHOR_ONLY),
    ("/admin/users", ADMIN_ONLY),
    ("/admin/memberships", dict.fromkeys(ROLES, 405)),
    ("/auth/logout", dict.fromkeys(ROLES, 405)),
    ("/consultations/{draft}/", ORGANIZER_ONLY),
    ("/consultations/{draft}/comments/", ORGANIZER_ONLY),
    # The draft's original file (issue 15 §7): as its page.
    ("/consultations/{slug}/parts/1/original", EVERYONE_200),
    ("/consultations/{slug}/versions/1/parts/1/original", EVERYONE_200),
    ("/consultations/{draft}/parts/1/original", ORGANIZER_ONLY),
    ("/consultations/{draft}/versions/1/parts/1/original", ORGANIZER_ONLY),
    ("/comments/{draft_comment}", ORGANIZER_ONLY),
    # Visible only to the organizer's officials, and even they may not edit others' text.
    ("/comments/{draft_comment}/edit", {"anonymous": 302, "member": 404, "member_b": 404,
                                        "official": 403, "official_b": 404, "admin": 403}),
    ("/consultations/no-such-slug/", dict.fromkeys(ROLES, 404)),
    ("/comments/999999", dict.fromkeys(ROLES, 404)),
]

POST_AS_A = {"body": "Uusi kommentti.", "organization": "org-a", "paragraph": ""}
POST_TABLE = [
    # Commenting on behalf of organization A: only A's members; the rest forge it.
    ("/consultations/{slug}/comments/", POST_AS_A,
     {"anonymous": 302, "member": 302, "member_b": 422, "official": 422, "official_b": 422, "admin": 422}),
    ("/consultations/{slug}/comments/", {**POST_AS_A, "parent": "{comment}"},
     {"anonymous": 302, "member": 302, "member_b": 422, "official": 422, "official_b": 422, "admin": 422}),
    ("/comments/{comment}/edit", {"body": "Muutettu teksti."},
     {"anonymous": 302, "member": 302, "member_b": 403, "official": 403, "official_b": 403, "admin": 403}),
    ("/admin/memberships", {"user_id": "{member_b_id}", "organization": "org-a"},
     {"anonymous": 302, "member": 403, "member_b": 403, "official": 403, "official_b": 403, "admin": 303}),
    # An unpublished consultation does not exist for those who may not see it.
    ("/consultations/{draft}/comments/", POST_AS_A,
     {"anonymous": 404, "member": 404, "member_b": 404, "official": 403, "official_b": 404, "admin": 403}),
    ("/auth/logout", {}, {"anonymous": 302, **dict.fromkeys(ROLES[1:], 302)}),
]


def _cases(table, method):
    for entry in table:
        url, data, expected = (entry[0], None, entry[1]) if len(entry) == 2 else entry
        for role in ROLES:
            label = f"{role}-{method}-{url}" + ("-reply" if data and "parent" in data else "")
            yield pytest.param(role, method, url, data, expected[role], id=label)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One world for the read-only rows: GET requests change nothing."""
    database = copy_schema(session_schema(tmp_path_factory), tmp_path_factory.mktemp("access") / "db.sqlite")
    application = new_app(database)
    with application.app_context():
        world = World()
    clients = {role: client_for(application, world, role) for role in ROLES}
    yield application, world, clients
    close_app(application)


@pytest.fixture
def fresh_app(app):
    return app


def _check_redirect_to_login(response, role):
    if role == "anonymous" and response.status_code == 302:
        assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("role, method, url, data, expected", list(_cases(GET_TABLE, "GET")))
def test_get_access(shared, role, method, url, data, expected):
    _, world, clients = shared
    response = clients[role].get(world.url(url))
    assert response.status_code == expected, f"{role} GET {url}"
    _check_redirect_to_login(response, role)


@pytest.mark.parametrize("role, method, url, data, expected", list(_cases(POST_TABLE, "POST")))
def test_post_access(fresh_app, role, method, url, data, expected):
    """State-changing rows get a fresh world each."""
    world = World(roles=(role,))
    client = client_for(fresh_app, world, role)
    token = csrf_from(client, "/")
    response = client.post(world.url(url), data={**world.data(data), "csrf_token": token})
    assert response.status_code == expected, f"{role} POST {url}: {response.get_data(as_text=True)[:300]}"
    _check_redirect_to_login(response, role)


# --- effects behind the statuses ---------------------------------------------------


@pytest.fixture
def world(fresh_app):
    return World()


def _post_comment(app, world, as_role, **fields):
    client = client_for(app, world, as_role)
    token = csrf_from(client, world.url("/consultations/{slug}/"))
    data = {**POST_AS_A, "csrf_token": token, **fields}
    return client, client.post(world.url("/consultations/{slug}/comments/"), data=data)


def test_member_posts_on_behalf_of_own_organization(fresh_app, world):
    _, response = _post_comment(fresh_app, world, "member", body="Yhdistys A kannattaa.")
    assert response.status_code == 302
    rows = db_rows(_path(fresh_app), "SELECT author_id, organization_id, visibility FROM comment "
                                     "WHERE body_source = ?", ("Yhdistys A kannattaa.",))
    assert rows == [(world.user_ids["member"], world.org_a_id, "visible")]


@pytest.mark.parametrize("role", ["member_b", "official", "admin"])
def test_forged_organization_is_refused_and_nothing_stored(fresh_app, world, role):
    before = db_rows(_path(fresh_app), "SELECT count(*) FROM comment")
    client, response = _post_comment(fresh_app, world, role, body="Väärennetty lausunto.")
    assert response.status_code == 422
    if role != "admin":  # (the admin belongs to no organization and so has no form)
        html = response.get_data(as_text=True)
        assert "Väärennetty lausunto." in html  # the user's text is given back in the form
    assert db_rows(_path(fresh_app), "SELECT count(*) FROM comment") == before
    assert db_rows(_path(fresh_app), "SELECT count(*) FROM comment WHERE body_source LIKE 'Väärennetty%'") == [(0,)]
    # And the public pages do not show it either.
    public = fresh_app.test_client().get(world.url("/consultations/{slug}/comments/")).get_data(as_text=True)
    assert "Väärennetty lausunto." not in public


def test_forged_organization_in_reply_is_refused(fresh_app, world):
    _, response = _post_comment(fresh_app, world, "member_b", body="Väärennetty vastaus.", parent=str(world.comment))
    assert response.status_code == 422
    assert db_rows(_path(fresh_app), "SELECT count(*) FROM comment WHERE parent_id IS NOT NULL") == [(0,)]


@pytest.mark.parametrize("role", ["member_b", "official", "admin"])
def test_idor_cannot_edit_another_organizations_comment(fresh_app, world, role):
    client = client_for(fresh_app, world, role)
    token = csrf_from(client, world.url("/comments/{comment}"))
    response = client.post(world.url("/comments/{comment}/edit"), data={"body": "Kaapattu teksti.", "csrf_token": token})
    assert response.status_code == 403
    assert db_rows(_path(fresh_app), "SELECT body_source, edited_at FROM comment WHERE id = ?", (world.comment,)) == [
        (ORIGINAL_TEXT, None)
    ]
    assert db_rows(_path(fresh_app), "SELECT count(*) FROM comment_revision") == [(0,)]
    page = fresh_app.test_client().get(world.url("/comments/{comment}")).get_data(as_text=True)
    assert ORIGINAL_TEXT in page and "Kaapattu teksti." not in page


def test_author_can_edit_own_comment(fresh_app, world):
    client = client_for(fresh_app, world, "member")
    token = csrf_from(client, world.url("/comments/{comment}/edit"))
    response = client.post(world.url("/comments/{comment}/edit"), data={"body": "Korjattu teksti.", "csrf_token": token})
    assert response.status_code == 302
    assert db_rows(_path(fresh_app), "SELECT body_source FROM comment WHERE id = ?", (world.comment,)) == [
        ("Korjattu teksti.",)
    ]
    assert db_rows(_path(fresh_app), "SELECT body_source FROM comment_revision") == [(ORIGINAL_TEXT,)]


def test_comment_post_ignores_extra_fields(fresh_app, world):
    """Mass assignment: only body, paragraph, organization and parent are read."""
    _, response = _post_comment(
        fresh_app, world, "member",
        body="Tavallinen kommentti.",
        visibility="hidden", hide_reason="tekaistu", hidden_at="2020-01-01T00:00:00",
        author_id=str(world.user_ids["admin"]), organization_id=str(world.org_b_id),
        organization_slug="org-b", role="admin", id="4242", consultation_id="999",
        created_at="2000-01-01T00:00:00", body_html="<script>alert(1)</script>",
        edited_at="2000-01-01T00:00:00", session_version="99",
    )
    assert response.status_code == 302
    [(cid, author, org, visibility, reason, hidden_at, consultation_id, created, body_html, edited)] = db_rows(
        _path(fresh_app),
        "SELECT id, author_id, organization_id, visibility, hide_reason, hidden_at, consultation_id, "
        "created_at, body_html, edited_at FROM comment WHERE body_source = ?",
        ("Tavallinen kommentti.",),
    )
    assert cid != 4242
    assert (author, org, visibility, reason, hidden_at, edited) == (
        world.user_ids["member"], world.org_a_id, "visible", None, None, None,
    )
    assert consultation_id != 999 and not created.startswith("2000")
    assert "<script" not in body_html
    assert db_rows(_path(fresh_app), "SELECT role, session_version FROM user WHERE id = ?",
                   (world.user_ids["member"],)) == [("member", 1)]


def test_comment_edit_ignores_extra_fields(fresh_app, world):
    client = client_for(fresh_app, world, "member")
    token = csrf_from(client, world.url("/comments/{comment}/edit"))
    response = client.post(
        world.url("/comments/{comment}/edit"),
        data={"body": "Muokattu.", "csrf_token": token, "visibility": "hidden", "hide_reason": "x",
              "author_id": str(world.user_ids["admin"]), "organization_id": str(world.org_b_id),
              "organization": "org-b", "role": "admin", "body_html": "<script>alert(1)</script>"},
    )
    assert response.status_code == 302
    assert db_rows(
        _path(fresh_app),
        "SELECT body_source, author_id, organization_id, visibility, hide_reason FROM comment WHERE id = ?",
        (world.comment,),
    ) == [("Muokattu.", world.user_ids["member"], world.org_a_id, "visible", None)]
    [(body_html,)] = db_rows(_path(fresh_app), "SELECT body_html FROM comment WHERE id = ?", (world.comment,))
    assert "<script" not in body_html


@pytest.mark.parametrize("role", ["member", "member_b", "official"])
def test_only_admin_adds_memberships(fresh_app, world, role):
    client = client_for(fresh_app, world, role)
    token = csrf_from(client, "/")
    response = client.post("/admin/memberships", data={
        "user_id": str(world.user_ids["member_b"]), "organization": "org-a", "csrf_token": token})
    assert response.status_code == 403
    assert db_rows(_path(fresh_app), "SELECT count(*) FROM membership WHERE user_id = ? AND organization_id = ?",
                   (world.user_ids["member_b"], world.org_a_id)) == [(0,)]


def test_admin_adds_membership(fresh_app, world):
    client = client_for(fresh_app, world, "admin")
    token = csrf_from(client, "/admin/users")
    response = client.post("/admin/memberships", data={
        "user_id": str(world.user_ids["member_b"]), "organization": "org-a", "csrf_token": token,
        "role": "admin"})
    assert response.status_code == 303
    assert db_rows(_path(fresh_app), "SELECT count(*) FROM membership WHERE user_id = ? AND organization_id = ?",
                   (world.user_ids["member_b"], world.org_a_id)) == [(1,)]
    assert db_rows(_path(fresh_app), "SELECT role FROM user WHERE id = ?", (world.user_ids["member_b"],)) == [("member",)]


@pytest.mark.parametrize("role", ["anonymous", "member", "member_b", "official_b"])
def test_unpublished_consultation_is_not_listed_or_leaked(fresh_app, world, role):
    client = client_for(fresh_app, world, role)
    for url in ("/", "/consultations/", "/consultations/?status=open"):
        html = client.get(url).get_data(as_text=True)
        assert world.draft_title not in html
        assert f"/consultations/{world.draft}/" not in html
    html = client.get(world.url("/consultations/{slug}/comments/")).get_data(as_text=True)
    assert "Kommentti luonnokseen." not in html


def test_hidden_comment_text_never_shown(fresh_app, world):
    comment = db.session.get(Comment, world.comment)
    comment.visibility, comment.hide_reason, comment.hidden_at = "hidden", "other", utcnow()
    db.session.commit()
    for role in ("anonymous", "member_b", "member"):
        client = client_for(fresh_app, world, role)
        for url in ("/consultations/{slug}/", "/consultations/{slug}/comments/", "/comments/{comment}",
                    "/consultations/{slug}/comments/?organization=org-a"):
            response = client.get(world.url(url))
            assert response.status_code == 200
            assert ORIGINAL_TEXT not in response.get_data(as_text=True), (role, url)


# --- CSRF on comment forms ---------------------------------------------------------


def test_comment_post_without_csrf_token_is_400(fresh_app, world):
    client = client_for(fresh_app, world, "member")
    before = db_rows(_path(fresh_app), "SELECT count(*) FROM comment")
    response = client.post(world.url("/consultations/{slug}/comments/"), data={**POST_AS_A, "body": "Ilman tokenia."})
    assert response.status_code == 400
    assert db_rows(_path(fresh_app), "SELECT count(*) FROM comment") == before


def test_comment_post_with_foreign_csrf_token_is_400(fresh_app, world):
    client = client_for(fresh_app, world, "member")
    foreign = csrf_from(client_for(fresh_app, world, "member_b"), "/")
    before = db_rows(_path(fresh_app), "SELECT count(*) FROM comment")
    response = client.post(world.url("/consultations/{slug}/comments/"),
                           data={**POST_AS_A, "body": "Vieras token.", "csrf_token": foreign})
    assert response.status_code == 400
    assert db_rows(_path(fresh_app), "SELECT count(*) FROM comment") == before


def test_comment_edit_without_csrf_token_is_400(fresh_app, world):
    client = client_for(fresh_app, world, "member")
    response = client.post(world.url("/comments/{comment}/edit"), data={"body": "Ilman tokenia."})
    assert response.status_code == 400
    assert db_rows(_path(fresh_app), "SELECT body_source FROM comment WHERE id = ?", (world.comment,)) == [
        (ORIGINAL_TEXT,)
    ]


def test_admin_membership_without_csrf_token_is_400(fresh_app, world):
    client = client_for(fresh_app, world, "admin")
    response = client.post("/admin/memberships", data={
        "user_id": str(world.user_ids["member_b"]), "organization": "org-a"})
    assert response.status_code == 400
    assert db_rows(_path(fresh_app), "SELECT count(*) FROM membership WHERE user_id = ? AND organization_id = ?",
                   (world.user_ids["member_b"], world.org_a_id)) == [(0,)]
