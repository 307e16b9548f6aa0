"""The draft read as a document (issue 15 §7) in Chromium at 1280, 390 and 320 px, in
Finnish and Swedish: axe clean, no sideways scrolling, the table of contents named in the
interface language, real lists with their bullets drawn by the style sheet, a block's
permalink quiet until hover or focus on a wide screen and visible (subdued) on a phone,
the original file downloaded, and the print view without navigation, forms and tools."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.extensions import db
from consultations.services import add_document
from tests.browser.helpers import assert_no_axe_violations, expect, focus_is_visible
from tests.browser.test_discussion_page import LANGUAGES, Interface, choose_language
from tests.conftest import paragraphs_of
from tests.consultations.test_document_view import DOCUMENT

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"
WIDTHS = (1280, 390, 320)
MUTED = "rgb(74, 83, 96)"  # --muted in kuulo.css: 7.6:1 on white


@pytest.fixture
def draft(live_server, make_org, make_user, make_consultation, make_comment):
    org = make_org(name="Lähiliikunta ry", slug="lahiliikunta")
    rep = make_user(orgs=[org])
    consultation = make_consultation(status="open", source=DOCUMENT, title="Järjestöyhteistyön periaatteet")
    add_document(consultation, "Liite: aikataulu", "# Aikataulu\n\nKevät 2027: päätös.\n", "markdown")
    item = next(p for p in paragraphs_of(consultation) if p.text.startswith("Kumppanuus"))
    make_comment(consultation, rep, org, body="Kumppanuus tarvitsee rahoituksen.", anchor=item.anchor)
    db.session.commit()
    heading = next(p for p in paragraphs_of(consultation) if p.text == "Keskeiset käsitteet")
    return consultation.slug, heading, item


def _no_sideways_scroll(page, width: int) -> None:
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page is {scroll} px wide in a {width} px viewport"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_draft_reads_as_a_document(page, live_server, draft, lang, width):
    slug, heading, item = draft
    ui = Interface(live_server.app, lang)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/consultations/{slug}/")
    choose_language(page, lang)

    contents = page.get_by_role("navigation", name=ui.t("Contents"))
    expect(contents).to_be_visible()
    expect(contents.get_by_role("link", name=f"{heading.number} {heading.text}")).to_be_visible()
    # The subheading carries its section number; no paragraph number stands beside it.
    expect(page.get_by_role("heading", name=f"{heading.number} {heading.text}")).to_be_visible()
    # Bullets are the list's own (drawn by the style sheet, not a "•" in the text).
    listed = page.locator(f'[id="{item.anchor}"]')
    assert listed.evaluate("el => el.tagName + '<' + el.parentElement.tagName") == "LI<UL"
    bullet = listed.evaluate("el => getComputedStyle(el.querySelector('.para-text > p'), '::before').content")
    assert "•" in bullet, bullet

    permalink = listed.locator(f':scope > .para-tools a[href="#{item.anchor}"]')
    count = listed.locator(":scope > .para-tools a.para-count")
    expect(count).to_be_visible()  # a block with comments shows how many
    assert count.evaluate("el => getComputedStyle(el).color") == MUTED  # subdued, still 7.6:1
    if width >= 640:
        # Quiet until the block is hovered or something in it has focus.
        assert permalink.evaluate("el => getComputedStyle(el).opacity") == "0"
        page.locator(f'[id="{heading.anchor}"]').hover()
        assert permalink.evaluate("el => getComputedStyle(el).opacity") == "0"
        listed.locator(".para-text").first.hover()
        assert permalink.evaluate("el => getComputedStyle(el).opacity") == "1"
        page.mouse.move(0, 0)
        permalink.focus()
        assert permalink.evaluate("el => getComputedStyle(el).opacity") == "1"
        assert focus_is_visible(page)["visible"]
    else:
        # A phone cannot hover: the tools stay visible, subdued.
        assert permalink.evaluate("el => getComputedStyle(el).opacity") == "1"
        assert permalink.evaluate("el => getComputedStyle(el).color") == MUTED
    page.evaluate("() => document.activeElement && document.activeElement.blur()")

    _no_sideways_scroll(page, width)
    assert_no_axe_violations(page, f"the draft ({lang}, {width} px)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"document-{lang}-{width}.png"), full_page=True)
    page.evaluate(f"document.getElementById('{heading.anchor}').scrollIntoView()")
    page.screenshot(path=str(SCREENSHOTS / f"document-{lang}-{width}-lists.png"))  # what a reader sees there


def test_original_file_downloads_and_print_view_shows_only_the_document(page, live_server, draft):
    slug, heading, item = draft
    page.goto(f"/consultations/{slug}/")
    link = page.get_by_role("link", name=f"{live_server.t('Download the original file')} – Luonnos")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"{slug}-1.md"
    assert Path(download.value.path()).read_text(encoding="utf-8") == DOCUMENT

    page.emulate_media(media="print")
    for hidden in ("header nav", "form", ".toc", ".para-tools", ".write-comment", ".original-file"):
        shown = page.locator(hidden).evaluate_all("els => els.filter(e => getComputedStyle(e).display !== 'none').length")
        assert shown == 0, f"{hidden} is printed"
    expect(page.get_by_role("heading", name=f"{heading.number} {heading.text}")).to_be_visible()
    expect(page.locator(f'[id="{item.anchor}"] > .para-number')).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "document-print.png"), full_page=True)


def test_languages_offered_are_those_of_the_discussion_tests():
    assert {"fi", "sv"} <= set(LANGUAGES)
