"""In a real browser (issue 16): an official logs in and lands on the dashboard, creates a
consultation from two .docx parts, fixes a heading the importer guessed wrong after the
preview, invites two organizations, shares a preview link with an anonymous browser and
publishes; a representative of an invited organization sees the invitation on the page;
after the deadline the official sees "1 / 2 answered". axe at 1280 and 390 px."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.organizations import create_organization
from app.outbox import OutboxMessage
from app.timeutil import HELSINKI, utcnow
from comments.services import post_comment
from consultations.models import Consultation
from tests.consultations.authoring.helpers import docx_bytes
from tests.browser.helpers import assert_no_axe_violations, expect, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("KUULO_SCREENSHOTS")  # a directory to save the pages' screenshots in
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _local(moment) -> str:
    return moment.astimezone(HELSINKI).strftime("%Y-%m-%dT%H:%M")


def _check(page, what: str, name: str) -> None:
    """axe at 1280 px and at 390 px (no sideways scrolling there), with screenshots."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_axe_violations(page, f"{what} at {width} px")
        if width == 390:
            wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 391)
                .map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
                .slice(0, 8)""")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{what} scrolls sideways: {wide}"
        if SHOTS:
            language = page.evaluate("document.documentElement.lang")
            page.screenshot(path=os.path.join(SHOTS, f"{name}-{language}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture(params=["fi", "sv"])
def app_settings(request):
    """The whole flow in Finnish and in Swedish (live.t reads the default locale)."""
    return {"BABEL_DEFAULT_LOCALE": request.param} if request.param != "fi" else {}


@pytest.fixture
def people(make_org, make_user, app):
    authority = make_org(name="Pohjois-Kuulon hyvinvointialue", slug="hva", kind="authority")
    kipina = create_organization("Liikuntaseura Kipinä ry", "kipina", business_id="1572860-0")
    elakelaiset = create_organization("Eläkeläiset ry", "elakelaiset")
    db.session.commit()
    people = {
        "official": make_user(role="official", orgs=[authority], email="virkailija@example.org"),
        "representative": make_user(orgs=[kipina], email="edustaja@example.org"),
        "kipina": kipina, "elakelaiset": elakelaiset,
    }
    for user in (people["official"], people["representative"]):
        user.locale = app.config["BABEL_DEFAULT_LOCALE"]
    db.session.commit()
    return people


def test_official_runs_a_consultation_from_start_to_finish(browser, page, live_server, people, tmp_path):
    live = live_server
    log_in(page, live, people["official"].email, PASSWORD)
    expect(page).to_have_url(f"{live.url}/manage/")
    expect(page.get_by_role("heading", level=1)).to_have_text(live.t("Manage consultations"))
    _check(page, "the dashboard", "dashboard")

    # Create: two .docx parts, preview, fix the heading the importer could not know.
    page.get_by_role("link", name=live.t("New consultation")).click()
    page.locator("#title").fill("Järjestöavustusten periaatteet 2027")
    page.locator("#summary, #description").fill("Luonnos avustusten periaatteiksi vuodelle 2027.")
    page.locator("#opens_at").fill(_local(utcnow() - timedelta(hours=1)))
    page.locator("#closes_at").fill(_local(utcnow() + timedelta(days=14)))
    page.locator("#diary_number").fill("HVA/2026/123")
    page.locator("#contacts-0-name").fill("Maija Meikäläinen")
    page.locator("#contacts-0-email").fill("maija.meikalainen@example.org")
    page.locator("#parts-0-title").fill("Periaatteet")
    page.locator("#parts-0-file").set_input_files(
        {"name": "periaatteet.docx", "mimeType": DOCX, "buffer": docx_bytes("Tausta", bold_heading="Rahoitus")})
    page.get_by_role("button", name=live.t("Add a part")).click()
    page.locator("#parts-1-title").fill("Liite: aikataulu")
    page.locator("#parts-1-file").set_input_files(
        {"name": "aikataulu.docx", "mimeType": DOCX, "buffer": docx_bytes("Aikataulu", paragraphs=1)})
    page.get_by_role("button", name=live.t("Preview"), exact=True).click()
    guesses = page.locator(".guesses")
    expect(guesses).to_contain_text("Rahoitus")
    preview = page.locator(".preview-frame")
    expect(preview.get_by_role("heading", name="1 Tausta", exact=True)).to_be_visible()
    expect(preview.locator(".para-number").first).to_have_text("1.1")
    expect(preview.get_by_role("heading", name="2 Aikataulu", exact=True)).to_be_visible()  # part 2 continues the numbering
    _check(page, "the new consultation form with its preview", "new-preview")
    source = page.locator("#parts-0-source")
    source.fill(source.input_value().replace("**Rahoitus**", "# Rahoitus"))
    page.get_by_role("button", name=live.t("Preview"), exact=True).click()
    preview = page.locator(".preview-frame")
    expect(preview.get_by_role("heading", name="2 Rahoitus", exact=True)).to_be_visible()
    expect(preview.get_by_role("heading", name="3 Aikataulu", exact=True)).to_be_visible()
    expect(page.locator(".guesses")).not_to_contain_text("Rahoitus")
    page.get_by_role("button", name=live.t("Save as an unpublished draft")).click()
    expect(page.get_by_text(live.t("The consultation was saved as an unpublished draft."))).to_be_visible()
    slug = "jarjestoavustusten-periaatteet-2027"
    expect(page).to_have_url(f"{live.url}/consultations/{slug}/manage/")
    _check(page, "the management page of a draft", "manage-draft")
    page.goto(f"/consultations/{slug}/manage/edit")
    _check(page, "the edit page of a draft", "edit-draft")
    page.goto(f"/consultations/{slug}/manage/")

    # Invite two organizations, found by Y-tunnus and by name.
    page.get_by_role("link", name=live.t("Invited organizations"), exact=False).click()
    for query, name in (("1572860-0", "Liikuntaseura Kipinä ry"), ("eläkeläi", "Eläkeläiset ry")):
        page.get_by_label(live.t("Name or business ID (Y-tunnus)")).fill(query)
        page.get_by_role("main").get_by_role("button", name=live.t("Find"), exact=True).click()
        page.get_by_role("button", name=f"{live.t('Invite')} – {name}").click()
        expect(page.get_by_text(live.t("%(name)s was invited.", name=name))).to_be_visible()
    expect(page.locator(".answered-count")).to_have_text(live.t("%(answered)s / %(total)s answered", answered="0", total="2"))
    _check(page, "the invitations page", "invitations")

    # A secret preview link for a reviewer without an account.
    page.goto(f"/consultations/{slug}/manage/")
    page.get_by_role("button", name=live.t("Make a preview link")).click()
    link = page.locator("#preview-link").input_value()
    reviewer = browser.new_context(base_url=live.url, viewport={"width": 1280, "height": 900}).new_page()
    reviewer.goto(link)
    expect(reviewer.locator(".preview-banner")).to_contain_text(live.t("Preview"))
    expect(reviewer.get_by_role("heading", level=1)).to_have_text("Järjestöavustusten periaatteet 2027")
    expect(reviewer.get_by_role("heading", name="2 Rahoitus", exact=True)).to_be_visible()
    expect(reviewer.locator(".invited")).to_contain_text("Eläkeläiset ry")
    expect(reviewer.locator("nav.toc")).to_contain_text("Liite: aikataulu")  # the contents, as on the public page
    _check(reviewer, "the preview link", "preview-link")
    assert reviewer.goto(f"/consultations/{slug}/").status == 404  # only through the link
    reviewer.context.close()

    # Publish; the invited organizations' members are told once.
    page.get_by_role("button", name=live.t("Publish now")).click()
    expect(page.get_by_text(live.t("The consultation is now public."))).to_be_visible()
    runner = live.app.test_cli_runner()
    for _ in range(2):
        assert runner.invoke(args=["outbox", "send"]).exit_code == 0
    db.session.expire_all()
    notices = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "invitation_opened")).all()
    assert [m.to_email for m in notices] == ["edustaja@example.org"]

    # The representative sees the invitation on the consultation's page, and answers.
    representative = browser.new_context(base_url=live.url, viewport={"width": 390, "height": 844}).new_page()
    log_in(representative, live, "edustaja@example.org", PASSWORD)
    representative.goto(f"/consultations/{slug}/")
    invited = representative.locator(".invited")
    expect(invited).to_contain_text("Liikuntaseura Kipinä ry")
    expect(representative.get_by_role("heading", name=live.t("Statements requested from"))).to_be_visible()
    expect(representative.locator(".contacts")).to_contain_text("Maija Meikäläinen")
    assert_no_axe_violations(representative, "the public page with invitations at 390 px")
    if SHOTS:
        language = representative.evaluate("document.documentElement.lang")
        representative.screenshot(path=os.path.join(SHOTS, f"public-{language}-390.png"), full_page=True)
    representative.context.close()
    consultation = Consultation.by_slug(slug)
    post_comment(consultation, people["representative"], "Kipinä kannattaa luonnosta.", org_slug="kipina")
    # The deadline passes.
    consultation.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    page.goto(f"/consultations/{slug}/manage/invitations/")
    expect(page.locator(".answered-count")).to_have_text(live.t("%(answered)s / %(total)s answered", answered="1", total="2"))
    page.goto("/manage/")
    expect(page.locator("#group-closed").locator("xpath=..")).to_contain_text(
        live.t("%(answered)s / %(total)s invited organizations answered", answered="1", total="2"))
    _check(page, "the dashboard after the deadline", "dashboard-closed")
