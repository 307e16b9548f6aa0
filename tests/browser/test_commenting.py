"""A representative logs in and comments on the third paragraph of an open consultation,
with the mouse and with the keyboard only, in the default (Finnish) interface."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from app.extensions import db
from tests.browser.helpers import exact, expect, focus_is_visible, log_in, tab_to
from tests.conftest import PASSWORD, paragraphs_of

pytestmark = pytest.mark.browser

SOURCE = """Ensimmäinen kappale kertoo yhteistyön taustasta.

Toinen kappale kertoo yhteistyön tavoitteista.

Kolmas kappale kertoo, miten yhteistyötä seurataan ja arvioidaan.

Neljäs kappale kertoo avustusten hakemisesta.
"""


@pytest.fixture
def scenario(live_server, make_org, make_user, make_consultation):
    first_org = make_org(name="Kylätoimikunta ry", slug="kylatoimikunta")
    org = make_org(name="Lähiliikunta ry", slug="lahiliikunta")
    rep = make_user(orgs=[first_org, org], email="edustaja@example.org", name="Eeva Edustaja")
    consultation = make_consultation(status="open", source=SOURCE, title="Järjestöyhteistyön periaatteet")
    paragraphs = paragraphs_of(consultation)
    third = paragraphs[2]
    assert third.kind == "paragraph" and third.text.startswith("Kolmas kappale")
    data = SimpleNamespace(
        email=rep.email, org_name=org.name, title=consultation.title, slug=consultation.slug,
        anchor=third.anchor, third_text=third.text, anchors=[p.anchor for p in paragraphs],
    )
    db.session.commit()  # end the test thread's transaction before the browser writes
    return data


def assert_comment_under_third_paragraph(page, live, data, body: str) -> None:
    expect(page).to_have_url(re.compile(rf"/consultations/{data.slug}/(\?[^#]*)?#comment-\d+$"))
    expect(page.get_by_text(live.t("Your comment has been published."))).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fi")

    paragraph = page.locator(f'[id="{data.anchor}"]')
    expect(paragraph).to_contain_text(data.third_text)
    details = paragraph.locator("details")
    expect(details).to_have_attribute("open", "")
    comment = paragraph.get_by_role("article").filter(has_text=body)
    expect(comment).to_have_count(1)
    expect(comment).to_be_visible()
    expect(comment.get_by_role("heading", name=data.org_name, exact=True)).to_be_visible()
    one_comment = live.nt("%(num)d comment", "%(num)d comments", 1)
    count_link = paragraph.get_by_role("link", name=re.compile(rf"^{re.escape(one_comment)}\b"))
    expect(count_link).to_be_visible()
    expect(count_link).to_contain_text(one_comment)
    # Only under the third paragraph: the others show no comments.
    expect(page.get_by_text(body)).to_have_count(1)
    for anchor in data.anchors:
        if anchor != data.anchor:
            expect(page.locator(f'[id="{anchor}"]').get_by_role("article")).to_have_count(0)


def test_representative_comments_on_third_paragraph(page, live_server, scenario):
    live, data = live_server, scenario
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    page.get_by_role("link", name=live.t("Log in"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(exact(live.t("Log in")))
    page.get_by_label(live.t("Email"), exact=True).fill(data.email)
    page.get_by_label(live.t("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=live.t("Log in"), exact=True).click()
    expect(page.get_by_text(live.t("You are logged in."))).to_be_visible()

    page.get_by_role("link", name=data.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(exact(data.title))

    paragraph_select = page.get_by_label(live.t("Paragraph"), exact=True)
    third_option = paragraph_select.locator("option").filter(has_text=data.third_text[:40])
    paragraph_select.select_option(label=third_option.inner_text().strip())
    expect(paragraph_select).to_have_value(data.anchor)
    body = "Seurantaan tarvitaan myös järjestöjen oma arvio."
    page.get_by_label(live.t("Comment"), exact=True).fill(body)
    page.get_by_label(live.t("On behalf of"), exact=True).select_option(label=data.org_name)
    page.get_by_role("button", name=live.t("Publish comment"), exact=True).click()

    assert_comment_under_third_paragraph(page, live, data, body)


def test_keyboard_only_comment_with_visible_focus(page, live_server, scenario):
    live, data = live_server, scenario
    page.goto("/auth/login")
    tab_to(page, lambda f: f["name"] == "email")
    page.keyboard.type(data.email)
    tab_to(page, lambda f: f["name"] == "password", max_steps=1)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_text(live.t("You are logged in."))).to_be_visible()

    tab_to(page, lambda f: f["tag"] == "a" and f["text"].strip() == data.title)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(exact(data.title))

    # The skip link is the first stop and moves focus to the main content.
    skip = tab_to(page, lambda f: True, max_steps=1)
    assert skip["text"].strip() == live.t("Skip to content"), skip
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    tab_to(page, lambda f: f["name"] == "paragraph")
    paragraph_select = page.get_by_label(live.t("Paragraph"), exact=True)
    for _ in range(3):  # after "the whole draft": first, second, third paragraph
        page.keyboard.press("ArrowDown")
    expect(paragraph_select).to_have_value(data.anchor)
    assert focus_is_visible(page)["visible"]

    tab_to(page, lambda f: f["name"] == "organization", max_steps=1)
    page.keyboard.press("ArrowDown")  # the second of the representative's organizations
    expect(page.get_by_label(live.t("On behalf of"), exact=True)).to_have_value("lahiliikunta")

    tab_to(page, lambda f: f["name"] == "body", max_steps=1)
    body = "Näppäimistöllä kirjoitettu kommentti seurannasta."
    page.keyboard.type(body)
    tab_to(page, lambda f: f["tag"] == "button", max_steps=1)
    assert focus_is_visible(page)["text"].strip() == live.t("Publish comment")
    page.keyboard.press("Enter")

    assert_comment_under_third_paragraph(page, live, data, body)
