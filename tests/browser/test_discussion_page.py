"""The discussion page as its readers meet it (issue 15), in Chromium at 1280 and 390 px in
Finnish, Swedish and English: commenting on paragraph 3 by keyboard in at most 10 Tab
presses from the paragraph, landing on the new comment, errors with focus on their
summary, threads shown in place, and no sideways scrolling at 320 px on any page type."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_babel import force_locale, gettext, ngettext

from app.extensions import db
from app.timeutil import utcnow
from tests.browser.helpers import assert_no_axe_violations, expect, log_in
from tests.conftest import PASSWORD, paragraphs_of

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"
SOURCE = "\n\n".join(
    ["# Yhteistyön periaatteet"]
    + [f"Kappale {n} kertoo yhteistyöstä järjestöjen ja hyvinvointialueen välillä, ja sen teksti on "
       f"tarpeeksi pitkä rivittyäkseen kapealla näytöllä useammalle riville." for n in range(1, 7)]
    + ["| Sarake | Toinen sarake | Kolmas sarake | Neljäs sarake |\n|---|---|---|---|\n"
       "| pitkähkö solu numero yksi | pitkähkö solu numero kaksi | pitkähkö solu numero kolme | neljäs |"]
)
LANGUAGES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


class Interface:
    """Messages as the page shows them in one language, from the same catalogs."""

    def __init__(self, app, lang: str) -> None:
        self.app, self.lang = app, lang

    def t(self, message: str, **variables) -> str:
        with self.app.test_request_context(), force_locale(self.lang):
            return gettext(message, **variables)

    def nt(self, singular: str, plural: str, num: int) -> str:
        with self.app.test_request_context(), force_locale(self.lang):
            return ngettext(singular, plural, num)


@pytest.fixture
def scenario(live_server, make_org, make_user, make_consultation, make_comment):
    org = make_org(name="Lähiliikunta ry", slug="lahiliikunta")
    rep = make_user(orgs=[org], email="edustaja@example.org", name="Eeva Edustaja")
    consultation = make_consultation(status="open", source=SOURCE, title="Järjestöyhteistyön periaatteet")
    closed = make_consultation(status="closed", source=SOURCE, title="Suljettu kuuleminen")
    paragraphs = paragraphs_of(consultation)
    third = [p for p in paragraphs if p.kind == "paragraph"][2]
    assert third.text.startswith("Kappale 3")
    for n in range(3):
        make_comment(consultation, rep, org, body=f"Aiempi huomio {n} kappaleeseen kolme.", anchor=third.anchor)
    first = make_comment(consultation, rep, org, body="Koko luonnosta koskeva huomio.")
    make_comment(consultation, rep, org, body="Vastaus huomioon.", parent=first)
    make_comment(closed, rep, org, body="Suljetun kuulemisen kommentti.", anchor=paragraphs_of(closed)[2].anchor)
    db.session.commit()
    return SimpleNamespace(email=rep.email, slug=consultation.slug, closed_slug=closed.slug, anchor=third.anchor,
                           number=third.number, closed_anchor=paragraphs_of(closed)[2].anchor, comment_id=first.id)


def choose_language(page, lang: str) -> None:
    if lang != "fi":
        page.get_by_role("button", name=LANGUAGES[lang], exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"discussion-{name}.png"), full_page=True)


def tabs_to(page, matches, limit: int) -> int:
    """Tab presses until the focused element `matches` (its info); fails past `limit`."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), name: el.getAttribute('name'), text: el.textContent.trim(),
                    cls: el.className}; }""")
        if matches(info):
            return presses
    raise AssertionError(f"{limit} Tab presses did not reach the target (last: {info})")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_keyboard_comment_on_paragraph_3_lands_on_it(page, live_server, scenario, lang, viewport):
    ui = Interface(live_server.app, lang)
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(page, live_server, scenario.email, PASSWORD)
    choose_language(page, lang)
    # From the paragraph: its permalink puts the keyboard's starting point on it.
    page.goto(f"/consultations/{scenario.slug}/#{scenario.anchor}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    action = ui.t("Add a comment")
    presses = tabs_to(page, lambda f: f["tag"] == "a" and f["text"].startswith(action), 10)
    label = page.evaluate("() => document.activeElement.textContent")
    assert label == f"{action} – {ui.t('paragraph')} {scenario.number}", label
    page.keyboard.press("Enter")
    # The form opened next to the paragraph, bound to it, with focus in the text.
    paragraph = page.locator(f'[id="{scenario.anchor}"]')
    form = paragraph.locator("form#comment-form")
    expect(form).to_be_visible()
    expect(form.get_by_label(ui.t("Paragraph"), exact=True)).to_have_value(scenario.anchor)
    body = form.get_by_label(ui.t("Comment"), exact=True)
    expect(body).to_be_focused()
    text = f"Näppäimistöllä kirjoitettu huomio ({lang}, {viewport})."
    page.keyboard.type(text)
    presses += tabs_to(page, lambda f: f["tag"] == "button", 10 - presses)
    assert presses <= 10
    shot(page, f"inline-form-{lang}-{viewport}")
    page.keyboard.press("Enter")

    # Landed on the new comment, beside its paragraph, highlighted with the message in it.
    expect(page).to_have_url(re.compile(rf"/consultations/{scenario.slug}/\?open={scenario.anchor}#comment-\d+$"))
    card = paragraph.locator("article.just-posted")
    expect(card).to_contain_text(text)
    expect(card.get_by_role("status")).to_have_text(ui.t("Your comment has been published."))
    expect(card).to_be_focused()
    expect(card).to_be_in_viewport()
    assert_no_axe_violations(page, f"the consultation page after posting ({lang}, {viewport})")
    shot(page, f"posted-{lang}-{viewport}")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_thread_opens_in_place_and_pages_on(page, live_server, scenario, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(f"/consultations/{scenario.slug}/")
    paragraph = page.locator(f'[id="{scenario.anchor}"]')
    count = paragraph.locator("a.para-count")
    count.click()
    expect(count).to_have_attribute("aria-expanded", "true")
    expect(paragraph.locator(".para-comments article")).to_have_count(3)
    assert_no_axe_violations(page, f"a thread shown in place ({viewport})")
    count.click()
    expect(paragraph.locator(".para-comments")).to_be_hidden()


def test_without_script_the_action_opens_the_paragraphs_page(browser, live_server, scenario):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server, scenario.email, PASSWORD)
        page.goto(f"/consultations/{scenario.slug}/")
        page.locator(f'[id="{scenario.anchor}"] a.para-comment').click()
        expect(page).to_have_url(re.compile(rf"/comments/\?paragraph={scenario.anchor}#comment-form$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text(scenario.number)
        page.get_by_label(live_server.t("Comment"), exact=True).fill("Ilman skriptiä kirjoitettu.")
        page.get_by_role("button", name=live_server.t("Publish comment"), exact=True).click()
        # Back on the paragraph's page, the new comment first and highlighted.
        expect(page).to_have_url(re.compile(rf"/comments/\?paragraph={scenario.anchor}#comment-\d+$"))
        card = page.locator("article.just-posted")
        expect(card).to_contain_text("Ilman skriptiä kirjoitettu.")
        expect(card).to_contain_text(live_server.t("Your comment has been published."))
    finally:
        context.close()


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_error_shows_next_to_the_paragraph_with_focus_and_text_kept(page, live_server, scenario, lang, viewport):
    ui = Interface(live_server.app, lang)
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(page, live_server, scenario.email, PASSWORD)
    choose_language(page, lang)
    page.goto(f"/consultations/{scenario.slug}/")
    paragraph = page.locator(f'[id="{scenario.anchor}"]')
    paragraph.locator("a.para-comment").click()
    body = paragraph.get_by_label(ui.t("Comment"), exact=True)
    # The browser's own checks: required, and at most the limit.
    assert body.get_attribute("required") is not None
    limit = live_server.app.config["COMMENT_MAX_LENGTH"]
    assert body.get_attribute("maxlength") == str(limit)
    counter = paragraph.locator(".char-count")
    body.fill("Viisi")
    left = str(limit - 5)  # grouped as the language groups thousands (9 995, 9,995)
    expect(counter).to_contain_text(re.compile(rf"{left[:-3]}\D?{left[-3:]}"))
    # Spaces only pass `required` but not the server: the page the form was on comes back
    # with the form at its paragraph, focus on the error summary and the text kept.
    body.fill("     ")
    paragraph.get_by_role("button", name=ui.t("Publish comment"), exact=True).click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(ui.t("Write a comment before sending."))
    expect(summary).to_be_in_viewport()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(paragraph.locator("form#comment-form")).to_be_visible()
    assert_no_axe_violations(page, f"the comment form with an error ({lang}, {viewport})")
    shot(page, f"error-{lang}-{viewport}")


def test_error_without_script_focuses_the_summary_and_keeps_the_text(browser, live_server, scenario):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server, scenario.email, PASSWORD)
        page.goto(f"/consultations/{scenario.slug}/comments/?paragraph={scenario.anchor}")
        long_text = "Liian pitkä. " * 900  # past the limit: the browser would stop typing, a paste tool may not
        page.get_by_label(live_server.t("Comment"), exact=True).evaluate(
            "(el, text) => { el.removeAttribute('maxlength'); el.value = text; }", long_text)
        page.get_by_role("button", name=live_server.t("Publish comment"), exact=True).click()
        expect(page).to_have_url(re.compile(rf"/comments/\?paragraph={scenario.anchor}$"))
        expect(page.locator(".error-summary")).to_be_focused()
        kept = page.get_by_label(live_server.t("Comment"), exact=True).input_value()
        assert kept.strip() == long_text.strip()
    finally:
        context.close()


def reflow_pages(scenario) -> list[str]:
    slug = scenario.slug
    return [
        f"/consultations/{slug}/",
        f"/consultations/{slug}/?open={scenario.anchor}",
        f"/consultations/{slug}/comments/",
        f"/consultations/{slug}/comments/?paragraph={scenario.anchor}",
        f"/consultations/{slug}/comments/?paragraph=whole",
        f"/comments/{scenario.comment_id}",
        f"/consultations/{scenario.closed_slug}/",
        f"/consultations/{scenario.closed_slug}/comments/?paragraph={scenario.closed_anchor}",
    ]


def assert_fits_320_px(page, url: str) -> None:
    """With every <details> opened, nothing reaches past 320 px (WCAG 1.4.10); the
    message names the first elements that do."""
    page.locator("details:not([open]) > summary").evaluate_all("els => els.forEach(s => s.click())")
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > 321)
        .slice(0, 8).map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))""")
    assert width <= 320, f"{url} is {width} px wide at 320 px: {wide}"


@pytest.mark.parametrize("signed_in", [False, True], ids=["reader", "representative"])
def test_no_sideways_scroll_at_320_px(page, live_server, scenario, signed_in):
    if signed_in:
        log_in(page, live_server, scenario.email, PASSWORD)
    page.set_viewport_size({"width": 320, "height": 640})
    for n, url in enumerate(reflow_pages(scenario)):
        page.goto(url)
        assert_fits_320_px(page, url)
        if n == 1:  # the opened thread and the table, as a phone shows them
            page.locator(f'[id="{scenario.anchor}"]').scroll_into_view_if_needed()
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"discussion-320-{'signed-in' if signed_in else 'reader'}.png"))


# Pages that are only read: one world, one server and one browser for all of them.
@pytest.fixture(scope="module")
def reading(browser, tmp_path_factory):
    """The closed consultation of tests/world.py with its summary published, and an open
    one (the draft with a table) with a long reply thread and an edited comment, served
    once for the module."""
    from comments.responses.summary import publish_summary
    from comments.services import edit_comment
    from consultations.services import add_document, create_consultation
    from tests.apps import close_app, copy_schema, new_app, session_schema
    from tests.live import serve
    from tests.world import build_world, comment_on

    application = new_app(copy_schema(session_schema(tmp_path_factory), tmp_path_factory.mktemp("read") / "db.sqlite"))
    with application.app_context():
        world = build_world(status="closed")
        publish_summary(world.consultation, world.users["official"], "Yhteenveto kuulemisesta.", 0)
        db.session.commit()
        now = utcnow()
        discussed = create_consultation(slug="keskustelu", title="Keskusteltu luonnos", organizer_slug="authority",
                                        opens_at=now - timedelta(days=5), closes_at=now + timedelta(days=5))
        add_document(discussed, "Luonnos", SOURCE, "markdown")
        db.session.commit()
        anchor = paragraphs_of(discussed)[1].anchor
        users, orgs = world.users, world.orgs
        root = comment_on(discussed, users["member"], orgs["a"], "Ketjun aloitus.", anchor)
        for n in range(5):
            comment_on(discussed, users["member_b"], orgs["b"], f"Vastaus numero {n}.", parent=root)
        edited = comment_on(discussed, users["member"], orgs["a"], "Koko luonnoksesta.")
        edit_comment(edited, users["member"], "Koko luonnoksesta, tarkennettu.")
        comment_on(discussed, users["member_b"], orgs["b"], "Toinen huomio.", paragraphs_of(discussed)[2].anchor)
        db.session.commit()
        data = SimpleNamespace(slug=discussed.slug, anchor=anchor, root=root.id, edited=edited.id,
                               closed_slug=world.slug, closed_anchor=world.paragraphs[1].anchor)
    server = serve(application)
    live = next(server)
    data.url, data.app = live.url, application
    yield data
    next(server, None)
    close_app(application)
    assert not live.errors, live.errors


def reader_page(browser, reading, viewport: dict):
    context = browser.new_context(base_url=reading.url, viewport=viewport)
    return context, context.new_page()


def test_no_sideways_scroll_at_320_px_on_every_other_page_type(browser, reading):
    """With every <details> opened; the discussion pages themselves are checked above."""
    pages = ["/", "/consultations/", "/consultations/?status=closed",
             f"/consultations/{reading.slug}/comments/?sort=draft",
             f"/consultations/{reading.slug}/comments/?organization=org-b&sort=oldest",
             f"/comments/{reading.root}", f"/consultations/{reading.closed_slug}/",
             f"/consultations/{reading.closed_slug}/summary",
             f"/consultations/{reading.closed_slug}/comments/", "/search?q=kappale", "/search?q=ei-loydy-mitaan"]
    context, page = reader_page(browser, reading, {"width": 320, "height": 640})
    try:
        for url in pages:
            assert page.goto(url).status == 200, url
            assert_fits_320_px(page, url)
        shot(page, "320-search")
    finally:
        context.close()


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_comment_list_sorted_and_narrowed_by_its_form(browser, reading, lang, viewport):
    """Issue 15 §8 as a reader meets it: the order and the organization chosen from the
    form by their labels, the edited mark, a long thread's "show all N replies"."""
    ui = Interface(reading.app, lang)
    context, page = reader_page(browser, reading, VIEWPORTS[viewport])
    try:
        page.goto(f"/consultations/{reading.slug}/comments/")
        choose_language(page, lang)
        form = page.get_by_role("form", name=ui.t("Sort and filter the comments"))
        form.get_by_label(ui.t("Order"), exact=True).select_option("draft")
        form.get_by_label(ui.t("Organization"), exact=True).select_option("org-a")
        form.get_by_role("button", name=ui.t("Show"), exact=True).click()
        expect(page).to_have_url(re.compile(r"sort=draft.*organization=org-a|organization=org-a.*sort=draft"))
        threads = page.locator("div.thread > article.comment")
        expect(threads).to_have_count(2)
        # The order of the draft: the whole draft's comment first, then the paragraph's.
        expect(threads.first).to_have_attribute("id", f"comment-{reading.edited}")
        expect(threads.first.locator(".edited-mark")).to_contain_text(ui.t("edited %(moment)s", moment="").strip())
        more = page.get_by_role("link", name=re.compile(re.escape(ui.nt("Show all %(num)d reply", "Show all %(num)d replies", 5))))
        expect(more).to_be_visible()
        expect(page.locator(f'[id="replies-{reading.root}"] article')).to_have_count(2)
        assert_no_axe_violations(page, f"the comment list sorted and narrowed ({lang}, {viewport})")
        shot(page, f"list-{lang}-{viewport}")
        more.click()
        expect(page).to_have_url(re.compile(rf"/comments/{reading.root}#replies-{reading.root}$"))
        expect(page.locator(f'[id="replies-{reading.root}"] article')).to_have_count(5)
        expect(page.locator(f'[id="replies-{reading.root}"]')).to_be_in_viewport()
    finally:
        context.close()
