"""Issue 6: a citizen searches the archive of closed consultations with a base form of a
Finnish word, narrows the results by organization and opens a paragraph hit."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from app.extensions import db
from tests.browser.helpers import assert_no_axe_violations, exact, expect
from tests.conftest import paragraphs_of

pytestmark = pytest.mark.browser

SOURCE = """Ensimmäinen kappale kertoo yhteistyön taustasta.

Järjestöjen avustuksista päätetään vuosittain.

Kolmas kappale kertoo, miten yhteistyötä seurataan.
"""
FIRST_BODY = "Avustusten hakeminen on pienille yhdistyksille liian raskasta."
SECOND_BODY = "Pienet kohdeavustukset ovat meille tärkeitä, ja avustuksia tarvitaan lisää."


@pytest.fixture
def archive(live_server, make_org, make_user, make_consultation, make_comment):
    authority = make_org(name="Esimerkin hyvinvointialue", slug="hyvinvointialue", kind="authority")
    first = make_org(name="Kylätoimikunta ry", slug="kylatoimikunta")
    second = make_org(name="Lähiliikunta ry", slug="lahiliikunta")
    rep = make_user(orgs=[first, second], email="edustaja@example.org", name="Eeva Edustaja")
    consultation = make_consultation(status="closed", organizer=authority, source=SOURCE,
                                     title="Järjestöavustusten periaatteet")
    target = paragraphs_of(consultation)[1]
    assert target.text.startswith("Järjestöjen avustuksista")
    make_comment(consultation, rep, first, body=FIRST_BODY, anchor=target.anchor)
    make_comment(consultation, rep, second, body=SECOND_BODY)
    assert consultation.status == "closed"
    data = SimpleNamespace(slug=consultation.slug, title=consultation.title, anchor=target.anchor,
                           number=target.number, authority=authority.name, orgs=[first.name, second.name])
    db.session.commit()  # end the test thread's transaction before the browser comes
    return data


def test_search_base_form_facet_and_paragraph_hit(page, live_server, archive):
    live, data = live_server, archive
    # The factories' commits reached the index of this app.
    page.goto("/search?q=avustus")
    results = page.locator("li.result")
    expect(results).to_have_count(3)

    page.goto("/")
    box = page.get_by_role("searchbox", name=live.t("Search the archive"), exact=True)
    box.fill("avustus")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?(.*&)?q=avustus(&|$)"))
    expect(page.get_by_role("heading", level=1)).to_have_text(exact(live.t("Search the archive")))
    expect(page.get_by_role("status")).to_have_text(
        exact(live.nt("%(num)d result for “%(q)s”", "%(num)d results for “%(q)s”", 3, q="avustus")))
    expect(results).to_have_count(3)
    expect(page.locator("li.result mark").first).to_be_visible()  # inflected forms are marked
    for body in (FIRST_BODY, SECOND_BODY):
        expect(results.filter(has_text=body.split(",")[0][:30])).to_have_count(1)

    facets = page.get_by_role("complementary", name=live.t("Narrow the results"))
    for name in (data.authority, *data.orgs):
        expect(facets.get_by_role("link", name=re.compile(rf"^{re.escape(name)} \(1\)"))).to_have_count(1)
    assert_no_axe_violations(page, "the search results with facets")

    # Narrow by organization: the organizing authority's draft paragraphs only.
    facets.get_by_role("link", name=re.compile(rf"^{re.escape(data.authority)} \(1\)")).click()
    expect(page).to_have_url(re.compile(r"[?&]organization=hyvinvointialue(&|$)"))
    expect(results).to_have_count(1)
    expect(facets.locator("a[aria-current=true]")).to_contain_text(data.authority)
    expect(page.get_by_role("link", name=live.t("Remove all filters"), exact=True)).to_be_visible()
    hit = results.first
    expect(hit).to_contain_text(live.t("Draft paragraph"))
    expect(hit).to_contain_text(live.t("paragraph %(number)s", number=data.number))
    expect(hit.locator("mark")).to_have_text(exact("avustuksista"))
    assert_no_axe_violations(page, "the search results narrowed by organization")

    hit.get_by_role("link", name=data.title, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/consultations/{data.slug}/#{data.anchor}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(exact(data.title))
    target = page.locator(f'[id="{data.anchor}"]')
    expect(target).to_have_count(1)
    expect(target).to_contain_text("Järjestöjen avustuksista päätetään vuosittain.")
    expect(target).to_be_in_viewport()
