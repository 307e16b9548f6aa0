"""Public pages of consultations: listing, filters, the consultation page."""
from tests.conftest import paragraphs_of


def test_front_page_lists_open_consultation(client, make_consultation):
    consultation = make_consultation(status="open", title="Avoin kuuleminen")
    html = client.get("/").get_data(as_text=True)
    assert "Avoin kuuleminen" in html
    assert f'/consultations/{consultation.slug}/' in html


def test_listing_filters_by_status(client, make_consultation):
    make_consultation(status="open", title="Auki oleva")
    make_consultation(status="closed", title="Päättynyt")
    make_consultation(status="upcoming", title="Tuleva")
    for status, shown, hidden in [
        ("open", "Auki oleva", ["Päättynyt", "Tuleva"]),
        ("closed", "Päättynyt", ["Auki oleva", "Tuleva"]),
        ("upcoming", "Tuleva", ["Auki oleva", "Päättynyt"]),
    ]:
        html = client.get(f"/consultations/?status={status}").get_data(as_text=True)
        assert shown in html
        for title in hidden:
            assert title not in html


def test_listing_rejects_unknown_status(client):
    assert client.get("/consultations/?status=drop table").status_code == 400


def test_consultation_page_shows_anchored_numbered_paragraphs(client, make_consultation):
    consultation = make_consultation()
    html = client.get(f"/consultations/{consultation.slug}/").get_data(as_text=True)
    for paragraph in paragraphs_of(consultation):
        assert f'id="{paragraph.anchor}"' in html
        assert f'href="#{paragraph.anchor}"' in html
        assert f">{paragraph.number}<" in html
    assert consultation.organizer.name in html


def test_unpublished_consultation_is_404_for_public(client, make_consultation):
    consultation = make_consultation(published=False, title="Salainen luonnos")
    assert client.get(f"/consultations/{consultation.slug}/").status_code == 404
    assert "Salainen luonnos" not in client.get("/consultations/").get_data(as_text=True)
