"""Importing drafts: five plain-text drafts with every quirk of real texts, and Markdown blocks.

The five seed texts (../shared/seeds, beside the repository and not part of it) are what
users really wrote; our drafts in drafts/ copy their block structure and quirks one to one
with sentences of our own, so the same expectations hold for both. The drafts always run;
the seed texts run when they are there, skip otherwise, and fail when missing if
KUULO_REQUIRE_SEEDS=1 (CI).

The expected counts below were derived by reading the texts under the importer's rules
(blank lines separate blocks; `•`/`-` lines are list items; a single short line without
closing punctuation, not starting with a digit and without ": " or "@" is a heading;
several lines without bullets form one paragraph)."""
from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import html as lxml_html
from sqlalchemy import func, select

from app.extensions import db
from consultations.importer import number_blocks, parse_markdown_source, parse_text
from consultations.models import Consultation, Paragraph
from consultations.services import add_document
from tests.conftest import paragraphs_of

DRAFTS_DIR = Path(__file__).resolve().parent / "drafts"
SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"
# Each text by its number: our draft, and the seed text it copies the structure of.
DRAFTS = {
    "000": "000_kylatalot.txt",  # identical paragraphs, bullets spaced every way
    "001": "001_kysely.txt",  # a duplicated heading, lines of one paragraph, a footer
    "002": "002_strategiat.txt",  # a long first line, signatures as headings
    "003": "003_keskustelusivu.txt",  # a Swedish interface around Finnish text
    "004": "004_palvelut.txt",  # indented bullets, two blank lines before the last line
}
SEEDS = {
    "000": "000_75c4ef5f32257129.txt",
    "001": "001_c18f0d3b8e239802.txt",
    "002": "002_73b4df2851758c72.txt",
    "003": "003_5a86abd2d97b935c.txt",
    "004": "004_3cf1b59f52d3c0c3.txt",
}
SEEDS_MISSING = pytest.mark.skipif(
    not SEEDS_DIR.is_dir() and os.environ.get("KUULO_REQUIRE_SEEDS") != "1",
    reason=f"seed texts not found at {SEEDS_DIR} (beside the repository); "
    "our drafts cover the same cases, and KUULO_REQUIRE_SEEDS=1 makes this a failure",
)

# text number: (paragraphs, headings, plain paragraphs, list items)
COUNTS = {
    "000": (19, 4, 11, 4),
    "001": (10, 4, 6, 0),
    "002": (13, 5, 8, 0),
    "003": (19, 11, 8, 0),
    "004": (16, 4, 8, 4),
}
# Display numbers of every block, in order (top-level headings open sections).
NUMBERS = {
    "000": ["1", "2", *[f"2.{i}" for i in range(1, 10)], "3", *[f"3.{i}" for i in range(1, 7)], "4"],
    "001": ["1", "2", "2.1", "2.2", "2.3", "2.4", "3", "3.1", "3.2", "4"],
    "002": ["1", *[f"1.{i}" for i in range(1, 9)], "2", "3", "4", "5"],
    "003": ["1", "2", "2.1", "3", "3.1", "4", "5", "6", "7", "8", "8.1",
            "9", "9.1", "9.2", "9.3", "10", "10.1", "11", "11.1"],
    "004": ["1", *[f"1.{i}" for i in range(1, 10)], "2", "3", "3.1", "4", "4.1", "4.2"],
}
# Kinds in order, as one letter each: h = heading, p = paragraph, l = list item.
KINDS = {
    "000": "hhpppppllllhpppppph",
    "001": "hhpppphpph",
    "002": "hpppppppphhhh",
    "003": "hhphphhhhhphppphphp",
    "004": "hllllppppphhphpp",
}
KIND_LETTER = {"heading": "h", "paragraph": "p", "list_item": "l", "table": "t", "figure": "f"}


def texts(*numbers: str) -> list:
    """Parameters for a test over texts: our draft of each number, then the seed text."""
    numbers = numbers or tuple(sorted(DRAFTS))
    drafts = [pytest.param(DRAFTS_DIR / DRAFTS[n], id=f"drafts/{DRAFTS[n]}") for n in numbers]
    seeds = [
        pytest.param(SEEDS_DIR / SEEDS[n], id=f"seeds/{SEEDS[n]}", marks=SEEDS_MISSING) for n in numbers
    ]
    return drafts + seeds


def _existing(path: Path) -> Path:
    assert path.is_file(), f"text missing: {path}"
    return path


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _import_text(app, make_org, path: Path, slug: str):
    organizer = make_org(kind="authority")
    result = app.test_cli_runner().invoke(
        args=[
            "consultations", "import", str(_existing(path)), "--slug", slug,
            "--title", f"Luonnos {path.name[:3]}",
            "--organizer", organizer.slug, "--opens", "2022-10-01T09:00", "--closes", "2022-10-24T16:00",
        ]
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    consultation = Consultation.by_slug(slug)
    assert consultation is not None
    return consultation, result


@pytest.mark.parametrize("path", texts())
def test_text_imports_cleanly_as_plain_text(app, client, make_org, path):
    number = path.name[:3]
    total, headings, plain, list_items = COUNTS[number]
    slug = f"text-{number}"
    consultation, result = _import_text(app, make_org, path, slug)

    assert result.output.strip() == f"Imported {slug}: {total} paragraphs."
    document = consultation.documents[0]
    version = document.latest_version
    assert version.source_format == "text"
    paragraphs = paragraphs_of(consultation)
    kinds = Counter(p.kind for p in paragraphs)
    assert len(paragraphs) == total
    assert kinds["heading"] == headings
    assert kinds["paragraph"] == plain
    assert kinds["list_item"] == list_items
    assert sum(kinds.values()) == total  # nothing else (no tables or figures in plain text)
    assert "".join(KIND_LETTER[p.kind] for p in paragraphs) == KINDS[number]
    assert [p.number for p in paragraphs] == NUMBERS[number]
    assert [p.ordinal for p in paragraphs] == list(range(1, total + 1))

    anchors = [p.anchor for p in paragraphs]
    assert len(set(anchors)) == total, "every paragraph needs its own anchor"
    for p in paragraphs:
        assert p.anchor.startswith("p-") and p.anchor == p.anchor.strip()
        assert p.text.strip() == p.text and p.text
        assert "\u00a0" not in p.text  # non-breaking spaces normalized
        assert not p.text.startswith(("•", "-", "–"))

    html = client.get(f"/consultations/{slug}/").get_data(as_text=True)
    for p in paragraphs:
        assert html.count(f'id="{p.anchor}"') == 1, p.anchor
        assert f'href="#{p.anchor}"' in html


@pytest.mark.parametrize("path", texts("000"))
def test_identical_paragraphs_stay_apart(app, client, make_org, path):
    consultation, _ = _import_text(app, make_org, path, "text-dup")
    paragraphs = paragraphs_of(consultation)
    by_hash = Counter(p.content_hash for p in paragraphs)
    duplicated = [h for h, n in by_hash.items() if n > 1]
    assert len(duplicated) == 1
    first, second = [p for p in paragraphs if p.content_hash == duplicated[0]]
    assert first.kind == second.kind == "paragraph"
    assert first.text == second.text
    assert (first.number, second.number) == ("2.1", "2.2")
    assert first.anchor != second.anchor
    assert second.anchor == f"{first.anchor}-2"
    # Both can be commented on separately: each has its own comment list.
    for p in (first, second):
        response = client.get(f"/consultations/text-dup/comments/?paragraph={p.anchor}")
        assert response.status_code == 200
        assert f'href="comments/?paragraph={p.anchor}"' in client.get(
            "/consultations/text-dup/"
        ).get_data(as_text=True)


@pytest.mark.parametrize("path", texts("000"))
def test_bullets_are_list_items(app, make_org, path):
    bullet_lines = [
        line.strip()[1:].replace("\u00a0", " ").strip()
        for line in _existing(path).read_text("utf-8").splitlines()
        if line.strip().startswith("•")
    ]
    assert len(bullet_lines) == 4
    consultation, _ = _import_text(app, make_org, path, "text-bullets")
    items = [p for p in paragraphs_of(consultation) if p.kind == "list_item"]
    assert [" ".join(p.text.split()) for p in items] == [" ".join(t.split()) for t in bullet_lines]
    assert [p.number for p in items] == ["2.6", "2.7", "2.8", "2.9"]


@pytest.mark.parametrize("path", texts("001"))
def test_duplicate_heading_gets_distinct_anchors(app, make_org, path):
    consultation, _ = _import_text(app, make_org, path, "text-heading")
    first, second = paragraphs_of(consultation)[:2]
    assert first.kind == second.kind == "heading"
    assert first.text == second.text
    assert first.anchor != second.anchor


@pytest.mark.parametrize(
    "directory, names",
    [
        pytest.param(DRAFTS_DIR, DRAFTS, id="drafts"),
        pytest.param(SEEDS_DIR, SEEDS, id="seeds", marks=SEEDS_MISSING),
    ],
)
def test_all_texts_in_one_consultation_have_unique_anchors(app, make_org, directory, names):
    """Anchors are unique per consultation, also across the parts of a multi-part draft."""
    first, *others = sorted(names)
    consultation, _ = _import_text(app, make_org, directory / names[first], "text-all")
    for number in others:
        source = _existing(directory / names[number]).read_text("utf-8")
        add_document(consultation, names[number], source, "text")
    # The first text again: every block now collides with an existing anchor.
    add_document(consultation, "again", _existing(directory / names[first]).read_text("utf-8"), "text")
    db.session.commit()
    anchors = db.session.scalars(select(Paragraph.anchor)).all()
    assert len(anchors) == sum(n for n, *_ in COUNTS.values()) + COUNTS[first][0]
    assert len(set(anchors)) == len(anchors)


def test_drafts_keep_the_quirks_of_real_texts():
    """The drafts are only worth as much as their quirks: an editor that "fixes" them (adds
    the final newline, trims trailing spaces, normalizes bullets) fails here, not silently."""
    raw = {number: (DRAFTS_DIR / name).read_bytes() for number, name in DRAFTS.items()}
    assert not any(data.endswith(b"\n") for data in raw.values()), "no final newline, as in the seeds"
    assert not any(b"\r" in data for data in raw.values()), "Unix line endings, as in the seeds"
    text = {number: data.decode("utf-8") for number, data in raw.items()}
    lines = [line for t in text.values() for line in t.split("\n")]

    assert any(line.endswith("\u00a0 ") for line in lines), "a non-breaking space before a trailing one"
    assert sum(t.count("\u00a0") for t in text.values()) >= 8
    bullets = [line for line in lines if line.lstrip().startswith("•")]
    spacings = {re.match(r"(\s*)•(\s*)", line).groups() for line in bullets}
    assert {("  ", " "), ("", "  "), ("", ""), (" ", "\u00a0")} <= spacings
    assert "\n\n\n" in text["001"] and "\n\n\n" in text["004"], "two blank lines in a row"
    first_line = text["002"].split("\n")[0]
    assert len(first_line) >= 100 and len(first_line.split()) == 12  # a heading, just
    swedish = ("Hoppa till", "Diskussionen är stängd", "Grunduppgifter", "Visa alla kommentarer")
    assert all(phrase in text["003"] for phrase in swedish)
    assert "“" in text["003"] and "–hankkeen" in text["001"] and " *)" in text["001"]


# --- plain text rules -----------------------------------------------------------------


def test_plain_text_bullets_dashes_and_continuation_lines():
    source = (
        "Otsikko ilman pistettä\n\n"
        "Johdantolause ennen luetteloa:\n"
        "• ensimmäinen kohta\n"
        "- toinen kohta\n"
        "  jatkuu seuraavalla rivillä\n"
        "– kolmas kohta\n\n"
        "Väliviiva-sana ei ole luettelo.\n"
    )
    blocks = parse_text(source)
    assert [(b.kind, b.text) for b in blocks] == [
        ("heading", "Otsikko ilman pistettä"),
        ("paragraph", "Johdantolause ennen luetteloa:"),
        ("list_item", "ensimmäinen kohta"),
        ("list_item", "toinen kohta jatkuu seuraavalla rivillä"),
        ("list_item", "kolmas kohta"),
        ("paragraph", "Väliviiva-sana ei ole luettelo."),
    ]


def test_plain_text_is_escaped_and_keeps_line_breaks():
    blocks = parse_text('Rivi <script>alert("x")</script> &\ntoinen rivi.')
    assert len(blocks) == 1
    assert "<script" not in blocks[0].html
    assert "&lt;script&gt;" in blocks[0].html
    assert "&amp;" in blocks[0].html
    assert "<br>" in blocks[0].html


def test_plain_text_windows_line_endings_and_bom():
    blocks = parse_text("\ufeffOtsikko\r\n\r\nKappale yksi.\r\n\r\nKappale kaksi.\r\n")
    assert [(b.kind, b.text) for b in blocks] == [
        ("heading", "Otsikko"),
        ("paragraph", "Kappale yksi."),
        ("paragraph", "Kappale kaksi."),
    ]


# --- Markdown -------------------------------------------------------------------------

MARKDOWN = """Johdanto ennen ensimmäistä otsikkoa.

# Pääluku

Kappale, jossa on **lihavointia** ja [linkki](https://example.org).

## Alaluku

- Ensimmäinen kohta
- Toinen kohta
  - Sisäkkäinen kohta
- Kolmas kohta

1. Numeroitu yksi
2. Numeroitu kaksi

### Kolmas taso

| Sarake A | Sarake B |
|----------|----------|
| a1       | <b>b1</b> |
| a2       | b2       |

<script>alert("x")</script>

Teksti <img src=x onerror=alert(1)> ja [vaarallinen](javascript:alert(1)).

# Toinen pääluku

Sama kappale.

Sama kappale.
"""


def test_markdown_blocks_kinds_levels_and_numbers():
    blocks = parse_markdown_source(MARKDOWN)
    summary = [(n, b.kind, b.level, b.text) for b, n in zip(blocks, number_blocks(blocks))]
    assert [s[:3] for s in summary] == [
        ("0.1", "paragraph", 0),
        ("1", "heading", 1),
        ("1.1", "paragraph", 0),
        ("1.2", "heading", 2),  # a section: what follows is inside it (1.2.n, not 1.3)
        ("1.2.1", "list_item", 0),
        ("1.2.2", "list_item", 0),
        ("1.2.3", "list_item", 1),
        ("1.2.4", "list_item", 0),
        ("1.2.5", "list_item", 0),
        ("1.2.6", "list_item", 0),
        ("1.2.7", "heading", 3),
        ("1.2.7.1", "table", 0),
        ("1.2.7.2", "paragraph", 0),
        ("1.2.7.3", "paragraph", 0),
        ("2", "heading", 1),
        ("2.1", "paragraph", 0),
        ("2.2", "paragraph", 0),
    ]
    texts = [s[3] for s in summary]
    # Nested list items are blocks of their own; a parent item does not swallow its child.
    assert texts[4:8] == ["Ensimmäinen kohta", "Toinen kohta", "Sisäkkäinen kohta", "Kolmas kohta"]
    assert texts[8:10] == ["Numeroitu yksi", "Numeroitu kaksi"]
    # Ordered items keep their numbers as written; bullets have none.
    assert [b.marker for b in blocks[4:10]] == ["", "", "", "", "1.", "2."]
    assert texts[2] == "Kappale, jossa on lihavointia ja linkki."  # plain text for search


def test_markdown_inline_formatting_and_links_are_kept_safely():
    blocks = parse_markdown_source(MARKDOWN)
    html = blocks[2].html
    assert "<strong>lihavointia</strong>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="nofollow ugc noopener"' in html


def test_markdown_table_is_one_block():
    blocks = parse_markdown_source(MARKDOWN)
    tables = [b for b in blocks if b.kind == "table"]
    assert len(tables) == 1
    table = tables[0]
    assert table.html.count("<table>") == 1
    assert table.html.count("<tr>") == 3
    assert "<th>Sarake A</th>" in table.html
    assert "a1" in table.text and "b2" in table.text
    # Raw HTML inside a cell is text, not markup.
    assert "<b>" not in table.html
    assert "&lt;b&gt;b1&lt;/b&gt;" in table.html
    # Cells are not blocks of their own.
    assert not any(b.text in ("a1", "Sarake A") for b in blocks)


def test_markdown_raw_html_is_escaped():
    blocks = parse_markdown_source(MARKDOWN)
    all_html = "".join(b.html for b in blocks)
    assert "<script" not in all_html
    assert "<img" not in all_html
    assert "href=\"javascript" not in all_html  # left as plain text, never a link
    assert "&lt;script&gt;" in blocks[12].html


def test_markdown_numbering_when_top_level_is_h2():
    blocks = parse_markdown_source("## Eka\n\nTeksti.\n\n### Ala\n\nLisää.\n\n## Toka\n\nTeksti kaksi.\n")
    assert number_blocks(blocks) == ["1", "1.1", "1.2", "1.2.1", "2", "2.1"]
    assert [b.level for b in blocks if b.kind == "heading"] == [2, 3, 2]


def test_markdown_import_through_cli_renders_anchored_blocks(app, client, make_org, tmp_path):
    organizer = make_org(kind="authority")
    path = tmp_path / "luonnos.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["consultations", "import", str(path), "--slug", "md-luonnos", "--title", "Markdown",
              "--organizer", organizer.slug, "--opens", "2030-01-01", "--closes", "2030-02-01"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Imported md-luonnos: 17 paragraphs."
    db.session.expire_all()
    consultation = Consultation.by_slug("md-luonnos")
    assert consultation.documents[0].latest_version.source_format == "markdown"
    paragraphs = paragraphs_of(consultation)
    assert len(paragraphs) == 17
    assert _count(Paragraph) == 17
    same = [p for p in paragraphs if p.text == "Sama kappale."]
    assert len(same) == 2 and same[0].anchor != same[1].anchor

    html = client.get("/consultations/md-luonnos/").get_data(as_text=True)
    for p in paragraphs:
        assert html.count(f'id="{p.anchor}"') == 1
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "<table>" in html
    assert "<h3>" in html  # level-1 heading of the draft, below the page's h1/h2


def test_markdown_ordered_and_nested_lists_keep_numbers_and_depth():
    blocks = parse_markdown_source(
        "5. Viides kohta\n6. Kuudes kohta\n   - alakohta\n     1) syvin kohta\n7. Seitsemäs\n"
    )
    assert [(b.text, b.level, b.marker) for b in blocks] == [
        ("Viides kohta", 0, "5."),
        ("Kuudes kohta", 0, "6."),
        ("alakohta", 1, ""),
        ("syvin kohta", 2, "1)"),
        ("Seitsemäs", 0, "7."),
    ]


def test_numbered_list_renders_its_numbers_on_the_page(app, client, make_consultation):
    consultation = make_consultation(source="# Luku\n\n1. Ensin tämä\n2. Sitten tuo\n   - ja alakohta\n")
    html = client.get(f"/consultations/{consultation.slug}/").get_data(as_text=True)
    assert '<span class="list-marker">1.</span> Ensin tämä' in html
    assert '<span class="list-marker">2.</span> Sitten tuo' in html
    # The sub-item is an item of a bullet list inside the second numbered item.
    sub = lxml_html.fromstring(html).xpath('//li[contains(., "ja alakohta")]')[-1]
    assert sub.getparent().tag == "ul"
    assert sub.getparent().getparent().xpath('./div[@class="para-text"]/p')[0].text_content().endswith("Sitten tuo")
