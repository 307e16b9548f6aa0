"""The officials' dashboard: their organization's consultations grouped by status with the
counts that wait for them, in a number of queries that does not grow with the rows."""
from __future__ import annotations

from app.extensions import db
from consultations.authoring.models import Invitation
from tests.conftest import counting_queries


def test_login_leads_an_official_to_the_dashboard(client, make_user, authority):
    from tests.conftest import login

    user = make_user(role="official", orgs=[authority])
    assert login(client, user).headers["Location"] == "/manage/"


def test_groups_and_counts(client, official, authority, make_consultation, make_org, make_user, make_comment):
    other = make_org(kind="authority")
    make_consultation(status="open", organizer=other, title="Toisen alueen kuuleminen")
    make_consultation(status="upcoming", organizer=authority, published=False, title="Luonnos A")
    make_consultation(status="upcoming", organizer=authority, title="Tuleva B")
    open_one = make_consultation(status="open", organizer=authority, title="Avoin C")
    closed = make_consultation(status="closed", organizer=authority, title="Päättynyt D")
    association = make_org()
    member = make_user(orgs=[association])
    db.session.add(Invitation(consultation_id=closed.id, organization_id=association.id))
    db.session.add(Invitation(consultation_id=closed.id, organization_id=make_org().id))
    db.session.commit()
    make_comment(closed, member, association)
    make_comment(closed, member, association, body="Toinen.")
    comment = make_comment(open_one, member, association)
    reporter = make_user()
    from comments.moderation.services import report_comment

    report_comment(comment, reporter, "127.0.0.1", "spam", "")
    db.session.commit()
    html = client.get("/manage/").get_data(as_text=True)
    assert "Toisen alueen" not in html
    sections = {name: html.split(f'id="group-{name}"')[1].split("</section>")[0]
                for name in ("draft", "upcoming", "open", "closed", "summarized")}
    assert "Luonnos A" in sections["draft"] and "Tuleva B" in sections["upcoming"]
    assert "Avoin C" in sections["open"] and "days left" in sections["open"] and "1 open report" in sections["open"]
    assert "Päättynyt D" in sections["closed"]
    assert "1 / 2 invited organizations answered" in sections["closed"]
    assert "2 comments without a response" in sections["closed"]


def _dashboard_queries(client) -> int:
    client.get("/manage/")
    with counting_queries() as statements:
        assert client.get("/manage/").status_code == 200
    return len(statements)


def test_query_count_does_not_grow_with_consultations(client, official, authority, make_consultation, make_org,
                                                      make_user, make_comment):
    association = make_org()
    member = make_user(orgs=[association])

    def add(n):
        for i in range(n):
            consultation = make_consultation(status=("open", "closed", "upcoming")[i % 3], organizer=authority)
            db.session.add(Invitation(consultation_id=consultation.id, organization_id=association.id))
            db.session.commit()
            if consultation.status != "upcoming":
                make_comment(consultation, member, association)

    add(3)
    few = _dashboard_queries(client)
    add(9)
    assert _dashboard_queries(client) == few <= 15


def test_counts_are_worded_by_number_in_finnish(client, official, authority, make_consultation, make_org, make_user,
                                                 make_comment):
    from tests.consultations.authoring.helpers import use_language

    closed = make_consultation(status="closed", organizer=authority, title="Päättynyt")
    association = make_org()
    make_comment(closed, make_user(orgs=[association]), association)
    use_language(client, "fi")
    section = client.get("/manage/").get_data(as_text=True).split('id="group-closed"')[1].split("</section>")[0]
    assert "1 kommentti ilman vastinetta" in section  # not "1 kommenttia"
