"""Languages: Finnish by default, the language switch, the static pages in each language,
complete fi/sv catalogs and Finnish-style timestamps."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.timeutil import HELSINKI
from tests.conftest import csrf_from

TRANSLATIONS = Path(__file__).resolve().parents[2] / "app" / "translations"
HTML_LANG = re.compile(r'<html lang="([a-z]+)"')
H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
FINNISH_MOMENT = re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{4} klo \d{1,2}\.\d{2}\b")

# A string of the page chrome in each language: the login link in the header.
LOG_IN = {"fi": "Kirjaudu sisään", "sv": "Logga in", "en": "Log in"}
PAGE_HEADINGS = {
    "/accessibility": {
        "fi": "Saavutettavuusseloste",
        "sv": "Tillgänglighetsutlåtande",
        "en": "Accessibility statement",
    },
    "/privacy": {
        "fi": "Tietosuojaseloste",
        "sv": "Dataskyddsbeskrivning",
        "en": "Privacy notice",
    },
}



def switch_language(client, lang: str, next_url: str = "/"):
    token = csrf_from(client, "/")
    return client.post("/language", data={"lang": lang, "next": next_url, "csrf_token": token})


def html_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def page_lang(html: str) -> str:
    match = HTML_LANG.search(html)
    assert match, "no <html lang> attribute"
    return match.group(1)


# --- default language and the switch ----------------------------------------------


def test_front_page_is_finnish_by_default(client):
    html = html_of(client, "/")
    assert page_lang(html) == "fi"
    assert LOG_IN["fi"] in html
    assert "Julkiset kuulemiset" in html
    assert ">Log in<" not in html


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("sv", ["Logga in", "Offentliga samråd", "Gå till innehållet"]),
        ("en", ["Log in", "Public consultations", "Skip to content"]),
    ],
)
def test_language_switch_changes_interface_language(client, lang, expected):
    response = switch_language(client, lang, "/consultations/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/consultations/")

    html = html_of(client, "/")
    assert page_lang(html) == lang
    for text in expected:
        assert text in html
    assert "Kirjaudu sisään" not in html


def test_language_choice_persists_and_can_return_to_finnish(client):
    switch_language(client, "sv")
    assert page_lang(html_of(client, "/consultations/")) == "sv"
    switch_language(client, "fi")
    html = html_of(client, "/consultations/")
    assert page_lang(html) == "fi"
    assert LOG_IN["fi"] in html


def test_language_switch_ignores_foreign_next(client):
    response = switch_language(client, "sv", "https://evil.example/")
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]


def test_unknown_language_is_rejected(client):
    response = switch_language(client, "de")
    assert response.status_code == 400
    # The 400 came from the language check, not from CSRF: the error page is the generic one.
    assert "Pyyntö oli virheellinen" in response.get_data(as_text=True)
    assert page_lang(html_of(client, "/")) == "fi"


def test_language_switch_needs_csrf_token(client):
    client.get("/")
    response = client.post("/language", data={"lang": "sv", "next": "/"})
    assert response.status_code == 400
    assert page_lang(html_of(client, "/")) == "fi"


# --- accessibility statement and privacy notice -----------------------------------


@pytest.mark.parametrize("url", sorted(PAGE_HEADINGS))
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_static_pages_in_each_language(client, url, lang):
    if lang != "fi":
        switch_language(client, lang)
    html = html_of(client, url)
    assert page_lang(html) == lang
    headings = H1.findall(html)
    assert headings == [PAGE_HEADINGS[url][lang]]
    assert f"<title>{PAGE_HEADINGS[url][lang]} – Kuulo</title>" in html
    assert "TODO" not in html
    assert "<h2" in html
    for other, heading in PAGE_HEADINGS[url].items():
        if other != lang:
            assert f">{heading}</h1>" not in html


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_accessibility_statement_has_required_parts(client, lang):
    if lang != "fi":
        switch_language(client, lang)
    html = html_of(client, "/accessibility")
    for text in ("306/2019", "WCAG 2.1", "23.11.2026", "saavutettavuus@kuulo.example",
                 "www.saavutettavuusvaatimukset.fi", "axe"):
        assert text in html, text
    authority = {
        "fi": "Etelä-Suomen aluehallintovirasto",
        "sv": "Regionförvaltningsverket i Södra Finland",
        "en": "Regional State Administrative Agency for Southern Finland",
    }[lang]
    assert authority in html


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_privacy_notice_has_required_parts(client, lang):
    if lang != "fi":
        switch_language(client, lang)
    html = html_of(client, "/privacy")
    assert "tietosuoja@kuulo.example" in html
    expected = {
        "fi": ["6 artiklan 1 kohdan e alakohta", "15 minuuttia", "Tietosuojavaltuutetun toimisto",
               "istuntoeväste"],
        "sv": ["artikel 6.1 e", "15 minuter", "Dataombudsmannens byrå", "sessionskaka"],
        "en": ["Article 6(1)(e)", "15 minutes", "Data Protection Ombudsman", "session cookie"],
    }[lang]
    for text in expected:
        assert text in html, text


# --- catalogs ------------------------------------------------------------------------


def _catalog(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=lang)


def _template_ids() -> set:
    with open(TRANSLATIONS / "messages.pot", "rb") as handle:
        return {message.id if isinstance(message.id, str) else tuple(message.id)
                for message in read_po(handle) if message.id}


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_catalog_is_complete_and_not_fuzzy(lang):
    catalog = _catalog(lang)
    assert not catalog.fuzzy, f"{lang}: the catalog header is marked fuzzy"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        forms = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if message.pluralizable and len(forms) != catalog.num_plurals:
            problems.append(f"wrong number of plural forms: {message.id!r}")
        if not all(form and form.strip() for form in forms):
            problems.append(f"untranslated: {message.id!r}")
            continue
        source = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        wanted = set(PLACEHOLDER.findall(source[-1]))
        for form in forms:
            if set(PLACEHOLDER.findall(form)) != wanted:
                problems.append(f"placeholders differ: {message.id!r} -> {form!r}")
    assert not problems, f"{lang}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_catalog_covers_every_extracted_message(lang):
    translated = {m.id if isinstance(m.id, str) else tuple(m.id) for m in _catalog(lang) if m.id}
    missing = _template_ids() - translated
    assert not missing, f"{lang}: run `make extract-messages` and translate: {sorted(map(str, missing))}"


# --- dates and times -------------------------------------------------------------


def test_consultation_page_shows_finnish_timestamp(client, make_consultation):
    consultation = make_consultation(status="open")
    html = html_of(client, f"/consultations/{consultation.slug}/")
    local = consultation.opens_at.astimezone(HELSINKI)
    expected = f"{local.day}.{local.month}.{local.year} klo {local.hour}.{local.minute:02d}"
    assert FINNISH_MOMENT.fullmatch(expected)
    match = re.search(
        rf'<time datetime="{re.escape(consultation.opens_at.isoformat())}">([^<]*)</time>', html
    )
    assert match, "the opening time is not shown in a <time> element"
    assert FINNISH_MOMENT.fullmatch(match.group(1)), match.group(1)
    assert match.group(1) == expected
    assert "Järjestäjä" in html and "Alkaa" in html


@pytest.mark.parametrize("lang, connector", [("sv", " kl. "), ("en", " at ")])
def test_timestamps_follow_the_chosen_language(client, make_consultation, lang, connector):
    consultation = make_consultation(status="open")
    switch_language(client, lang)
    html = html_of(client, f"/consultations/{consultation.slug}/")
    local = consultation.opens_at.astimezone(HELSINKI)
    day = f"{local.day}.{local.month}.{local.year}"
    assert day + connector in html
    assert day + " klo " not in html
