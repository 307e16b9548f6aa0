"""The whole life of a person in Kuulo (issue 17, "Done means"), in a real browser:
register → ask to join an organization → its admin approves → comment on its behalf →
follow → the digest arrives through `flask outbox send` → download the data → delete the
account. The statement stays on the consultation page under the organization; the
person's name and address are nowhere: pages, API, exports, search, database rows.
Every page of the account is checked with axe, at 1280 px and 390 px, without sideways
scrolling at 320 px; screenshots go to test-results/accounts/ for a person to look at."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Membership
from app.outbox import OutboxMessage
from app.personal_data import ERASED_NAME
from app.timeutil import utcnow
from tests.app.account.test_leaving import all_text_in_database
from tests.browser.helpers import assert_no_axe_violations, exact, log_in
from tests.conftest import PASSWORD, registration_path

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips first
    expect = None

NAME, EMAIL, NEW_PASSWORD = "Ronja Rekisteröityjä", "ronja.r@example.org", "Kesä-Tuuli-Laulaa-9"
STATEMENT = "Kylätoimikunta kannattaa luonnosta ja toivoo lisää kohtaamispaikkoja."
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "accounts"


@pytest.fixture
def world(app, make_org, make_user, make_consultation):
    village = make_org(name="Kylätoimikunta ry")
    org_admin = make_user(orgs=[village], email="puheenjohtaja@example.org", name="Pirkko Puheenjohtaja")
    db.session.scalar(select(Membership).where(Membership.user_id == org_admin.id)).role = "admin"
    consultation = make_consultation(status="open", title="Kylien palveluverkko")
    consultation.opens_at = utcnow() - timedelta(hours=1)  # news for the first digest
    db.session.commit()
    return {"slug": consultation.slug, "title": consultation.title, "org_admin": org_admin.email}


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 900})
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate("""[...document.querySelectorAll('*')].filter(e => e.scrollWidth > e.clientWidth + 0 || e.getBoundingClientRect().right > 320)
        .slice(0, 8).map(e => e.tagName + '.' + e.className + ':' + e.scrollWidth + '/' + e.clientWidth + '/' + e.getBoundingClientRect().right)""")
    assert width <= 320, f"{name} scrolls sideways at 320 px ({width} px): {wide}"
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_no_axe_violations(page, name)


def test_the_whole_life_of_an_account(browser, page, live_server, world):
    live = live_server
    t = live.t

    # Register through the mailed link.
    page.goto("/auth/register")
    page.get_by_label(t("Name"), exact=True).fill(NAME)
    page.get_by_label(t("Email"), exact=True).fill(EMAIL)
    page.get_by_role("button", name=t("Send the link"), exact=True).click()
    expect(page.get_by_role("heading", name=t("Check your email"))).to_be_visible()
    with live.app.app_context():
        path = registration_path(EMAIL)
    page.goto(path)
    page.get_by_label(t("Password"), exact=True).fill(NEW_PASSWORD)
    page.get_by_label(t("Password again"), exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name=t("Create account"), exact=True).click()

    # Find the organization and ask to join it.
    expect(page.get_by_role("heading", level=1)).to_have_text(exact(t("Your organizations")))
    page.get_by_label(t("Name or business ID (Y-tunnus)"), exact=True).fill("kylätoimikunta")
    page.get_by_label(t("Name or business ID (Y-tunnus)"), exact=True).press("Enter")
    shoot(page, "organizations-search")
    page.get_by_role("button", name=t("Ask to join %(name)s", name="Kylätoimikunta ry")).click()
    expect(page.get_by_text(t("Your request to join %(name)s has been sent.", name="Kylätoimikunta ry"))).to_be_visible()

    # The organization's admin approves, in a browser of their own.
    admin_context = browser.new_context(base_url=live.url, viewport={"width": 1280, "height": 900})
    admin_page = admin_context.new_page()
    log_in(admin_page, live, world["org_admin"], PASSWORD)
    admin_page.goto("/account/organizations/requests")
    expect(admin_page.get_by_text(t("%(name)s asks to join %(org)s", name=NAME, org="Kylätoimikunta ry"))).to_be_visible()
    shoot(admin_page, "membership-requests")
    admin_page.get_by_label(t("Note to the person (optional)"), exact=True).fill("Tervetuloa mukaan!")
    admin_page.get_by_role("button", name=t("Approve"), exact=True).click()
    expect(admin_page.get_by_text(t("The decision has been saved and the person told."))).to_be_visible()
    admin_context.close()

    # Comment on the organization's behalf, and follow the consultation.
    page.goto(f"/consultations/{world['slug']}/")
    page.get_by_label(t("Comment"), exact=True).fill(STATEMENT)
    page.get_by_label(t("On behalf of"), exact=True).select_option(label="Kylätoimikunta ry")
    page.get_by_role("button", name=t("Publish comment"), exact=True).click()
    expect(page.get_by_text(STATEMENT)).to_be_visible()
    page.get_by_role("button", name=t("Follow this consultation"), exact=True).click()
    expect(page.get_by_text(t("You follow this consultation."))).to_be_visible()
    shoot(page, "consultation-followed")

    # The daily digest, through `flask outbox send`.
    result = live.app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    with live.app.app_context():
        digest = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.to_email == EMAIL, OutboxMessage.kind == "follow_daily"))
        assert digest is not None and digest.sent_at is not None
        assert world["title"] in digest.body and "/follows/unsubscribe/" in digest.body

    # The account's pages.
    page.goto("/account/")
    shoot(page, "account")
    page.get_by_role("link", name=t("Your comments"), exact=True).click()
    expect(page.get_by_text(STATEMENT)).to_be_visible()
    shoot(page, "my-comments")
    page.get_by_role("link", name=t("Followed consultations"), exact=True).click()
    expect(page.get_by_role("link", name=world["title"], exact=True)).to_be_visible()
    shoot(page, "follows")

    # Download the data, then delete the account.
    page.get_by_role("link", name=t("Your data and deleting the account"), exact=True).click()
    shoot(page, "delete-account")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=t("Download your data (JSON)"), exact=True).click()
    exported = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert exported["account"]["account"]["email"] == EMAIL
    assert [c["body"] for c in exported["comments"]["comments"]] == [STATEMENT]
    assert exported["follows"][0]["title"] == world["title"]
    page.get_by_label(t("Your current password"), exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name=t("Delete my account"), exact=True).click()
    expect(page.get_by_text(t("Your account has been deleted."))).to_be_visible()
    expect(page.get_by_role("link", name=t("Log in"), exact=True)).to_be_visible()

    # The statement stays under the organization; the person is nowhere.
    page.goto(f"/consultations/{world['slug']}/")
    statement = page.locator("article").filter(has_text=STATEMENT)
    expect(statement).to_contain_text("Kylätoimikunta ry")
    expect(statement).to_contain_text(ERASED_NAME)
    expect(page.locator("body")).not_to_contain_text(NAME)
    anyone = live.app.test_client()
    for url in (f"/consultations/{world['slug']}/", f"/consultations/{world['slug']}/comments/",
                f"/api/v1/consultations/{world['slug']}/comments", f"/consultations/{world['slug']}/export.csv",
                f"/consultations/{world['slug']}/export.json", f"/consultations/{world['slug']}/comments.atom",
                "/search?q=kohtaamispaikka&status=open", "/search?q=Rekister%C3%B6ityj%C3%A4"):
        with live.app.app_context():
            text = anyone.get(url).get_data(as_text=True)
        # (the search page repeats its query: the surname searched for, never the name)
        assert NAME not in text and EMAIL not in text and "Ronja" not in text, url
    with live.app.app_context():
        everything = all_text_in_database(live.app)
    assert NAME not in everything and EMAIL not in everything and "Ronja" not in everything
    assert STATEMENT in everything


def test_the_other_pages_of_accounts_and_administration(page, live_server, make_user, make_org, make_consultation):
    """Each remaining page once, at 1280 / 390 / 320 px with axe: the reset pages, the
    registration of an organization, following's unsubscribe page and the admin pages."""
    live, t = live_server, live_server.t
    org = make_org(name="Tarkistettava Yhdistys ry")
    member = make_user(orgs=[org], email="jasen@example.org")
    admin = make_user(role="admin", email="yllapito@example.org")
    db.session.commit()
    page.goto("/auth/reset-password")
    shoot(page, "reset-request")
    page.get_by_label(t("Email"), exact=True).fill(member.email)
    page.get_by_role("button", name=t("Send the link"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(exact(t("Check your email")))
    shoot(page, "reset-sent")
    with live.app.app_context():
        body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.kind == "password_reset"))
    page.goto("/auth/reset-password/" + body.split("/auth/reset-password/")[1].split()[0])
    shoot(page, "reset-choose")
    page.goto("/auth/reset-password/forged")
    shoot(page, "link-invalid")

    log_in(page, live, admin.email, PASSWORD)
    page.goto("/account/organizations/register")
    page.get_by_role("button", name=t("Send the request"), exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    shoot(page, "register-organization-errors")
    for path, name in (("/admin/users", "admin-users"), ("/admin/organizations", "admin-organizations"),
                       (f"/admin/organizations/{org.id}", "admin-organization-edit"), ("/admin/log", "admin-log"),
                       ("/account/organizations/requests", "requests-empty"), ("/privacy", "privacy")):
        page.goto(path)
        shoot(page, name)
