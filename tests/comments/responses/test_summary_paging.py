"""The summary page's response table comes in pages of SUMMARY_PAGE_ROWS comments, so the
page's weight does not grow with the consultation; every visible comment is on exactly
one page, the synthesis and figures on the first."""
from __future__ import annotations

import re

import pytest

from tests.comments.responses.conftest import publish
from tests.world import HIDDEN_TEXT


@pytest.fixture
def pages(world, client_as, app):
    app.config["SUMMARY_PAGE_ROWS"] = 2
    assert publish(client_as(world, "official"), world, body="Yhteenvedon synteesi.").status_code == 303
    anonymous = client_as(world, "anonymous", lang="fi")

    def get(query: str = ""):
        return anonymous.get(f"/consultations/{world.slug}/summary{query}")

    return get


def _rows(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="comment-(\d+)"', html)]


def test_every_visible_comment_is_on_exactly_one_page(world, pages):
    first, second = pages().get_data(as_text=True), pages("?page=2").get_data(as_text=True)
    assert len(_rows(first)) == 2 and len(_rows(second)) == 1
    assert sorted(_rows(first) + _rows(second)) == sorted(c.id for c in world.comments)
    assert HIDDEN_TEXT not in first + second
    assert "Yhteenvedon synteesi." in first and "Yhteenvedon synteesi." not in second
    assert "Sivu 1 / 2" in first and "Sivu 2 / 2" in second
    assert f'href="/consultations/{world.slug}/summary?page=2#responses-heading" rel="next"' in first
    assert f'href="/consultations/{world.slug}/summary#responses-heading" rel="prev"' in second
    assert 'rel="next"' not in second and 'rel="prev"' not in first


@pytest.mark.parametrize("query", ["?page=3", "?page=0", "?page=-1", "?page=99999999999999999999"])
def test_no_such_page_is_404(pages, query):
    assert pages(query).status_code == 404


def test_a_page_that_is_not_a_number_is_the_first(pages):
    response = pages("?page=kaksi")
    assert response.status_code == 200 and "Sivu 1 / 2" in response.get_data(as_text=True)


def test_one_page_has_no_pager(world, pages, app):
    app.config["SUMMARY_PAGE_ROWS"] = 200
    html = pages().get_data(as_text=True)
    assert len(_rows(html)) == 3 and "Sivu 1" not in html and 'rel="next"' not in html
