"""axe-core (WCAG 2.0/2.1 A and AA rules) on the public pages, in a real browser."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from app.extensions import db
from app.timeutil import utcnow
from comments.services import post_comment
from tests.browser.helpers import assert_no_axe_violations, expect, log_in
from tests.conftest import DRAFT, PASSWORD, paragraphs_of, registration_path

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/kuulo-consultation.png"


def _discussion(consultation, rep, orgs):
    """Comments on the whole draft and on paragraphs, a reply, and a hidden comment, posted
    with the service while the consultation is open (committed later, in one go)."""
    paragraphs = paragraphs_of(consultation)
    body_paragraph = next(p for p in paragraphs if p.kind == "paragraph")
    list_item = next(p for p in paragraphs if p.kind == "list_item")
    first, second = orgs[0].slug, orgs[1].slug
    post_comment(consultation, rep, "Luonnos on **selkeä**, kiitos.\n\n- yksi\n- kaksi", "", first)
    root = post_comment(consultation, rep, "Tähän kohtaan toivomme tarkennusta.", body_paragraph.anchor, first)
    post_comment(consultation, rep, "Yhdymme edelliseen. Lisätietoa [täällä](https://example.org/).",
                 "", second, parent=root)
    hidden = post_comment(consultation, rep, "Asiaton kommentti.", list_item.anchor, second)
    hidden.visibility, hidden.hide_reason, hidden.hidden_at = "hidden", "other", utcnow()
    post_comment(consultation, rep, "Kohta on hyvä sellaisenaan.", list_item.anchor, second)
    return body_paragraph.anchor


@pytest.fixture
def site(live_server, make_org, make_user, make_consultation):
    orgs = [make_org(name="Kylätoimikunta ry", slug="kylatoimikunta"),
            make_org(name="Lähiliikunta ry", slug="lahiliikunta")]
    rep = make_user(orgs=orgs, email="edustaja@example.org", name="Eeva Edustaja")
    authority = make_org(name="Esimerkin hyvinvointialue", slug="hyvinvointialue", kind="authority")
    open_c = make_consultation(status="open", organizer=authority, title="Järjestöyhteistyön periaatteet",
                               source=DRAFT)
    to_close = make_consultation(status="open", organizer=authority, title="Liikuntapaikkojen avustukset",
                                 source=DRAFT)
    make_consultation(status="upcoming", organizer=authority, title="Kulttuuripalvelujen linjaukset")
    open_c.description = "Luonnos kertoo, miten hyvinvointialue ja järjestöt tekevät yhteistyötä."
    open_anchor = _discussion(open_c, rep, orgs)
    closed_anchor = _discussion(to_close, rep, orgs)
    db.session.commit()
    now = utcnow()  # the commenting period of the second one is over
    to_close.opens_at, to_close.closes_at = now - timedelta(days=20), now - timedelta(days=1)
    data = SimpleNamespace(email=rep.email, open_slug=open_c.slug, open_anchor=open_anchor,
                           closed_slug=to_close.slug, closed_anchor=closed_anchor)
    db.session.commit()  # and end the test thread's transaction before the browser comes
    return data


def _open_all_comments(page):
    """axe checks only what is rendered: open every collapsed comment thread."""
    page.locator("details:not([open]) > summary").evaluate_all("els => els.forEach(s => s.click())")
    expect(page.locator("details:not([open])")).to_have_count(0)


def test_front_page(page, site):
    page.goto("/")
    assert_no_axe_violations(page, "the front page")


def test_open_consultation_with_comments_anonymous(page, site):
    page.goto(f"/consultations/{site.open_slug}/?open={site.open_anchor}")
    _open_all_comments(page)
    assert_no_axe_violations(page, "an open consultation (anonymous)")


def test_open_consultation_with_comment_form(page, live_server, site):
    log_in(page, live_server, site.email, PASSWORD)
    page.goto(f"/consultations/{site.open_slug}/")
    expect(page.get_by_role("button", name=live_server.t("Publish comment"), exact=True)).to_be_visible()
    _open_all_comments(page)
    assert_no_axe_violations(page, "an open consultation with the comment form")
    page.screenshot(path=SCREENSHOT, full_page=True)


def test_open_consultation_after_failed_comment(page, live_server, site):
    log_in(page, live_server, site.email, PASSWORD)
    page.goto(f"/consultations/{site.open_slug}/")
    # Only spaces: past the browser's `required` check, refused by the server.
    page.get_by_label(live_server.t("Comment"), exact=True).fill("   ")
    page.get_by_role("button", name=live_server.t("Publish comment"), exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_no_axe_violations(page, "the comment form with errors")


def test_closed_consultation_with_comments(page, live_server, site):
    page.goto(f"/consultations/{site.closed_slug}/#{site.closed_anchor}")
    expect(page.get_by_text(live_server.t("Commenting has ended."))).to_be_visible()
    _open_all_comments(page)
    assert_no_axe_violations(page, "a closed consultation")


def test_comment_list_of_a_paragraph(page, live_server, site):
    page.goto(f"/consultations/{site.closed_slug}/comments/?paragraph={site.closed_anchor}")
    assert_no_axe_violations(page, "the comments of a paragraph (closed, anonymous)")
    log_in(page, live_server, site.email, PASSWORD)
    page.goto(f"/consultations/{site.open_slug}/comments/?paragraph={site.open_anchor}")
    expect(page.get_by_label(live_server.t("Comment"), exact=True)).to_be_visible()
    assert_no_axe_violations(page, "the comments of a paragraph (open, with the form)")


def test_login_page_before_and_after_failed_submits(page, live_server, make_user):
    email = make_user().email
    db.session.commit()
    page.goto("/auth/login")
    assert_no_axe_violations(page, "the login page")

    page.get_by_role("button", name=live_server.t("Log in"), exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label(live_server.t("Email"), exact=True)).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(page, "the login page after an empty submit")

    page.get_by_label(live_server.t("Email"), exact=True).fill(email)
    page.get_by_label(live_server.t("Password"), exact=True).fill("wrong-password-123")
    page.get_by_role("button", name=live_server.t("Log in"), exact=True).click()
    expect(page.get_by_text(live_server.t("The email address or password is incorrect."))).to_be_visible()
    assert_no_axe_violations(page, "the login page after a wrong password")


def test_registration_by_keyboard_through_the_mailed_link(page, live_server):
    page.goto("/auth/register")
    assert_no_axe_violations(page, "the register page")
    page.get_by_label(live_server.t("Name"), exact=True).fill("Reetta Rekisteröityjä")
    page.get_by_label(live_server.t("Email"), exact=True).fill("reetta@example.org")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=live_server.t("Check your email"))).to_be_visible()
    assert_no_axe_violations(page, "the check-your-email page")
    with live_server.app.app_context():
        path = registration_path("reetta@example.org")
    page.goto(path)
    assert_no_axe_violations(page, "the choose-password page")
    page.get_by_label(live_server.t("Password"), exact=True).fill("Kevät-Sade-Laulaa-7")
    page.get_by_label(live_server.t("Password again"), exact=True).fill("Kevät-Sade-Laulaa-7")
    page.keyboard.press("Enter")
    expect(page.get_by_text(live_server.t(
        "Your account has been created. Now find your organization and ask to join it, or register it."))).to_be_visible()


@pytest.mark.parametrize("path", ["/accessibility", "/privacy"])
def test_static_pages(page, path):
    page.goto(path)
    assert_no_axe_violations(page, path)
