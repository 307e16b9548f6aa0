"""The draft read as a document (issue 15 §7), through real requests: headings numbered as
sections, list items in real lists, tables as tables, the table of contents, quiet block
tools, and anchors that stay where they were."""
from __future__ import annotations

import pytest
from lxml import html as lxml_html

from app.extensions import db
from consultations.importer import number_blocks, parse_markdown_source
from consultations.models import Consultation
from consultations.services import add_document, add_version
from tests.app.test_i18n import switch_language
from tests.conftest import paragraphs_of

# The shape of the demo draft that showed the defect: a subheading after three paragraphs
# of section 1 ("1.4 Keskeiset käsitteet" was numbered as one more paragraph).
DOCUMENT = """# Miksi yhteistyö on tärkeää

Hyvinvointialue haluaa tehdä yhteistyötä yhdistysten kanssa.

Yhdistykset tavoittavat asukkaita.

Yhteistyön lähtökohtana on järjestöjen itsenäisyys.

## Keskeiset käsitteet

- **Järjestö** tarkoittaa rekisteröityä yhdistystä.
- **Kumppanuus** on pitkäjänteistä yhteistyötä.
    - Alakohta kumppanuudesta.
- **Yhteiskehittäminen** tarkoittaa yhdessä suunnittelua.

1. Ensimmäinen vaihe
2. Toinen vaihe

Miten on?
• Kannattaisiko perustaa neuvottelukunta?
• Tarjoaako alue rahoitusta?

| Avustus | Summa |
|---------|-------|
| Toiminta-avustus | 1 000 € |

# Seuranta

Seurantaa tehdään vuosittain.
"""


@pytest.fixture
def document_page(client, make_consultation):
    consultation = make_consultation(status="open", source=DOCUMENT)
    page = client.get(f"/consultations/{consultation.slug}/")
    assert page.status_code == 200
    return consultation, lxml_html.fromstring(page.get_data(as_text=True))


def _block(tree, paragraph):
    found = tree.get_element_by_id(paragraph.anchor)
    assert found is not None, paragraph.anchor
    return found


def test_subheading_is_numbered_as_a_section_and_its_blocks_inside_it():
    blocks = parse_markdown_source(DOCUMENT)
    numbered = [(n, b.kind, b.text[:12]) for b, n in zip(blocks, number_blocks(blocks))]
    assert numbered[4] == ("1.4", "heading", "Keskeiset kä")
    # Before the fix the blocks under the subheading went on as 1.5, 1.6, ...
    assert [n for n, _, _ in numbered[5:]] == [
        "1.4.1", "1.4.2", "1.4.3", "1.4.4", "1.4.5", "1.4.6", "1.4.7", "1.4.8", "1.4.9", "1.4.10", "2", "2.1",
    ]
    # A section that begins with its subsections numbers as a reader expects (1, 1.1, 1.1.1).
    plain = parse_markdown_source("# A\n\n## B\n\nTeksti.\n\n## C\n\nToinen.\n\n### D\n\nKolmas.\n")
    assert number_blocks(plain) == ["1", "1.1", "1.1.1", "1.2", "1.2.1", "1.2.2", "1.2.2.1"]


def test_heading_shows_its_section_number_in_itself_not_as_a_paragraph(document_page):
    consultation, tree = document_page
    heading = next(p for p in paragraphs_of(consultation) if p.text == "Keskeiset käsitteet")
    block = _block(tree, heading)
    assert not block.find_class("para-number"), "a heading has no paragraph number beside it"
    title = block.xpath(".//h4")[0]
    assert " ".join(title.text_content().split()) == f"{heading.number} Keskeiset käsitteet"
    assert title.find_class("section-number")[0].text == heading.number == "1.4"


def test_list_items_are_items_of_real_lists(document_page):
    consultation, tree = document_page
    items = [p for p in paragraphs_of(consultation) if p.kind == "list_item"]
    assert len(items) == 8
    for item in items:
        element = _block(tree, item)
        assert element.tag == "li", item.text
        assert element.getparent().tag in ("ul", "ol")
        assert "•" not in element.text_content(), "no literal bullet"
    first, second, nested, fourth = (_block(tree, p) for p in items[:4])
    bullets = first.getparent()
    assert bullets.tag == "ul" and second.getparent() is bullets and fourth.getparent() is bullets
    # The sub-item nests in a list inside the item above it.
    assert nested.getparent().tag == "ul" and nested.getparent().getparent() is second
    numbered = [_block(tree, p) for p in items[4:6]]
    assert {e.getparent().tag for e in numbered} == {"ol"}
    assert [e.find_class("list-marker")[0].text for e in numbered] == ["1.", "2."]
    # "•" lines pasted from a word processor: a paragraph, then a list of two items.
    pasted = [_block(tree, p) for p in items[6:]]
    assert pasted[0].getparent() is pasted[1].getparent()
    assert pasted[0].getparent().tag == "ul"
    question = _block(tree, next(p for p in paragraphs_of(consultation) if p.text == "Miten on?"))
    assert question.tag == "div"


def test_table_is_a_table_with_a_header_row(document_page):
    consultation, tree = document_page
    table_block = _block(tree, next(p for p in paragraphs_of(consultation) if p.kind == "table"))
    table = table_block.xpath(".//table")[0]
    assert [th.text_content() for th in table.xpath(".//thead//th")] == ["Avustus", "Summa"]
    assert [td.text_content() for td in table.xpath(".//tbody//td")] == ["Toiminta-avustus", "1 000 €"]
    assert table.getparent().get("tabindex") == "0"  # a wide table scrolls in a box of its own


def test_every_block_keeps_its_anchor_tools_and_thread_slot(client, document_page):
    consultation, tree = document_page
    for p in paragraphs_of(consultation):
        block = _block(tree, p)
        assert len(tree.xpath(f'//*[@id="{p.anchor}"]')) == 1
        tools = block.find_class("para-tools")[0]
        hrefs = [a.get("href") for a in tools.iter("a")]
        # Commenting first (the main action), then the quiet count and permalink.
        assert hrefs == [f"comments/?paragraph={p.anchor}#comment-form", f"comments/?paragraph={p.anchor}",
                         f"#{p.anchor}"]
        assert "para-count-zero" in tools.find_class("para-count")[0].get("class")


def test_table_of_contents_lists_parts_and_headings(client, make_consultation):
    consultation = make_consultation(status="open", source=DOCUMENT)
    add_document(consultation, "Liite: aikataulu", "# Aikataulu\n\nKevät 2027.\n", "markdown")
    db.session.commit()
    tree = lxml_html.fromstring(client.get(f"/consultations/{consultation.slug}/").get_data(as_text=True))
    nav = tree.xpath('//nav[@aria-labelledby="toc-heading"]')
    assert len(nav) == 1
    assert tree.get_element_by_id("toc-heading").text == "Sisällys"
    links = [(a.get("href"), " ".join(a.text_content().split())) for a in nav[0].iter("a")]
    documents = consultation.documents
    headings = [p for d in documents for p in d.latest_version.paragraphs if p.kind == "heading"]
    assert links == [
        (f"#doc-{documents[0].id}", documents[0].title),
        *[(f"#{h.anchor}", f"{h.number} {h.text}") for h in headings[:3]],
        (f"#doc-{documents[1].id}", "Liite: aikataulu"),
        (f"#{headings[3].anchor}", "3 Aikataulu"),
    ]
    for href, _ in links:  # every entry leads somewhere on the page
        assert tree.get_element_by_id(href[1:]) is not None


def test_no_table_of_contents_for_a_short_single_part_draft(client, make_consultation):
    consultation = make_consultation(status="open", source="# Ainoa otsikko\n\nLyhyt luonnos.\n")
    html = client.get(f"/consultations/{consultation.slug}/").get_data(as_text=True)
    assert 'class="toc"' not in html


@pytest.mark.parametrize("locale, name", [("sv", "Innehåll"), ("en", "Contents")])
def test_table_of_contents_is_named_in_the_interface_language(client, make_consultation, locale, name):
    consultation = make_consultation(status="open", source=DOCUMENT)
    switch_language(client, locale)
    html = client.get(f"/consultations/{consultation.slug}/").get_data(as_text=True)
    assert f'<h2 id="toc-heading">{name}</h2>' in html


def test_a_new_version_keeps_the_anchors_comments_point_at(client, make_consultation, make_user, make_comment):
    """Numbers may change with the new numbering; anchors and the comments on them do not."""
    consultation = make_consultation(status="open", source=DOCUMENT)
    member = make_user(orgs=[consultation.organizer])
    before = {p.text: p.anchor for p in paragraphs_of(consultation)}
    item = next(p for p in paragraphs_of(consultation) if p.text.startswith("Kumppanuus"))
    make_comment(consultation, member, consultation.organizer, body="Kumppanuus kuntoon.", anchor=item.anchor)
    document = consultation.documents[0]
    add_version(document, parse_markdown_source(DOCUMENT.replace("Seurantaa tehdään", "Seuranta tehdään")),
                DOCUMENT, "markdown")
    db.session.commit()
    db.session.expire_all()
    after = {p.text: p.anchor for p in Consultation.by_slug(consultation.slug).documents[0].latest_version.paragraphs}
    assert all(after[text] == anchor for text, anchor in before.items() if text in after)
    html = client.get(f"/consultations/{consultation.slug}/comments/?paragraph={item.anchor}").get_data(as_text=True)
    assert "Kumppanuus kuntoon." in html


def test_bullets_typed_in_word_become_list_items():
    import io

    import docx

    from consultations.docx_import import parse_docx

    document = docx.Document()
    document.add_paragraph("Miten on?")
    document.add_paragraph("• Kannattaisiko perustaa neuvottelukunta?")
    document.add_paragraph().add_run("•\tTarjoaako alue rahoitusta?").bold = True
    out = io.BytesIO()
    document.save(out)
    blocks = parse_docx(out.getvalue())
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "Miten on?"),
        ("list_item", "Kannattaisiko perustaa neuvottelukunta?"),
        ("list_item", "Tarjoaako alue rahoitusta?"),
    ]
    assert "•" not in blocks[1].html and blocks[2].html == "<strong>Tarjoaako alue rahoitusta?</strong>"
