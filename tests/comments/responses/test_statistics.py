"""Charts: the heat strip beside the draft and the summary's bar charts, with table
alternatives, in currentColor (forced colours), without inline styles or scripts."""
from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from app.extensions import db
from comments.responses.statistics import comments_over_time, organization_kinds, paragraph_bars
from tests.comments.responses.conftest import publish
from tests.world import HIDDEN_TEXT


def _fake_comment(day: datetime, org=None, author_id=1):
    return SimpleNamespace(created_at=day, organization=org, author_id=author_id)


def test_paragraph_bars_share_and_order(world):
    counts = Counter({world.paragraphs[1].anchor: 4, world.paragraphs[2].anchor: 1})
    bars = paragraph_bars(world.paragraphs, counts)
    assert [b.label for b in bars] == [p.number for p in world.paragraphs]
    assert [b.value for b in bars][:3] == [0, 4, 1]
    assert bars[1].share == 1.0 and bars[2].share == 0.25 and bars[0].share == 0
    assert bars[1].href == f"#{world.paragraphs[1].anchor}"


def test_organization_kinds_counts_organizations_once_and_individuals():
    association = SimpleNamespace(id=1, kind="association")
    company = SimpleNamespace(id=2, kind="company")
    now = datetime.now(timezone.utc)
    comments = [_fake_comment(now, association), _fake_comment(now, association), _fake_comment(now, company),
                _fake_comment(now, None, 7), _fake_comment(now, None, 7), _fake_comment(now, None, 8)]
    with_labels = {str(b.label): b.value for b in organization_kinds(comments)}
    assert with_labels == {"Associations": 1, "Companies": 1, "Individuals": 2}


def test_comments_over_time_by_day_and_by_week():
    start = datetime(2024, 3, 1, 10, tzinfo=timezone.utc)
    daily, period = comments_over_time([_fake_comment(start), _fake_comment(start + timedelta(days=2))])
    assert period == "day" and [b.value for b in daily] == [1, 0, 1] and daily[0].label == "1.3."
    weekly, period = comments_over_time([_fake_comment(start), _fake_comment(start + timedelta(days=100))])
    assert period == "week" and sum(b.value for b in weekly) == 2 and len(weekly) == 15
    assert comments_over_time([]) == ([], "day")


def test_heat_strip_beside_the_draft(world, client_as):
    html = client_as(world, "anonymous").get(f"/consultations/{world.slug}/").get_data(as_text=True)
    strip = html[html.index('id="heat-strip"'):]
    strip = strip[: strip.index("</figure>")]
    assert 'class="heat-strip" role="group" aria-labelledby="heat-strip-caption"' in strip
    assert strip.count("<rect") == 1 + 2  # the baseline and two commented paragraphs
    assert 'fill="currentColor"' in strip
    # Each commented paragraph's column links to the paragraph (issue 15 §6), for the
    # pointer only: the table below carries the same links for the keyboard.
    svg = strip[strip.index("<svg"): strip.index("</svg>")]
    columns = re.findall(r'<a href="#([^"]+)" tabindex="-1" aria-hidden="true"><rect ', svg)
    assert columns == [p.anchor for p in world.paragraphs if p.anchor in columns] and len(columns) == 2
    assert world.paragraphs[1].anchor in columns
    # The table alternative lists commented paragraphs with counts and links.
    assert f'href="#{world.paragraphs[1].anchor}"' in strip
    assert re.search(r'<td class="number">1</td>', strip)
    assert "style=" not in strip and "<script" not in strip


def test_hidden_comments_are_not_counted(world, client_as):
    html = client_as(world, "anonymous").get(f"/consultations/{world.slug}/").get_data(as_text=True)
    strip = html[html.index('id="heat-strip"'):]
    strip = strip[: strip.index("</figure>")]
    # Paragraph 1.1 has one visible and one hidden comment: it counts one.
    table = strip[strip.index("<table"):]
    row = table[table.index(f'href="#{world.paragraphs[1].anchor}"'):]
    assert '<td class="number">1</td>' in row[: row.index("</tr>")]
    assert HIDDEN_TEXT not in html


def test_summary_charts_have_table_alternatives(world, client_as):
    publish(client_as(world, "official"), world)
    html = client_as(world, "anonymous").get(f"/consultations/{world.slug}/summary").get_data(as_text=True)
    for chart in ("chart-paragraphs", "chart-kinds", "chart-time"):
        figure = html[html.index(f'id="{chart}"'):]
        figure = figure[: figure.index("</figure>")]
        assert f'role="img" aria-labelledby="{chart}-caption"' in figure
        assert "<table" in figure and "Show the figures as a table" in figure
    kinds = html[html.index('id="chart-kinds"'):]
    kinds = kinds[: kinds.index("</figure>")]
    assert "Associations" in kinds and "Foundations" in kinds
    assert "style=" not in html


def test_css_supports_forced_colours_and_print(app):
    with open(app.static_folder + "/css/kuulo.css", encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    forced = css[css.rindex("@media (forced-colors: active)"):]
    assert ".chart" in forced and "CanvasText" in forced
    assert ".response-table thead { display: table-header-group; }" in css


def test_heat_strip_without_comments(world, client_as, make_consultation):
    empty = make_consultation(status="open", organizer=world.orgs["authority"], slug="tyhja")
    html = client_as(world, "anonymous").get(f"/consultations/{empty.slug}/").get_data(as_text=True)
    assert "No comments on single paragraphs yet." in html
    db.session.rollback()


def test_a_long_drafts_table_beside_the_draft_lists_the_most_commented(client, make_consultation, make_org,
                                                                        make_user, make_comment):
    """Every paragraph's count is beside it in the draft; the table of the heat strip lists
    the 15 most commented (issue 15 §4: a 300-paragraph page stays under 300 KB) and links
    to all comments in the order of the draft. The strip still has a column for each."""
    source = "\n\n".join(f"Kappale numero {n} kertoo asiasta." for n in range(1, 21))
    consultation = make_consultation(status="open", slug="pitka-luonnos", source=source)
    org = make_org(slug="kommentoija")
    author = make_user(orgs=[org])
    paragraphs = consultation.documents[0].latest_version.paragraphs
    for n, paragraph in enumerate(paragraphs):
        for _ in range(1 + (n == 17) * 2):
            make_comment(consultation, author, org, body=f"Huomio {n}.", anchor=paragraph.anchor)
    html = client.get(f"/consultations/{consultation.slug}/").get_data(as_text=True)
    strip = html[html.index('id="heat-strip"'):]
    strip = strip[: strip.index("</figure>")]
    assert strip.count("<rect") == 1 + 20
    rows = re.findall(r'<th scope="row"><a href="#([^"]+)">', strip)
    assert len(rows) == 15
    assert rows[0] == paragraphs[17].anchor  # the most commented first, then in the draft's order
    assert rows[1:] == [p.anchor for p in paragraphs if p is not paragraphs[17]][:14]
    assert "Most commented paragraphs" in strip or "Eniten kommentoidut kappaleet" in strip
    assert f'href="/consultations/{consultation.slug}/comments/?sort=draft"' in strip
