"""Access to every authoring route as a table: anonymous, member, member of another
organization, official, official of another authority, admin × route and method
(SECURITY.md, "Authorization"), on the world of tests/test_access_table.py."""
from __future__ import annotations

import pytest

from app.extensions import db
from consultations.authoring.models import Invitation
from consultations.authoring.preview import preview_token
from consultations.models import Consultation
from tests.conftest import csrf_from
from tests.test_access_table import ROLES, World, client_for, shared as _shared_world  # noqa: F401

OFFICIALS = {"anonymous": 302, "member": 403, "member_b": 403, "official": 200, "official_b": 200, "admin": 200}
# The organizer's officials and admins; a published consultation is 403 to others...
MANAGERS = {"anonymous": 302, "member": 403, "member_b": 403, "official": 200, "official_b": 403, "admin": 200}
# ...and an unpublished one does not exist for them.
DRAFT_MANAGERS = {"anonymous": 302, "member": 404, "member_b": 404, "official": 200, "official_b": 404, "admin": 200}


def _redirected(table: dict, status: int = 303) -> dict:
    return {role: (status if code == 200 else code) for role, code in table.items()}


class AuthoringWorld(World):
    """The access table's world, with an invited organization and a preview link."""

    def __init__(self, roles=ROLES):
        super().__init__(roles)
        consultation, draft = Consultation.by_slug(self.slug), Consultation.by_slug(self.draft)
        invitation = Invitation(consultation_id=consultation.id, organization_id=self.org_b_id)
        draft.preview_key = "avain"
        db.session.add(invitation)
        db.session.commit()
        self.invitation, self.token = invitation.id, preview_token(draft)
        self.version = consultation.documents[0].versions[-1].id

    def url(self, template: str) -> str:
        template = template.replace("{invitation}", str(self.invitation)).replace("{token}", self.token)
        return super().url(template.replace("{version}", str(self.version)))


@pytest.fixture(scope="module")
def shared(tmp_path_factory, monkeypatch_module):
    monkeypatch_module.setattr("tests.test_access_table.World", AuthoringWorld)
    yield from _shared_world.__wrapped__(tmp_path_factory)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


GET_TABLE = [
    ("/manage/", OFFICIALS),
    ("/manage/consultations/new", OFFICIALS),
    ("/consultations/{slug}/manage/edit", MANAGERS),
    ("/consultations/{draft}/manage/edit", DRAFT_MANAGERS),
    ("/consultations/{slug}/manage/copy", MANAGERS),
    ("/consultations/{draft}/manage/copy", DRAFT_MANAGERS),
    ("/consultations/{slug}/manage/invitations/", MANAGERS),
    ("/consultations/{slug}/manage/invitations/?q=Yhdistys", MANAGERS),
    ("/consultations/{draft}/manage/invitations/", DRAFT_MANAGERS),
    ("/consultations/{slug}/manage/", MANAGERS),
    ("/consultations/{draft}/manage/", DRAFT_MANAGERS),
    # The secret link is the permission: whoever holds it reads; a wrong one finds nothing.
    ("/consultations/{draft}/preview/{token}", dict.fromkeys(ROLES, 200)),
    ("/consultations/{draft}/preview/x{token}", dict.fromkeys(ROLES, 404)),
    ("/consultations/{slug}/preview/{token}", dict.fromkeys(ROLES, 404)),
    # State changes are POST only.
    ("/consultations/{draft}/manage/publish", dict.fromkeys(ROLES, 405)),
    ("/consultations/{slug}/manage/close", dict.fromkeys(ROLES, 405)),
]

NEW = {"title": "Uusi kuuleminen", "slug": "uusi", "description": "", "language": "fi", "opens_at": "2030-01-10T09:00",
       "closes_at": "2030-02-10T16:00", "commenters": "organizations", "organizer": "authority",
       "parts-0-title": "Luonnos", "parts-0-source": "# Otsikko\n\nTeksti.\n", "action": "save"}
EDIT = {"title": "Muutettu", "slug": "luonnos", "description": "", "language": "fi", "opens_at": "2030-01-10T09:00",
        "closes_at": "2030-02-10T16:00", "commenters": "organizations"}
LATER = {"closes_at": "2031-01-01T12:00", "note": "Lisäaikaa."}
POST_TABLE = [
    # Another authority's official may not organize for this one: the organizer is not theirs to choose.
    ("/manage/consultations/new", NEW, {**_redirected(OFFICIALS), "official_b": 422}),
    ("/consultations/{draft}/manage/edit", EDIT, _redirected(DRAFT_MANAGERS)),
    ("/consultations/{slug}/manage/edit", {**EDIT, "slug": "avoin"}, _redirected(MANAGERS)),
    ("/consultations/{draft}/manage/publish", {}, _redirected(DRAFT_MANAGERS)),
    ("/consultations/{draft}/manage/schedule", {"publish_at": "2030-01-01T09:00"}, _redirected(DRAFT_MANAGERS)),
    ("/consultations/{slug}/manage/close", {"note": "Suljettu."}, _redirected(MANAGERS)),
    ("/consultations/{slug}/manage/extend", LATER, _redirected(MANAGERS)),
    ("/consultations/{draft}/manage/parts/1/title", {"title": "Osa"}, _redirected(DRAFT_MANAGERS)),
    ("/consultations/{draft}/manage/parts/1/move", {"direction": "down"}, _redirected(DRAFT_MANAGERS)),
    ("/consultations/{draft}/manage/parts", {"part-title": "Liite", "part-source": "# Liite\n\nTeksti.\n"},
     _redirected(DRAFT_MANAGERS)),
    ("/consultations/{slug}/manage/copy", {"title": "Kopio", "slug": "kopio"}, _redirected(MANAGERS)),
    ("/consultations/{draft}/manage/preview-link", {}, _redirected(DRAFT_MANAGERS)),
    ("/consultations/{slug}/manage/preview-link", {}, _redirected(MANAGERS, 409)),  # open: nothing to preview
    ("/consultations/{draft}/manage/preview-link/revoke", {}, _redirected(DRAFT_MANAGERS)),
    ("/consultations/{slug}/manage/invitations/", {"organization": "org-a"}, _redirected(MANAGERS)),
    ("/consultations/{slug}/manage/invitations/{invitation}/remove", {}, _redirected(MANAGERS)),
    # The management page's other forms (issue 7 versions, attachments): refused without a file.
    ("/consultations/{slug}/manage/versions", {}, _redirected(MANAGERS, 422)),
    ("/consultations/{slug}/manage/versions/{version}/publish", {}, _redirected(MANAGERS)),
    ("/consultations/{slug}/manage/attachments", {}, _redirected(MANAGERS, 422)),
]


def _cases(table, method):
    for entry in table:
        url, data, expected = (entry[0], None, entry[1]) if len(entry) == 2 else entry
        for role in ROLES:
            yield pytest.param(role, url, data, expected[role], id=f"{role}-{method}-{url}")


@pytest.mark.parametrize("role, url, data, expected", list(_cases(GET_TABLE, "GET")))
def test_get_access(shared, role, url, data, expected):
    _, world, clients = shared
    response = clients[role].get(world.url(url))
    assert response.status_code == expected, f"{role} GET {url}"
    if role == "anonymous" and expected == 302:
        assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("role, url, data, expected", list(_cases(POST_TABLE, "POST")))
def test_post_access(app, role, url, data, expected):
    world = AuthoringWorld(roles=(role,))
    client = client_for(app, world, role)
    response = client.post(world.url(url), data={**(data or {}), "csrf_token": csrf_from(client, "/")})
    assert response.status_code == expected, f"{role} POST {url}: {response.get_data(as_text=True)[:500]}"


@pytest.mark.parametrize("url", [u for u, *_ in POST_TABLE])
def test_every_post_needs_the_csrf_token(shared, url):
    _, world, clients = shared  # refused before the view runs: the shared world stays as it was
    assert clients["official"].post(world.url(url), data={}).status_code == 400


def _is_managed(rule) -> bool:
    return "/manage" in rule.rule or rule.endpoint.split(".")[0] in ("authoring", "editing", "preview", "invitations")


def test_every_management_route_has_a_row(shared):
    """A new route under /manage (or of the authoring blueprints) without a row fails here."""
    from werkzeug.exceptions import MethodNotAllowed

    application, world, _clients = shared
    adapter = application.url_map.bind("localhost")
    covered = set()
    for table, method in ((GET_TABLE, "GET"), (POST_TABLE, "POST")):
        for url, *_rest in table:
            try:
                endpoint, _args = adapter.match(world.url(url).split("?")[0], method=method)
            except MethodNotAllowed:
                continue
            covered.add((endpoint, method))
    registered = {(rule.endpoint, method) for rule in application.url_map.iter_rules() if _is_managed(rule)
                  for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert registered - covered == set()
