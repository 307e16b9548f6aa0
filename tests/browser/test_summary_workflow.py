"""In a real browser (issue 8): an official answers two comments and publishes the summary;
axe finds no violations on the response form and the summary page; the page prints.

Lives here, not in tests/comments/responses/, so it shares this directory's one Playwright session;
the world it runs in comes from tests/comments/responses/conftest.py."""
from __future__ import annotations

import os
import re

import pytest

from tests.browser.helpers import assert_no_axe_violations, expect, log_in
from tests.conftest import PASSWORD
from tests.comments.responses.conftest import client_as, publish, world  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def _open_all_details(page):
    page.locator("details:not([open]) > summary").evaluate_all("els => els.forEach(s => s.click())")


def _answer(page, live, world, comment, decision: str, text: str):
    key = comment.paragraph_anchor or "general"
    page.goto(f"/consultations/{world.slug}/responses?paragraph={key}")
    item = page.locator(f"#response-{comment.id}")
    item.get_by_label(live.t(decision), exact=True).check()
    item.locator(f"#body-{comment.id}").fill(text)
    item.get_by_role("button", name=live.t("Save draft")).click()
    expect(page.get_by_text(live.t("The response was saved as a draft. It becomes public when the summary is published."))).to_be_visible()


def test_official_answers_and_publishes(page, live_server, world, tmp_path):
    live = live_server
    log_in(page, live, world.users["official"].email, PASSWORD)
    _answer(page, live, world, world.comments[1], "Partly accepted", "Täydennämme taustaa **kahdella** kappaleella.")
    assert_no_axe_violations(page, "the response form")
    _answer(page, live, world, world.comments[0], "Noted", "Kiitos yleisestä huomiosta.")

    page.goto(f"/consultations/{world.slug}/responses")
    expect(page.get_by_text(live.t("%(answered)s / %(total)s answered", answered="2", total="3"))).to_be_visible()
    assert_no_axe_violations(page, "the responses overview")
    page.get_by_role("textbox", name=live.t("Summary"), exact=True).fill("Lausuntoja saatiin **kolme**. Luonnosta täydennetään.")
    page.get_by_role("button", name=live.t("Publish summary and responses")).click()
    expect(page).to_have_url(f"{live.url}/consultations/{world.slug}/summary")
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.consultation.title)
    expect(page.locator(".summary-text strong")).to_have_text("kolme")
    expect(page.locator(".response-table")).to_contain_text("Täydennämme taustaa")
    _open_all_details(page)
    assert_no_axe_violations(page, "the summary page")

    # The decision appendix prints: header, footer, navigation and toggles are left out.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".response-table")).to_be_visible()
    pdf = tmp_path / "summary.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    assert pdf.read_bytes().startswith(b"%PDF-") and pdf.stat().st_size > 5000
    if os.environ.get("KUULO_SUMMARY_PRINT"):  # for looking at it: a print-media screenshot
        page.pdf(path=os.environ["KUULO_SUMMARY_PRINT"] + ".pdf", format="A4")
        page.screenshot(path=os.environ["KUULO_SUMMARY_PRINT"] + ".png", full_page=True)


def test_consultation_page_with_heat_strip_has_no_axe_violations(page, live_server, world):
    page.goto(f"/consultations/{world.slug}/")
    expect(page.locator("#heat-strip svg")).to_be_visible()
    _open_all_details(page)
    assert_no_axe_violations(page, "the consultation page with the heat strip")
    # A column of the strip leads to its paragraph when clicked (issue 15 §6).
    column = page.locator("#heat-strip svg a").first
    anchor = column.get_attribute("href")
    column.click()
    expect(page).to_have_url(re.compile(re.escape(anchor) + "$"))


def test_forced_colours_keep_the_charts_visible(page, live_server, world, client_as):
    publish(client_as(world, "official"), world)
    page.emulate_media(forced_colors="active")
    page.goto(f"/consultations/{world.slug}/summary")
    bar = page.locator("#chart-paragraphs rect.chart-bar").first
    fill = bar.evaluate("el => getComputedStyle(el).fill")
    text_colour = page.locator("body").evaluate("el => getComputedStyle(el).color")
    assert fill == text_colour  # currentColor = CanvasText
