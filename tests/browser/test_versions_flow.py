"""Issue 7: a reader moves between the published versions of a draft, compares them, and
follows a comment's "What changed" link to the changed paragraph in the comparison."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from app.extensions import db
from consultations.importer import parse_text
from consultations.services import add_version
from tests.browser.helpers import assert_no_axe_violations, exact, expect
from tests.conftest import paragraphs_of

pytestmark = pytest.mark.browser

VERSION_1 = """Ensimmäinen kappale kertoo yhteistyön taustasta.

Toinen kappale kertoo, että avustuksista päätetään kerran vuodessa.

Kolmas kappale kertoo, miten yhteistyötä seurataan.
"""
VERSION_2 = """Ensimmäinen kappale kertoo yhteistyön taustasta.

Toinen kappale kertoo, että avustuksista päätetään kahdesti vuodessa.

Kolmas kappale kertoo, miten yhteistyötä seurataan.
"""
BODY = "Kerran vuodessa on liian harvoin pienille yhdistyksille."


@pytest.fixture
def scenario(live_server, make_org, make_user, make_consultation, make_comment):
    authority = make_org(name="Esimerkin hyvinvointialue", slug="hyvinvointialue", kind="authority")
    org = make_org(name="Kylätoimikunta ry", slug="kylatoimikunta")
    rep = make_user(orgs=[org], email="edustaja@example.org", name="Eeva Edustaja")
    consultation = make_consultation(status="open", organizer=authority, source=VERSION_1,
                                     source_format="text", title="Avustusten periaatteet")
    second = paragraphs_of(consultation)[1]
    assert "kerran vuodessa" in second.text
    comment = make_comment(consultation, rep, org, body=BODY, anchor=second.anchor)
    document = consultation.documents[0]
    version = add_version(document, parse_text(VERSION_2), VERSION_2, "text",
                          change_note="Avustuksista päätetään kahdesti vuodessa.")
    db.session.commit()
    changed = version.by_anchor()[second.anchor]  # the changed paragraph keeps its anchor
    assert "kahdesti vuodessa" in changed.text
    assert consultation.version_numbers == [1, 2]
    data = SimpleNamespace(slug=consultation.slug, title=consultation.title, anchor=second.anchor,
                           comment_id=comment.id)
    db.session.commit()  # end the test thread's transaction before the browser comes
    return data


def test_versions_switch_compare_and_what_changed(page, live_server, scenario):
    live, data = live_server, scenario
    page.goto(f"/consultations/{data.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(exact(data.title))

    # The version switcher: open version 1.
    switcher = page.get_by_role("navigation", name=live.t("Versions of the draft"))
    switcher.get_by_role("link", name=live.t("version %(n)d", n=1), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/consultations/{data.slug}/versions/1/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(live.t("version %(n)d", n=1))
    expect(page.locator(f'[id="{data.anchor}"]')).to_contain_text("kerran vuodessa")
    expect(page.locator(".version-switcher [aria-current=page]")).to_contain_text(live.t("version %(n)d", n=1))
    assert_no_axe_violations(page, "version 1")

    # The comparison form.
    page.get_by_role("navigation", name=live.t("Versions of the draft")).get_by_role(
        "link", name=live.t("Compare versions"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/consultations/{data.slug}/versions/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(exact(live.t("Versions of the draft")))
    assert_no_axe_violations(page, "the versions index")
    page.get_by_label(live.t("Earlier version"), exact=True).select_option("1")
    page.get_by_label(live.t("Later version"), exact=True).select_option("2")
    page.get_by_role("button", name=live.t("Show differences"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/consultations/{data.slug}/versions/1\.\.\.2/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        exact(live.t("Changes from version %(a)d to %(b)d", a=1, b=2)))
    row = page.locator(f'[id="{data.anchor}"]')
    expect(row.locator("del")).to_contain_text("kerran")
    expect(row.locator("ins")).to_contain_text("kahdesti")
    assert_no_axe_violations(page, "the diff of versions 1 and 2")

    # The comment on version 1 links to what changed in its paragraph.
    page.goto(f"/consultations/{data.slug}/?open={data.anchor}")
    card = page.locator(f"#comment-{data.comment_id}")
    expect(card).to_contain_text(BODY)
    note = card.locator(".version-note")
    expect(note).to_contain_text(live.t("The comment is about version %(n)d — the paragraph has changed.", n=1))
    note.get_by_role("link", name=live.t("What changed"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/consultations/{data.slug}/versions/1\.\.\.2/#{data.anchor}$"))
    assert page.evaluate("() => location.hash") == f"#{data.anchor}"
    target = page.locator(f'[id="{data.anchor}"]')
    expect(target).to_have_count(1)
    expect(target.locator("ins")).to_contain_text("kahdesti")
    expect(target).to_be_in_viewport()
