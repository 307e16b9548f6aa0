"""/search on both engines: scope, hidden comments, filters, facets, paging, messages, XSS."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.timeutil import utcnow
from comments.moderation.services import hide_comment, restore_comment
from tests.search.conftest import anchors_by_text, search_app, search_html

PARAGRAPHS = [
    "Järjestöjen toiminta-avustuksista päätetään hyvinvointialueella vuosittain.",
    "Kunnissa tehdään yhteistyötä kansalaisjärjestöjen kanssa.",
    "Avustusten hakuaika päättyy syyskuussa.",
]


@pytest.fixture
def org(make_org):
    return make_org(name="Lasten Ystävät ry", slug="lasten-ystavat")


@pytest.fixture
def member(make_user, org):
    return make_user(orgs=[org])


@pytest.fixture
def official(make_user, make_org):
    return make_user(role="official")


def test_inflected_forms_and_compounds_found_through_search(client, make_archive):
    consultation = make_archive(PARAGRAPHS)
    anchors = anchors_by_text(consultation)
    html = search_html(client, q="järjestö")
    assert f"/consultations/{consultation.slug}/#{anchors[PARAGRAPHS[0]]}" in html
    assert f"#{anchors[PARAGRAPHS[1]]}" in html  # kansalaisjärjestöjen: last part of a compound
    assert f"#{anchors[PARAGRAPHS[2]]}" not in html
    html = search_html(client, q="alue")
    assert f"#{anchors[PARAGRAPHS[0]]}" in html
    assert "<mark>hyvinvointialueella</mark>" in html  # the original word is highlighted
    html = search_html(client, q="kunta")
    assert "<mark>Kunnissa</mark>" in html


def test_query_operators(client, make_archive):
    consultation = make_archive(PARAGRAPHS)
    anchors = anchors_by_text(consultation)
    first, second, third = (f"#{anchors[p]}" for p in PARAGRAPHS)

    html = search_html(client, q="järjestö kunta")  # AND by default
    assert second in html and first not in html
    html = search_html(client, q="hakuaika OR kunta")
    assert second in html and third in html and first not in html
    html = search_html(client, q="järjestö -kunta")
    assert first in html and second not in html
    html = search_html(client, q='"toiminta-avustus päättää"')  # a phrase in any inflection
    assert first in html and second not in html
    html = search_html(client, q='"järjestö päättää"')  # both words, but not side by side
    assert first not in html
    html = search_html(client, q='"järjestö toiminta-avustus"')
    assert first in html and second not in html
    html = search_html(client, q="järjest*")
    assert first in html and second in html and third not in html
    html = search_html(client, q="avustuks*")
    assert first in html and third not in html  # "Avustusten" does not begin with avustuks


def test_default_scope_is_closed_and_toggle_adds_open(client, make_archive):
    closed = make_archive(["Vanhusneuvoston lausunto käsiteltiin."], status="closed")
    opened = make_archive(["Vanhusneuvoston kokous pidetään."], status="open")
    upcoming = make_archive(["Vanhusneuvoston vaalit järjestetään."], status="upcoming")
    html = search_html(client, q="vanhusneuvosto")
    assert closed.slug in html and opened.slug not in html and upcoming.slug not in html
    html = search_html(client, q="vanhusneuvosto", open="1")
    assert closed.slug in html and opened.slug in html and upcoming.slug not in html


def test_unpublished_consultations_never_appear(client, make_archive):
    hidden = make_archive(["Salainen luonnos kirjastoista."], published=False)
    html = search_html(client, q="kirjasto", open="1")
    assert hidden.slug not in html and "Salainen" not in html
    hidden.published = True
    db.session.commit()
    assert hidden.slug in search_html(client, q="kirjasto")
    hidden.published = False
    db.session.commit()
    assert hidden.slug not in search_html(client, q="kirjasto", open="1")


def test_hidden_comments_leave_the_index_and_restored_ones_return(
    client, make_archive, make_comment, member, org, official, engine
):
    consultation = make_archive(["Kirjastopalvelut."])
    comment = make_comment(consultation, member, org, body="Kirjastoautojen reitit ovat liian harvat.")
    html = search_html(client, q="kirjastoauto")
    assert f"/comments/{comment.id}" in html and "Lasten Ystävät ry" in html

    hide_comment(comment, official, "offensive")
    db.session.commit()
    html = search_html(client, q="kirjastoauto")
    assert f"/comments/{comment.id}" not in html and "reitit" not in html
    assert f"c{comment.id}" not in engine.fingerprints()

    restore_comment(comment, official)
    db.session.commit()
    assert f"/comments/{comment.id}" in search_html(client, q="kirjastoauto")


def test_auto_hidden_comment_leaves_the_index(app, client, make_archive, make_comment, member, org, make_user):
    from comments.moderation.services import report_comment

    app.config["REPORT_AUTO_HIDE_THRESHOLD"] = 2
    # Only comments of an open consultation are hidden by reports (issue 12).
    consultation = make_archive(["Liikuntapaikat."], status="open")
    comment = make_comment(consultation, member, org, body="Uimahallin aukioloajat ovat hyvät.")
    assert f"/comments/{comment.id}" in search_html(client, q="uimahalli", open="1")
    for _ in range(2):
        report_comment(comment, make_user(), "127.0.0.1", "spam", "")
        db.session.commit()
    assert comment.visibility == "hidden"
    assert f"/comments/{comment.id}" not in search_html(client, q="uimahalli", open="1")


def test_rollback_leaves_the_index_alone(client, make_archive, make_comment, member, org, official):
    consultation = make_archive(["Nuorisotyö."])
    comment = make_comment(consultation, member, org, body="Nuorisotalojen aukioloajat.")
    hide_comment(comment, official, "spam")
    db.session.rollback()
    assert f"/comments/{comment.id}" in search_html(client, q="nuorisotalo")


def test_edited_comment_is_reindexed(client, make_archive, make_comment, member, org):
    from comments.services import edit_comment

    consultation = make_archive(["Kulttuuri."], status="open")
    comment = make_comment(consultation, member, org, body="Museoiden aukioloajat.")
    edit_comment(comment, member, "Teattereiden aukioloajat.")
    db.session.commit()
    assert f"/comments/{comment.id}" in search_html(client, q="teatteri", open="1")
    assert f"/comments/{comment.id}" not in search_html(client, q="museo", open="1")


def test_swedish_comment_on_finnish_draft_is_analyzed_as_swedish(client, make_archive, make_comment, member, org):
    consultation = make_archive(["Yhdistysten avustukset."], language="fi")
    comment = make_comment(
        consultation, member, org, body="Vi anser att föreningarnas bidrag är viktiga för oss och för kommunerna."
    )
    html = search_html(client, q="förening")
    assert f"/comments/{comment.id}" in html and "<mark>föreningarnas</mark>" in html
    assert f"/comments/{comment.id}" in search_html(client, q="kommun")


def test_filters_facets_and_sort(client, make_archive, make_comment, member, org, make_org, make_user):
    other = make_org(name="Eläkeläiset ry", slug="elakelaiset")
    other_member = make_user(orgs=[other])
    first = make_archive(["Liikuntapalveluiden avustukset."], title="Liikunta")
    second = make_archive(["Kulttuuripalveluiden avustukset."], title="Kulttuuri")
    ours = make_comment(first, member, org, body="Avustuksia tarvitaan lisää.")
    theirs = make_comment(second, other_member, other, body="Avustusten taso on hyvä.")

    html = search_html(client, q="avustus")
    assert "4 results" in html or "4 tulosta" in html or re.search(r"\b4\b", html)
    for value in ("lasten-ystavat", "elakelaiset", first.slug, second.slug):
        assert f"{value}" in html
    assert "Eläkeläiset ry (1)" in html

    html = search_html(client, q="avustus", organization="elakelaiset")
    assert f"/comments/{theirs.id}" in html and f"/comments/{ours.id}" not in html
    html = search_html(client, q="avustus", consultation=first.slug)
    assert f"/comments/{ours.id}" in html and f"/comments/{theirs.id}" not in html
    html = search_html(client, q="avustus", type="paragraph")
    assert "/comments/" not in html and first.slug in html and second.slug in html
    year = utcnow().year
    assert f"/comments/{ours.id}" in search_html(client, q="avustus", year=str(year))
    assert "/comments/" not in search_html(client, q="avustus", year=str(year - 3))

    ours.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    html = search_html(client, q="avustus", type="comment", sort="date")
    assert html.index(f"/comments/{theirs.id}") < html.index(f"/comments/{ours.id}")


def test_pagination(client, make_archive):
    consultation = make_archive([f"Kohta {n}: järjestöjen tehtävät." for n in range(1, 24)])
    first = search_html(client, q="järjestö")
    assert "page=2" in first
    links = set(re.findall(rf"/consultations/{consultation.slug}/#([\w-]+)", first))
    assert len(links) == 10
    third = search_html(client, q="järjestö", page="3")
    assert len(set(re.findall(rf"/consultations/{consultation.slug}/#([\w-]+)", third))) == 3
    assert "page=2" in third


@pytest.mark.parametrize(
    "query, fragment",
    [
        ("x" * 201, "too long"),
        ('"avoin lainaus', "could not be understood"),
        ("OR kunta", "could not be understood"),
        ("kunta OR", "could not be understood"),
        ("-kunta", "not only words to leave out"),
        ("ab*", "at least 3 letters"),
        ("!!! ???", "no words to look for"),
    ],
)
def test_bad_queries_get_a_friendly_message(client, query, fragment):
    response = client.get("/search", query_string={"q": query, "lang": "en"})
    assert response.status_code == 400
    with client.session_transaction() as session:
        session["lang"] = "en"
    response = client.get("/search", query_string={"q": query})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and fragment in html
    assert 'name="q"' in html  # the form to try again, with the text kept


@pytest.mark.parametrize(
    "params",
    [{"sort": "title; DROP TABLE comment"}, {"page": "0"}, {"page": "abc"}, {"page": "100000"},
     {"type": "user"}, {"year": "20x2"}, {"organization": "<script>"}],
)
def test_bad_parameters_are_400_not_500(client, params):
    response = client.get("/search", query_string={"q": "kunta", **params})
    assert response.status_code == 400
    assert "<script>" not in response.get_data(as_text=True)


def test_empty_search_shows_the_form(client):
    response = client.get("/search")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'role="search"' in html and '<label for="search-q">' in html


XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>"><svg onload=alert(3)>'


def test_query_and_highlights_render_inert(client, make_archive, make_comment, member, org):
    consultation = make_archive(["Kirjastojen <b>aukiolo</b> ja <script>alert('p')</script> tiedot."])
    make_comment(consultation, member, org, body=f"Kirjastot {XSS} ja `<script>alert(4)</script>`")
    response = client.get("/search", query_string={"q": f"kirjasto {XSS}"})
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 400)
    for payload in ("<script>alert", "<img src=x", "<svg onload", "<b>aukiolo</b>"):
        assert payload not in html
    html = search_html(client, q="kirjasto")
    assert "<mark>Kirjastojen</mark>" in html
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_search_box_in_every_page_header(client):
    html = client.get("/").get_data(as_text=True)
    assert 'role="search"' in html and 'action="/search"' in html
    assert '<label for="site-search-q">' in html


def test_search_is_rate_limited(make_app, schema_file, settings):
    settings.RATELIMIT_ENABLED = True
    settings.SEARCH_RATE_LIMIT = "3 per minute"
    application = search_app(make_app, schema_file, settings)
    client = application.test_client()
    statuses = [client.get("/search", query_string={"q": "kunta"}).status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200] and statuses[3] == 429


def test_approximate_order_is_said_on_the_page(client, make_archive, backend, monkeypatch):
    """Only the PostgreSQL engine approximates (the newest RANK_EXACTLY_UP_TO matches of
    a very broad query); the page says so instead of approximating silently."""
    from search import postgres_engine

    monkeypatch.setattr(postgres_engine, "RANK_EXACTLY_UP_TO", 1)
    make_archive([*PARAGRAPHS, *(f"Järjestö numero {n} kiittää." for n in range(10))])
    html = search_html(client, q="järjestö")
    assert ('id="search-approximate"' in html) == (backend == "postgres")
    assert 'id="search-approximate"' not in search_html(client, q="järjestö", sort="date")
    assert 'id="search-approximate"' not in search_html(client, q="hakuaika")
