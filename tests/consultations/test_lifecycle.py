"""Lifecycle: status derives from the dates, with exact instants at both ends, and the
server refuses comments outside the open window."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from markupsafe import escape
from sqlalchemy import select

from app.extensions import db
from app.i18n import format_moment
from consultations.models import Consultation
from consultations.services import create_consultation
from tests.conftest import comment_count, csrf_from, paragraphs_of
from tests.conftest import in_finnish as t

OPENS = datetime(2030, 3, 1, 7, 0, 0, 0, tzinfo=timezone.utc)
CLOSES = datetime(2030, 3, 31, 21, 59, 59, 999999, tzinfo=timezone.utc)
MICRO = timedelta(microseconds=1)


def _stored_consultation(make_org, opens=OPENS, closes=CLOSES, **extra) -> Consultation:
    organizer = make_org(kind="authority")
    consultation = create_consultation(
        slug="elinkaari", title="Elinkaari", organizer_slug=organizer.slug,
        opens_at=opens, closes_at=closes, **extra,
    )
    db.session.commit()
    db.session.expire_all()  # read the dates back from the database
    return db.session.scalar(select(Consultation).where(Consultation.slug == "elinkaari"))


def test_dates_survive_the_database_to_the_microsecond(app, make_org):
    consultation = _stored_consultation(make_org)
    assert consultation.opens_at == OPENS
    assert consultation.closes_at == CLOSES
    assert consultation.opens_at.tzinfo is not None


def test_status_at_the_opening_instant(app, make_org):
    consultation = _stored_consultation(make_org)
    assert consultation.status_at(OPENS - timedelta(days=30)) == "upcoming"
    assert consultation.status_at(OPENS - MICRO) == "upcoming"
    assert consultation.status_at(OPENS) == "open"
    assert consultation.status_at(OPENS + MICRO) == "open"


def test_status_at_the_closing_instant(app, make_org):
    consultation = _stored_consultation(make_org)
    assert consultation.status_at(CLOSES - MICRO) == "open"
    assert consultation.status_at(CLOSES) == "closed"
    assert consultation.status_at(CLOSES + MICRO) == "closed"
    assert consultation.status_at(CLOSES + timedelta(days=365)) == "closed"


def test_status_instants_in_helsinki_time_are_the_same_instants(app, make_org):
    consultation = _stored_consultation(make_org)
    helsinki = timezone(timedelta(hours=2))
    assert consultation.status_at(OPENS.astimezone(helsinki)) == "open"
    assert consultation.status_at((OPENS - MICRO).astimezone(helsinki)) == "upcoming"
    assert consultation.status_at(CLOSES.astimezone(helsinki)) == "closed"


def test_unpublished_is_draft_at_every_instant(app, make_org):
    consultation = _stored_consultation(make_org, published=False)
    for moment in (OPENS - MICRO, OPENS, CLOSES - MICRO, CLOSES):
        assert consultation.status_at(moment) == "draft"


def test_summarized_from_the_summary_instant_after_closing(app, make_org):
    consultation = _stored_consultation(make_org)
    summary_at = CLOSES + timedelta(days=7)
    consultation.summary_published_at = summary_at
    db.session.commit()
    db.session.expire_all()
    assert consultation.status_at(CLOSES - MICRO) == "open"
    assert consultation.status_at(summary_at - MICRO) == "closed"
    assert consultation.status_at(summary_at) == "summarized"


def test_status_property_uses_now(app, make_consultation):
    assert make_consultation(status="upcoming").status == "upcoming"
    assert make_consultation(status="open").status == "open"
    assert make_consultation(status="closed").status == "closed"


# --- through HTTP ---------------------------------------------------------------------


def _post(client, consultation, body, anchor="", organization=""):
    token = csrf_from(client, "/")
    return client.post(
        f"/consultations/{consultation.slug}/comments/",
        data={"body": body, "paragraph": anchor, "organization": organization, "csrf_token": token},
    )


def test_posting_to_upcoming_consultation_is_refused(client, make_org, make_user, make_consultation, login_as):
    org = make_org()
    user = make_user(orgs=[org])
    consultation = make_consultation(status="upcoming")
    anchor = paragraphs_of(consultation)[1].anchor
    login_as(user)
    before = comment_count()
    typed = "Kirjoitin tämän ennen avautumista & <b>toivon</b> sen säilyvän."
    response = _post(client, consultation, typed, anchor, org.slug)
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert t("Commenting opens %(moment)s.", moment=format_moment(consultation.opens_at)) in html
    assert str(escape(typed)) in html  # what the user typed comes back, escaped
    assert "<b>toivon</b>" not in html
    assert comment_count() == before


def test_posting_to_closed_consultation_is_refused(client, make_org, make_user, make_consultation, login_as):
    org = make_org()
    user = make_user(orgs=[org])
    consultation = make_consultation(status="closed")
    login_as(user)
    before = comment_count()
    typed = "Ehdin kirjoittaa vasta määräajan jälkeen."
    response = _post(client, consultation, typed, "", org.slug)
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert t("Commenting has ended.") in html
    assert re.search(r"<textarea[^>]*>\s*" + re.escape(typed) + r"\s*</textarea>", html)
    assert comment_count() == before


def test_reply_to_a_comment_of_a_closed_consultation_is_refused(
    client, make_org, make_user, make_consultation, make_comment, login_as
):
    org = make_org()
    user = make_user(orgs=[org])
    consultation = make_consultation(status="closed")
    root = make_comment(consultation, user, org, body="Juurikommentti.")
    login_as(user)
    before = comment_count()
    token = csrf_from(client, "/")
    response = client.post(
        f"/consultations/{consultation.slug}/comments/",
        data={"body": "Myöhäinen vastaus.", "parent": str(root.id), "organization": org.slug,
              "paragraph": "", "csrf_token": token},
    )
    assert response.status_code == 403
    assert comment_count() == before


def test_unpublished_consultation_cannot_be_commented(client, make_org, make_user, make_consultation, login_as):
    org = make_org()
    user = make_user(orgs=[org])
    consultation = make_consultation(status="open", published=False)
    login_as(user)
    before = comment_count()
    response = _post(client, consultation, "Luonnokseen ennen julkaisua.", "", org.slug)
    assert response.status_code == 404
    assert comment_count() == before


def test_open_consultation_accepts_the_same_post(client, make_org, make_user, make_consultation, login_as):
    """The control case: the same request is accepted while the consultation is open."""
    org = make_org()
    user = make_user(orgs=[org])
    consultation = make_consultation(status="open")
    login_as(user)
    before = comment_count()
    response = _post(client, consultation, "Ajoissa.", "", org.slug)
    assert response.status_code == 302
    assert comment_count() == before + 1
