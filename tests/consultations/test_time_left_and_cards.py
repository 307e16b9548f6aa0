"""What a reader sees of a consultation's time and size (issue 15 §9): the info box tells
how long is left (days, hours on the last day) in fi/sv/en, a summarized consultation
says so at the top of its page with a link to the summary, and the list cards on / and
/consultations/ show each one's deadline and visible comment count in a fixed number of
queries."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.timeutil import utcnow
from comments.page_parts import discussion_stamp
from comments.responses.summary import publish_summary
from consultations.deadline import time_left
from tests.conftest import counting_queries
from tests.world import build_world, comment_on

SAME_ORIGIN = {"Origin": "http://localhost"}
MOMENT = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4} klo \d{1,2}\.\d{2}")


def set_language(client, lang: str) -> None:
    assert client.post("/language", data={"lang": lang, "next": "/"}, headers=SAME_ORIGIN).status_code == 302


def info_box(html: str) -> str:
    return html[html.index('<aside class="info-box"'):html.index("</aside>")]


@pytest.fixture
def world(app):
    return build_world(status="open")


def closing_in(world, delta: timedelta) -> None:
    world.consultation.closes_at = utcnow() + delta
    db.session.commit()


@pytest.mark.parametrize("delta, expected", [
    (timedelta(days=12, hours=3), {"fi": "12 päivää aikaa", "sv": "12 dagar kvar", "en": "12 days left to comment"}),
    (timedelta(days=1, hours=2), {"fi": "1 päivä aikaa", "sv": "1 dag kvar", "en": "1 day left to comment"}),
    (timedelta(hours=5, minutes=30), {"fi": "5 tuntia aikaa", "sv": "5 timmar kvar", "en": "5 hours left to comment"}),
    (timedelta(minutes=40), {"fi": "Alle tunti aikaa", "sv": "Mindre än en timme kvar",
                             "en": "Less than an hour left to comment"}),
])
def test_info_box_tells_how_long_is_left(world, client, delta, expected):
    closing_in(world, delta)
    for lang in ("fi", "sv", "en"):
        if lang != "fi":
            set_language(client, lang)
        box = info_box(client.get(f"/consultations/{world.slug}/").get_data(as_text=True))
        assert expected[lang] in box, lang
    set_language(client, "fi")
    assert MOMENT.search(info_box(client.get(f"/consultations/{world.slug}/").get_data(as_text=True)))


def test_closed_and_upcoming_consultations_tell_no_time_left(app, client):
    closed = build_world(status="closed")
    box = info_box(client.get(f"/consultations/{closed.slug}/").get_data(as_text=True))
    assert "aikaa" not in box and time_left(closed.consultation) is None


def test_time_left_steps_from_days_to_hours_and_is_in_the_content_stamp(world):
    consultation, closes = world.consultation, world.consultation.closes_at
    assert time_left(consultation, closes - timedelta(days=3, minutes=1)) == ("days", 3)
    assert time_left(consultation, closes - timedelta(days=1)) == ("days", 1)
    assert time_left(consultation, closes - timedelta(hours=23, minutes=59)) == ("hours", 23)
    assert time_left(consultation, closes - timedelta(minutes=59)) == ("minutes", 0)
    assert time_left(consultation, closes) is None
    # The cached info box is stamped with the step, so it never tells yesterday's count.
    assert time_left(consultation) in discussion_stamp(consultation)


def test_summarized_consultation_says_so_at_the_top_with_a_link(app, client):
    world = build_world(status="closed")
    page = f"/consultations/{world.slug}/"
    assert "yhteenveto on julkaistu" not in client.get(page).get_data(as_text=True)
    publish_summary(world.consultation, world.users["official"], "Yhteenveto lausunnoista.", 0)
    db.session.commit()
    html = client.get(page).get_data(as_text=True)
    notice = html.index("Kuuleminen on päättynyt, ja sen yhteenveto on julkaistu.")
    assert html.index("<h1>") < notice < html.index('class="draft"')
    assert f'href="/consultations/{world.slug}/summary">Lue yhteenveto ja vastineet</a>' in html
    set_language(client, "sv")
    assert "Remissen har avslutats och dess sammandrag har publicerats." in client.get(page).get_data(as_text=True)


def card_of(html: str, title: str) -> str:
    start = html.index(f">{title}</a>")
    return html[start:html.index("</article>", start)]


def test_cards_show_deadline_and_visible_comments_only(world, client):
    # build_world: three visible comments and one hidden one.
    for url in ("/", "/consultations/", "/consultations/?status=open"):
        card = card_of(client.get(url).get_data(as_text=True), world.consultation.title)
        assert "3 kommenttia" in card, url
        assert "Määräaika" in card and MOMENT.search(card), url
        assert "päivää aikaa" in card, url
    set_language(client, "sv")
    card = card_of(client.get("/consultations/").get_data(as_text=True), world.consultation.title)
    assert "3 kommentarer" in card and "Sista dag" in card and re.search(r"\d{4} kl\. \d{1,2}\.\d{2}", card)


def test_cards_are_counted_in_a_fixed_number_of_queries(world, client, make_consultation):
    def queries(url):
        with counting_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    def add(status):
        consultation = make_consultation(status=status)
        comment_on(consultation, world.users["member"], world.orgs["a"], "Lisää kommentteja.")

    for status in ("closed", "upcoming"):  # a card in each list of the front page
        add(status)
    before = {url: queries(url) for url in ("/", "/consultations/")}
    for status in ("open", "open", "closed", "upcoming", "closed", "closed"):
        add(status)
    for url, count in before.items():
        assert queries(url) == count, url
    html = client.get("/consultations/").get_data(as_text=True)
    assert html.count('class="card-facts"') == 9 and html.count("1 kommentti<") == 8
