"""`flask orgs create`, `flask users create` and `flask demo`."""
from __future__ import annotations

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from app.extensions import db
from app.models import Membership, Organization, User
from comments.models import Comment, CommentRevision
from comments.responses.demo import CLOSED_COMMENTS, DEMO_PASSWORD, OPEN_COMMENTS
from comments.responses.official import response_for
from consultations.models import Consultation, Document, DocumentVersion, Paragraph

STRONG = "vahva-salasana-2026"


def t(msgid: str, **params) -> str:
    with force_locale("fi"):
        return gettext(msgid, **params)


def committed(*models) -> tuple[int, ...]:
    """Rows that reached the database, counted on a connection of their own."""
    with db.engine.connect() as connection:
        return tuple(
            connection.execute(select(func.count()).select_from(m.__table__)).scalar_one() for m in models
        )


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def assert_one_line_error(result, *fragments):
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


# --- orgs create -----------------------------------------------------------------------


def test_create_organization_with_valid_business_id(app):
    result = invoke(app, "orgs", "create", "--name", "Järvilaakson hyvinvointialue", "--slug", "jarvilaakso",
                    "--business-id", "2983216-9", "--kind", "authority")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Created organization jarvilaakso."
    org = db.session.scalar(select(Organization).where(Organization.slug == "jarvilaakso"))
    assert (org.name, org.business_id, org.kind) == ("Järvilaakson hyvinvointialue", "2983216-9", "authority")


def test_create_organization_without_business_id(app):
    result = invoke(app, "orgs", "create", "--name", "Kyläyhdistys ry", "--slug", "kylayhdistys")
    assert result.exit_code == 0, result.output
    org = db.session.scalar(select(Organization).where(Organization.slug == "kylayhdistys"))
    assert org.business_id is None and org.kind == "association"


@pytest.mark.parametrize("business_id", ["2983216-8", "2983216-0", "2983216", "298321-69", "29832169", "abcdefg-1", "2983216-9 "])
def test_invalid_business_id_is_rejected(app, business_id):
    before = committed(Organization)
    result = invoke(app, "orgs", "create", "--name", "Yhdistys ry", "--slug", "yhdistys", "--business-id", business_id)
    assert_one_line_error(result, t("Invalid business ID (Y-tunnus): %(value)s", value=business_id).strip())
    assert committed(Organization) == before


def test_business_id_with_remainder_one_is_never_valid(app):
    # 0010001: weighted sum 1*10 + 1*2 = 12, remainder 1: no check digit makes it valid.
    before = committed(Organization)
    for digit in range(10):
        result = invoke(app, "orgs", "create", "--name", "Yhdistys ry", "--slug", f"yhdistys-{digit}",
                        "--business-id", f"0010001-{digit}")
        assert result.exit_code != 0, (digit, result.output)
    assert committed(Organization) == before


def test_duplicate_organization_slug(app):
    assert invoke(app, "orgs", "create", "--name", "Ensimmäinen ry", "--slug", "sama").exit_code == 0
    before = committed(Organization)
    result = invoke(app, "orgs", "create", "--name", "Toinen ry", "--slug", "sama")
    assert_one_line_error(result, t("An organization with the slug %(slug)s already exists.", slug="sama"))
    assert committed(Organization) == before
    assert db.session.scalar(select(Organization.name).where(Organization.slug == "sama")) == "Ensimmäinen ry"


def test_duplicate_business_id(app):
    assert invoke(app, "orgs", "create", "--name", "Eka ry", "--slug", "eka", "--business-id", "2983216-9").exit_code == 0
    before = committed(Organization)
    result = invoke(app, "orgs", "create", "--name", "Toka ry", "--slug", "toka", "--business-id", "2983216-9")
    assert_one_line_error(result, "2983216-9")
    assert committed(Organization) == before


@pytest.mark.parametrize("slug", ["Iso", "väli lyönti", "ä", "-alku", ""])
def test_bad_organization_slug(app, slug):
    before = committed(Organization)
    result = invoke(app, "orgs", "create", "--name", "Yhdistys ry", "--slug", slug)
    assert_one_line_error(result, t("The slug may contain only a-z, 0-9 and hyphens."))
    assert committed(Organization) == before


def test_blank_organization_name(app):
    before = committed(Organization)
    assert_one_line_error(invoke(app, "orgs", "create", "--name", "  ", "--slug", "nimeton"), t("The name is required."))
    assert committed(Organization) == before


# --- users create ----------------------------------------------------------------------


@pytest.fixture
def orgs(make_org):
    return make_org(name="Omaishoitajat ry", slug="omaishoitajat"), make_org(name="Kyläyhdistys ry", slug="kyla")


def test_create_official_with_membership(app, orgs):
    result = invoke(app, "users", "create", "--email", "Virkailija@Example.org", "--password", STRONG,
                    "--name", "Outi Virkailija", "--role", "official", "--org", "omaishoitajat")
    assert result.exit_code == 0, result.output
    user = User.by_email("virkailija@example.org")
    assert user is not None
    assert user.role == "official" and user.is_official and not user.is_admin
    assert user.display_name == "Outi Virkailija"
    assert [o.slug for o in user.organizations] == ["omaishoitajat"]
    assert user.check_password(STRONG)
    assert user.password_hash != STRONG and STRONG not in user.password_hash


def test_create_member_of_several_organizations(app, orgs):
    result = invoke(app, "users", "create", "--email", "edustaja@example.org", "--password", STRONG,
                    "--name", "Eero Edustaja", "--org", "omaishoitajat", "--org", "kyla")
    assert result.exit_code == 0, result.output
    user = User.by_email("edustaja@example.org")
    assert user.role == "member"
    assert sorted(o.slug for o in user.organizations) == ["kyla", "omaishoitajat"]


def test_create_admin_without_organization(app):
    result = invoke(app, "users", "create", "--email", "admin@example.org", "--password", STRONG,
                    "--name", "Aino Ylläpitäjä", "--role", "admin")
    assert result.exit_code == 0, result.output
    user = User.by_email("admin@example.org")
    assert user.is_admin and user.organizations == []


def test_created_user_can_log_in(app, client, orgs):
    invoke(app, "users", "create", "--email", "kirjautuja@example.org", "--password", STRONG, "--name", "K")
    from tests.conftest import login

    response = login(client, "kirjautuja@example.org", STRONG)
    assert response.status_code == 302


@pytest.mark.parametrize(
    "password, message",
    [
        ("lyhyt-1", ("The password must be at least %(n)d characters long.", {"n": 12})),
        ("salasana1234", ("This password is too common. Choose another.", {})),
        ("aaaaaaaaaaaaaaaa", ("This password is too common. Choose another.", {})),
        ("x" * 129, ("The password can be at most %(n)d characters long.", {"n": 128})),
        ("heikko@example.org", ("The password must not be your email address.", {})),
    ],
)
def test_weak_password_is_rejected(app, orgs, password, message):
    before = committed(User, Membership)
    result = invoke(app, "users", "create", "--email", "heikko@example.org", "--password", password,
                    "--name", "Heikki Heikko", "--org", "kyla")
    assert_one_line_error(result, t(message[0], **message[1]))
    assert committed(User, Membership) == before
    assert User.by_email("heikko@example.org") is None


@pytest.mark.parametrize("second", ["sama@example.org", "SAMA@example.org", "Sama@Example.Org", " sama@example.org "])
def test_duplicate_email_is_rejected_case_insensitively(app, second):
    assert invoke(app, "users", "create", "--email", "sama@example.org", "--password", STRONG, "--name", "Eka").exit_code == 0
    before = committed(User, Membership)
    result = invoke(app, "users", "create", "--email", second, "--password", STRONG, "--name", "Toka")
    assert_one_line_error(result, t("An account with this email address already exists."))
    assert committed(User, Membership) == before


@pytest.mark.parametrize("email", ["ei-osoite", "kaksi@@example.org", "tyhjä@", "@example.org", "väli lyönti@example.org"])
def test_malformed_email_is_rejected(app, email):
    before = committed(User, Membership)
    result = invoke(app, "users", "create", "--email", email, "--password", STRONG, "--name", "Virhe")
    assert_one_line_error(result, t("Enter a valid email address."))
    assert committed(User, Membership) == before


def test_unknown_organization_writes_no_user(app, orgs):
    before = committed(User, Membership)
    result = invoke(app, "users", "create", "--email", "uusi@example.org", "--password", STRONG,
                    "--name", "Uusi", "--org", "kyla", "--org", "ei-ole")
    assert_one_line_error(result, t("Unknown organization: %(slug)s", slug="ei-ole"))
    assert committed(User, Membership) == before


def test_unknown_role_is_rejected(app):
    before = committed(User)
    result = invoke(app, "users", "create", "--email", "rooli@example.org", "--password", STRONG,
                    "--name", "Rooli", "--role", "superuser")
    assert result.exit_code != 0
    assert "superuser" in result.output
    assert committed(User) == before


# --- demo ------------------------------------------------------------------------------

ALL_MODELS = (Organization, User, Membership, Consultation, Document, DocumentVersion, Paragraph, Comment,
              CommentRevision)


def test_demo_is_idempotent(app):
    first = invoke(app, "demo")
    assert first.exit_code == 0, first.output
    after_first = committed(*ALL_MODELS)
    assert all(after_first[:-1]), after_first  # everything but revisions exists
    second = invoke(app, "demo")
    assert second.exit_code == 0, second.output
    assert committed(*ALL_MODELS) == after_first


def test_demo_content(app, client):
    assert invoke(app, "demo").exit_code == 0
    db.session.expire_all()
    consultations = db.session.scalars(select(Consultation)).all()
    by_status = {}
    for consultation in consultations:
        by_status.setdefault(consultation.status, []).append(consultation)
    assert set(by_status) >= {"open", "closed", "upcoming", "summarized"}

    def comments_of(consultation):
        return db.session.scalars(select(Comment).where(Comment.consultation_id == consultation.id)).all()

    open_comments = [c for cons in by_status["open"] for c in comments_of(cons)]
    assert len({c.paragraph_anchor for c in open_comments if c.paragraph_anchor}) >= 3
    assert any(c.paragraph_anchor is None for c in open_comments)
    assert max(len(comments_of(c)) for c in by_status["closed"]) >= 10
    assert all(c.created_at >= cons.opens_at and c.created_at < cons.closes_at
               for cons in consultations for c in comments_of(cons))

    officials = db.session.scalars(select(User).where(User.role == "official")).all()
    assert officials and all(u.organizations for u in officials)
    representatives = [u for u in db.session.scalars(select(User).where(User.role == "member")) if u.organizations]
    assert len(representatives) >= 2
    for user in officials + representatives:
        assert user.check_password(DEMO_PASSWORD)

    # Every demo comment landed where it was meant to: on the numbered paragraph, or on
    # the whole draft when no number was given (none fell back silently).
    for consultation, planned in ((by_status["open"][0], OPEN_COMMENTS), (by_status["closed"][0], CLOSED_COMMENTS)):
        numbers = {p.anchor: p.number for d in consultation.documents for p in d.latest_version.paragraphs}
        posted = sorted(comments_of(consultation), key=lambda c: c.id)
        assert len(posted) == len(planned)
        for comment, (email, org, number, body) in zip(posted, planned):
            assert comment.author.email == email
            assert comment.organization.slug == org
            assert numbers.get(comment.paragraph_anchor) == number, (number, comment.paragraph_anchor)

    # The pages render.
    for consultation in consultations:
        assert client.get(f"/consultations/{consultation.slug}/").status_code == 200
    [summarized] = by_status["summarized"]
    summary = client.get(f"/consultations/{summarized.slug}/summary")
    assert summary.status_code == 200
    assert "Kylien kenttien aikataulu pysyy ennallaan." in summary.get_data(as_text=True)
    assert all(response_for(c) is not None for c in comments_of(summarized))  # every comment answered
    # The archive is searchable right after `flask demo`: paragraphs and comments alike.
    found = client.get("/search", query_string={"q": "avustus"}).get_data(as_text=True)
    assert by_status["closed"][0].title in found
    found = client.get("/search", query_string={"q": "talkootyö"}).get_data(as_text=True)
    assert "Rantakulman kyläyhdistys ry" in found


@pytest.mark.parametrize("args, fragment", [
    (("users", "create", "--email", "a@example.org"), "Missing option '--password'"),
    (("users", "create", "--email", "a@example.org", "--password", STRONG, "--name", "A", "--role", "boss"),
     "'boss' is not one of"),
    (("orgs", "create", "--name", "Nimi", "--slug", "nimi", "--colour", "red"), "No such option '--colour'"),
    (("users", "remove"), "No such command 'remove'"),
    (("consultations", "import"), "Missing argument"),
    (("search", "verify", "--fix"), "No such option '--fix'"),
    (("outbox", "send", "extra"), "unexpected extra argument"),
])
def test_a_mistyped_command_line_is_one_line(app, args, fragment):
    before = committed(User, Organization)
    result = invoke(app, *args)
    assert_one_line_error(result, fragment)
    assert result.exit_code == 2
    assert committed(User, Organization) == before


def test_help_still_shows_the_usage(app):
    result = invoke(app, "users", "create", "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output and "--email" in result.output
