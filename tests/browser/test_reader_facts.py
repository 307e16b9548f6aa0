"""A reader's view in Chromium (issue 15 §5, §9) at 1280 and 390 px: the list cards with
deadline, time left and comment count, the info box's time left, the summarized
consultation's notice with its link; no cookie while reading, and the language switch
(a form without a token, checked by the browser's Origin header) still works and starts
the session. axe clean, no sideways scrolling."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.extensions import db
from app.timeutil import utcnow
from comments.responses.summary import publish_summary
from tests.browser.helpers import assert_no_axe_violations, expect
from tests.conftest import paragraphs_of

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def scenario(live_server, make_org, make_user, make_consultation, make_comment):
    org = make_org(name="Kylätoiminta ry", slug="kylatoiminta")
    rep = make_user(orgs=[org], email="edustaja@example.org", name="Eeva Edustaja")
    official = make_user(role="official", email="virkailija@example.org", name="Virkailija")
    opened = make_consultation(status="open", title="Lähipalvelujen verkoston uudistaminen")
    opened.closes_at = utcnow() + timedelta(days=12, hours=4)
    summarized = make_consultation(status="closed", title="Järjestöavustusten periaatteet 2027")
    for consultation in (opened, summarized):
        for n in range(3):
            make_comment(consultation, rep, org, body=f"Huomio {n}.", anchor=paragraphs_of(consultation)[1].anchor)
    publish_summary(summarized, official, "Lausunnoissa toivottiin selkeämpiä hakuaikoja.", 0)
    db.session.commit()
    return SimpleNamespace(open_slug=opened.slug, summarized_slug=summarized.slug)


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"reader-{name}.png"), full_page=True)


def no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_reader_sees_deadlines_counts_time_left_and_the_summary_notice(browser, live_server, scenario, viewport):
    size = VIEWPORTS[viewport]
    context = browser.new_context(base_url=live_server.url, viewport=size)
    page = context.new_page()
    try:
        page.goto("/")
        card = page.locator("article.card", has_text="Lähipalvelujen verkoston uudistaminen")
        expect(card).to_contain_text("3 kommenttia")
        expect(card).to_contain_text("12 päivää aikaa")
        expect(card).to_contain_text("Määräaika")
        assert_no_axe_violations(page, f"/ at {viewport}")
        no_sideways_scroll(page, size["width"])
        shot(page, f"front-{viewport}")

        page.goto("/consultations/")
        expect(page.locator("article.card", has_text="Järjestöavustusten periaatteet 2027")).to_contain_text("3 kommenttia")
        assert_no_axe_violations(page, f"/consultations/ at {viewport}")
        no_sideways_scroll(page, size["width"])

        page.goto(f"/consultations/{scenario.open_slug}/")
        expect(page.locator("aside.info-box")).to_contain_text("12 päivää aikaa")
        assert_no_axe_violations(page, f"open consultation at {viewport}")
        no_sideways_scroll(page, size["width"])
        shot(page, f"open-{viewport}")

        page.goto(f"/consultations/{scenario.summarized_slug}/")
        notice = page.locator("p.summary-published")
        expect(notice).to_be_visible()
        assert_no_axe_violations(page, f"summarized consultation at {viewport}")
        no_sideways_scroll(page, size["width"])
        shot(page, f"summarized-{viewport}")
        notice.get_by_role("link", name="Lue yhteenveto ja vastineet").click()
        expect(page).to_have_url(f"{live_server.url}/consultations/{scenario.summarized_slug}/summary")

        # Reading set no cookie; the language switch still works and starts the session.
        assert context.cookies() == []
        page.goto(f"/consultations/{scenario.open_slug}/")
        page.get_by_role("button", name="Svenska", exact=True).click()
        expect(page.locator("html")).to_have_attribute("lang", "sv")
        expect(page.locator("aside.info-box")).to_contain_text("12 dagar kvar")
        assert [c["name"] for c in context.cookies()] == ["session"]
        shot(page, f"open-sv-{viewport}")
    finally:
        context.close()
