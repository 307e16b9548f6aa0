"""A reader's discussion page is sent whole from the render cache after one query (the
consultation with its content stamp), and the stamp is read from indexes, not by scanning
the discussion (issue 15 §4: within 3x of serving the same bytes as a file, bench-pages)."""
from __future__ import annotations

import pytest

from app.extensions import db
from comments.page_parts import _STAMP, _WITH_STAMP
from tests.conftest import counting_queries, paragraphs_of


@pytest.fixture
def discussed(make_consultation, make_org, make_user, make_comment):
    org = make_org(slug="lukija-ry")
    author = make_user(orgs=[org])
    consultation = make_consultation(status="open", slug="luettava")
    anchor = paragraphs_of(consultation)[1].anchor
    for n in range(3):
        make_comment(consultation, author, org, body=f"Huomio {n}.", anchor=anchor)
    return consultation, author, org, anchor


def _pages(consultation, anchor):
    slug = consultation.slug
    return [f"/consultations/{slug}/", f"/consultations/{slug}/comments/?paragraph={anchor}",
            f"/consultations/{slug}/comments/?sort=draft", f"/consultations/{slug}/comments/?fragment=1"]


def test_the_next_reader_gets_the_stored_page_after_one_query(client, discussed, make_comment):
    consultation, author, org, anchor = discussed
    for url in _pages(consultation, anchor):
        first = client.get(url)
        with counting_queries() as statements:
            again = client.get(url)
        assert again.status_code == 200 and again.get_data() == first.get_data(), url
        assert len(statements) == 1, (url, statements)
        assert again.content_type == first.content_type
        assert "Set-Cookie" not in again.headers
    make_comment(consultation, author, org, body="Uusi huomio tuli.", anchor=anchor)
    for url in _pages(consultation, anchor)[:3]:
        assert "Uusi huomio tuli." in client.get(url).get_data(as_text=True), url


def test_a_signed_in_page_is_never_the_stored_readers_page(client, discussed, login_as):
    consultation, author, _, anchor = discussed
    url = _pages(consultation, anchor)[1]
    reader = client.get(url).get_data(as_text=True)
    assert 'name="body"' not in reader
    login_as(author)
    own = client.get(url).get_data(as_text=True)
    assert 'name="body"' in own and "/edit" in own


def test_an_unknown_paragraph_is_still_404_for_readers(client, discussed):
    consultation, *_ = discussed
    for query in ("?paragraph=ei-ole", "?paragraph=ei-ole&fragment=1"):
        assert client.get(f"/consultations/{consultation.slug}/comments/{query}").status_code == 404
        assert client.get(f"/consultations/{consultation.slug}/comments/{query}").status_code == 404


def test_the_stamp_reads_indexes_only(discussed):
    """No full scan of `comment` (SQLite's plan says SCAN for one, SEARCH ... USING
    [COVERING] INDEX for a lookup); with 2,000 comments the scan took 13 ms a page."""
    consultation, *_ = discussed
    values = {"consultation_id": consultation.id, "slug": consultation.slug}
    for statement in (_STAMP, _WITH_STAMP):
        compiled = statement.compile(db.engine)
        parameters = tuple(values.get(name, compiled.params.get(name)) for name in compiled.positiontup)
        plan = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled.string}", parameters).all()
        details = [row[-1] for row in plan]
        assert not [d for d in details if d.startswith(("SCAN comment", "SCAN document_version"))], details
        assert any("ix_comment_consultation_hidden" in d for d in details), details
        assert any("ix_comment_consultation_visibility" in d for d in details), details
