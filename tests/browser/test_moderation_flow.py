"""Issue 4: an anonymous visitor reports a comment with the keyboard only, an official of the
organizing authority hides it from the moderation queue, and the public page shows the
placeholder with the public reason instead of the comment."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from app.extensions import db
from app.i18n import format_day
from comments.models import Comment
from tests.browser.helpers import assert_no_axe_violations, exact, expect, focus_is_visible, log_in, tab_to
from tests.conftest import PASSWORD, paragraphs_of

pytestmark = pytest.mark.browser

SOURCE = """Ensimmäinen kappale kertoo yhteistyön taustasta.

Toinen kappale kertoo yhteistyön tavoitteista.

Kolmas kappale kertoo, miten yhteistyötä seurataan.
"""
BAD_BODY = "Tämä kommentti on asiaton ja loukkaava."
GOOD_BODY = "Luonnos on hyvä pohja yhteistyölle."


@pytest.fixture
def scenario(live_server, make_org, make_user, make_consultation, make_comment):
    authority = make_org(name="Esimerkin hyvinvointialue", slug="hyvinvointialue", kind="authority")
    org = make_org(name="Kylätoimikunta ry", slug="kylatoimikunta")
    rep = make_user(orgs=[org], email="edustaja@example.org", name="Eeva Edustaja")
    official = make_user(role="official", orgs=[authority], email="virkailija@example.org",
                         name="Ville Virkailija")
    consultation = make_consultation(status="open", organizer=authority, source=SOURCE,
                                     title="Järjestöyhteistyön periaatteet")
    second = paragraphs_of(consultation)[1]
    make_comment(consultation, rep, org, body=GOOD_BODY)
    bad = make_comment(consultation, rep, org, body=BAD_BODY, anchor=second.anchor)
    data = SimpleNamespace(slug=consultation.slug, anchor=second.anchor, number=second.number, comment_id=bad.id,
                           official_email=official.email)
    db.session.commit()  # end the test thread's transaction before the browser writes
    return data


def test_keyboard_report_then_official_hides(page, live_server, scenario):
    live, data = live_server, scenario
    page.goto(f"/consultations/{data.slug}/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")

    # Keyboard only: open the paragraph's comment thread (its count shows it in place) and
    # reach its "Ilmianna" link.
    count_text = live.nt("%(num)d comment", "%(num)d comments", 1)
    tab_to(page, lambda f: f["tag"] == "a" and f["text"].strip().startswith(count_text), max_steps=80)
    label = page.evaluate("() => document.activeElement.textContent")
    assert label == f"{count_text} – {live.t('paragraph')} {data.number}", label
    page.keyboard.press("Enter")
    paragraph = page.locator(f'[id="{data.anchor}"]')
    expect(paragraph.locator(".para-comments")).to_be_visible()
    expect(paragraph.locator(".para-count")).to_have_attribute("aria-expanded", "true")
    report_text = live.t("Report")
    tab_to(page, lambda f: f["tag"] == "a" and f["text"].strip().startswith(report_text), max_steps=10)
    href = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert href == f"/comments/{data.comment_id}/report", href
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"/comments/{data.comment_id}/report$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(exact(live.t("Report a comment")))
    expect(page.locator("blockquote")).to_contain_text(BAD_BODY)
    assert_no_axe_violations(page, "the report form")

    # Into the radio group (nothing chosen: focus lands on the first radio), then the arrow
    # keys move and choose; Space confirms the choice.
    tab_to(page, lambda f: f["tag"] == "input" and f["name"] == "reason", max_steps=40)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    offensive = page.get_by_label(live.t("offensive or hateful"), exact=True)
    expect(offensive).to_be_checked()
    expect(offensive).to_be_focused()
    tab_to(page, lambda f: f["name"] == "details", max_steps=1)
    details = "Kommentti loukkaa muita keskustelijoita."
    page.keyboard.type(details)
    expect(page.get_by_label(live.t("Details (optional)"))).to_have_value(details)
    tab_to(page, lambda f: f["tag"] == "button", max_steps=1)
    assert focus_is_visible(page)["text"].strip() == live.t("Send report")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(exact(live.t("Thank you for your report")))
    assert_no_axe_violations(page, "the report confirmation page")

    # An official of the organizing authority hides the comment with a public reason.
    log_in(page, live, data.official_email, PASSWORD)
    page.goto("/moderation/")
    expect(page.get_by_role("heading", level=1)).to_have_text(exact(live.t("Moderation queue")))
    item = page.locator(f"#queue-{data.comment_id}")
    expect(item).to_contain_text(BAD_BODY)
    expect(item).to_contain_text(details)
    assert_no_axe_violations(page, "the moderation queue with one item")
    item.get_by_label(live.t("Public reason"), exact=True).select_option("offensive")
    item.get_by_role("button", name=live.t("Hide"), exact=True).click()
    expect(page.get_by_text(live.t("Done: comment %(id)d.", id=data.comment_id))).to_be_visible()
    expect(page.locator(f"#queue-{data.comment_id}")).to_have_count(0)

    page.get_by_role("link", name=live.t("Moderation log"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/moderation/log$"))
    rows = page.locator("table.data-table tbody tr")
    expect(rows).to_have_count(2)  # the report and the hiding
    expect(rows.filter(has_text=live.t("hidden"))).to_have_count(1)
    assert_no_axe_violations(page, "the moderation log with events")

    # The public page: the placeholder with the day and the public reason, not the text.
    db.session.expire_all()
    hidden = db.session.get(Comment, data.comment_id)
    assert hidden.visibility == "hidden" and hidden.hidden_at is not None
    placeholder = live.t("The moderator hid the comment on %(day)s: %(reason)s",
                         day=format_day(hidden.hidden_at), reason=live.t("offensive or hateful"))
    db.session.commit()
    page.goto(f"/consultations/{data.slug}/?open={data.anchor}")
    card = page.locator(f"#comment-{data.comment_id}")
    expect(card.locator(".placeholder")).to_have_text(exact(placeholder))
    expect(page.get_by_text(BAD_BODY)).to_have_count(0)
    expect(page.get_by_text(GOOD_BODY)).to_have_count(1)
