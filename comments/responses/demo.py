"""`flask demo`: a fictional county, three associations, four consultations (open,
closed, upcoming, summarized) with comments. Our own Finnish text; running it twice changes nothing."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from app.auth.services import add_membership, create_user
from app.extensions import db
from app.models import User
from app.organizations import create_organization, organization_by_slug
from app.timeutil import utcnow
from comments.models import Comment
from comments.responses.official import save_response
from comments.responses.summary import publish_summary
from comments.services import post_comment
from consultations.importer import parse_source
from consultations.models import Consultation
from consultations.services import add_document, add_version, create_consultation

TEXTS = Path(__file__).parent / "demo_texts"
DEMO_PASSWORD = "kuulo-demo-2026"

ORGANIZATIONS = [
    ("Järvilaakson hyvinvointialue", "jarvilaakso", "authority", "2983216-9"),
    ("Järvilaakson Omaishoitajat ry", "omaishoitajat", "association", None),
    ("Nuorten Tuki Järvilaakso ry", "nuorten-tuki", "association", None),
    ("Rantakulman kyläyhdistys ry", "rantakulma", "association", None),
]
USERS = [
    ("virkailija@kuulo.example", "Outi Virkamies", "official", ["jarvilaakso"]),
    ("admin@kuulo.example", "Aino Ylläpitäjä", "admin", []),
    ("edustaja@kuulo.example", "Eero Edustaja", "member", ["omaishoitajat", "rantakulma"]),
    ("nuoret@kuulo.example", "Niina Nuorisotyöntekijä", "member", ["nuorten-tuki"]),
]

OPEN_COMMENTS = [
    # (user email, organization slug, paragraph number or None, body)
    ("edustaja@kuulo.example", "omaishoitajat", "1.2",
     "Vertaistuen merkitys kannattaa kirjata vielä vahvemmin. Omaishoitajille vertaisryhmä on usein **ainoa** paikka, jossa jaksamisesta voi puhua avoimesti."),
    ("nuoret@kuulo.example", "nuorten-tuki", "1.3",
     "Hyvä, että järjestöjen itsenäisyys mainitaan heti alussa. Toivomme, että sama ajatus näkyy myös avustusehdoissa."),
    ("edustaja@kuulo.example", "rantakulma", "1.2",
     "Kylillä yhdistys on usein ainoa toimija, joka järjestää kohtaamisia. Ehdotamme, että periaatteisiin lisätään maininta haja-asutusalueista."),
    ("nuoret@kuulo.example", "nuorten-tuki", "2.1",
     "Neuvottelukuntaan tarvitaan myös nuorten edustus. Voisiko paikan varata nuorisojärjestöille?"),
    ("edustaja@kuulo.example", "rantakulma", "2.3.2",
     "Maksuttomat tilat ovat kyläyhdistyksille tärkeitä. Toivomme, että sama koskee myös koulujen tiloja iltaisin."),
    ("edustaja@kuulo.example", "omaishoitajat", None,
     "Kokonaisuutena luonnos on selkeä. Toivomme, että seurannasta raportoidaan myös yhdistysten omissa tilaisuuksissa, ei vain verkkosivuilla."),
]
SUMMARIZED_COMMENTS = [
    ("edustaja@kuulo.example", "rantakulma", "2.2",
     "Talkootyö sopii kyläyhdistyksellemme hyvin. Tarvitsemme kuitenkin apua kentän pohjatöihin, joihin tarvitaan koneita."),
    ("nuoret@kuulo.example", "nuorten-tuki", "2.1",
     "Avoimet koulunpihat ovat nuorille tärkeitä. Toivomme pihoille myös katoksen, jossa voi olla sateella."),
    ("edustaja@kuulo.example", "omaishoitajat", "2.3",
     "Kiitos, että ikääntyneet on otettu huomioon. Välineiden viereen tarvitaan penkki, jolla omaishoitaja voi odottaa."),
    ("nuoret@kuulo.example", "nuorten-tuki", "3.1",
     "Asukaskyselyn lisäksi nuoria kannattaa kuulla kouluissa, koska he vastaavat harvoin verkkokyselyihin."),
    ("edustaja@kuulo.example", "rantakulma", None,
     "Suunnitelma on hyvä. Toivomme, että kylien kentät otetaan mukaan jo ensimmäisenä vuonna."),
]
SUMMARIZED_RESPONSES = [
    # (comment index, decision, response)
    (0, "accepted", "Hyvinvointialue tilaa kenttien pohjatyöt urakoitsijalta, ja yhdistykset vastaavat pintatöistä."),
    (1, "partly", "Katoksia rakennetaan kolmeen kouluun vuonna 2027. Muiden koulujen tarve arvioidaan käytön perusteella."),
    (2, "accepted", "Jokaisen kuntoiluvälineryhmän viereen tulee penkki."),
    (3, "accepted", "Nuorten kysely tehdään kouluissa oppituntien aikana yhdessä oppilaskuntien kanssa."),
    (4, "not_accepted", "Ensimmäisenä vuonna kunnostetaan koulujen pihat, koska ne ovat useimpien asukkaiden lähellä. Kylien kentät ovat vuorossa vuonna 2027."),
]
SUMMARY_TEXT = """Lausuntokierroksella saatiin viisi kommenttia kolmelta järjestöltä. Kommentit tukivat suunnitelman suuntaa.

Suunnitelmaan tehtiin kolme muutosta:

- kenttien pohjatyöt tilataan urakoitsijalta
- kuntoiluvälineiden viereen tulee penkit
- nuorten mielipiteet kerätään kouluissa

Kylien kenttien aikataulu pysyy ennallaan. Perustelut ovat vastinetaulukossa."""
CLOSED_COMMENTS = [
    ("edustaja@kuulo.example", "omaishoitajat", "1.1", "Tarkoitus on kuvattu hyvin. Lisäisimme osallisuuden rinnalle yhteisöllisyyden."),
    ("nuoret@kuulo.example", "nuorten-tuki", "1.2", "Myös rekisteröimättömät nuorten ryhmät tarvitsisivat tukea. Voisiko niille olla oma kevyt haku?"),
    ("edustaja@kuulo.example", "rantakulma", "2.1", "Vaikuttavuuden arviointi on pienelle yhdistykselle raskasta. Toivomme yksinkertaisia mittareita."),
    ("nuoret@kuulo.example", "nuorten-tuki", "2.2", "Kannatamme haavoittuvassa asemassa olevien asukkaiden etusijaa."),
    ("edustaja@kuulo.example", "omaishoitajat", "2.2", "Omaishoitajat kuuluvat usein tähän ryhmään, vaikka eivät itse sitä sano. Tämä olisi hyvä mainita."),
    ("edustaja@kuulo.example", "rantakulma", "2.3", "Rajaus on selkeä. Kysymme, koskeeko se myös arpajaistuottoja."),
    ("nuoret@kuulo.example", "nuorten-tuki", "3.1", "Huhtikuun määräaika osuu samaan aikaan tilintarkastuksen kanssa. Toukokuun loppu olisi realistisempi."),
    ("edustaja@kuulo.example", "omaishoitajat", "3.2", "Sähköinen lomake on hyvä, kunhan sen voi tallentaa kesken ja jatkaa myöhemmin."),
    ("edustaja@kuulo.example", "rantakulma", None, "Kiitos mahdollisuudesta kommentoida. Perusteet ovat aiempaa selkeämmät."),
    ("nuoret@kuulo.example", "nuorten-tuki", None, "Toivomme, että avustuspäätökset perustellaan kirjallisesti myös silloin, kun avustus myönnetään."),
    ("edustaja@kuulo.example", "omaishoitajat", "1.2", "Säätiöiden mukanaolo on tärkeää, sillä moni vertaistukiryhmä toimii säätiön alla."),
    ("nuoret@kuulo.example", "nuorten-tuki", "2.1", "Omarahoitusosuuden vaatimus voi sulkea pois uudet yhdistykset. Toivomme joustoa ensimmäisille hakijoille."),
]


def _ensure_organizations() -> None:
    for name, slug, kind, business_id in ORGANIZATIONS:
        if organization_by_slug(slug) is None:
            create_organization(name, slug, business_id, kind)


def _ensure_users() -> None:
    for email, name, role, orgs in USERS:
        user = User.by_email(email)
        if user is None:
            create_user(email, DEMO_PASSWORD, name, role, orgs)
        else:
            for slug in orgs:
                add_membership(user, slug)


def _post_all(consultation: Consultation, comments, start_offset: timedelta) -> None:
    anchors = {p.number: p.anchor for d in consultation.documents for p in d.latest_version.paragraphs}
    for index, (email, org, number, body) in enumerate(comments):
        comment = post_comment(consultation, User.by_email(email), body, anchors.get(number, ""), org)
        comment.created_at = utcnow() - start_offset + timedelta(hours=5 * index, minutes=7 * index)
    db.session.flush()


def _consultation(slug, title, description, parts, opens_in, closes_in, comments=(), comment_start=None, revision=None):
    if Consultation.by_slug(slug) is not None:
        return None
    now = utcnow()
    # Created open so the comments go through the same service as real ones.
    consultation = create_consultation(
        slug=slug, title=title, description=description, organizer_slug="jarvilaakso",
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1),
    )
    for part_title, filename in parts:
        path = TEXTS / filename
        add_document(consultation, part_title, path.read_text("utf-8"), "markdown" if path.suffix == ".md" else "text")
    db.session.flush()
    db.session.refresh(consultation)
    if comments:
        _post_all(consultation, comments, comment_start)
    if revision:
        # A second version of one part, so readers see comments whose paragraph changed.
        part, filename, note = revision
        text = (TEXTS / filename).read_text("utf-8")
        add_version(consultation.documents[part - 1], parse_source(text, "markdown"), text, "markdown", note)
    consultation.opens_at, consultation.closes_at = now + opens_in, now + closes_in
    db.session.flush()
    return consultation


def _summarize(consultation: Consultation | None) -> None:
    """Answer the comments and publish the summary, as an official does after the deadline."""
    if consultation is None:  # already in place
        return
    official = User.by_email("virkailija@kuulo.example")
    comments = db.session.scalars(
        select(Comment).where(Comment.consultation_id == consultation.id).order_by(Comment.created_at, Comment.id)
    ).all()
    for index, decision, text in SUMMARIZED_RESPONSES:
        save_response(comments[index], official, decision, text, 0)
    publish_summary(consultation, official, SUMMARY_TEXT, 0)


def load_demo() -> None:
    _ensure_organizations()
    _ensure_users()
    _consultation(
        "jarjestoyhteistyon-periaatteet",
        "Järjestöyhteistyön periaatteet",
        "Luonnos periaatteiksi, joilla Järvilaakson hyvinvointialue tekee yhteistyötä järjestöjen kanssa.",
        [("Osa 1: Lähtökohdat", "periaatteet_osa1.md"), ("Osa 2: Rakenteet ja avustukset", "periaatteet_osa2.md")],
        timedelta(days=-10), timedelta(days=20), OPEN_COMMENTS, timedelta(days=9),
        revision=(1, "periaatteet_osa1_v2.md", "Täsmennetty kohtaa 1.2 ja lisätty arviointia koskeva kappale."),
    )
    _consultation(
        "avustusten-perusteet-2026",
        "Järjestöavustusten myöntämisperusteet 2026",
        "Millä perusteilla hyvinvointialue myöntää avustuksia yhdistyksille ja säätiöille.",
        [("Myöntämisperusteet", "avustukset.md")],
        timedelta(days=-120), timedelta(days=-60), CLOSED_COMMENTS, timedelta(days=115),
    )
    _consultation(
        "ikaihmisten-palvelut",
        "Ikäihmisten palvelujen kehittämisohjelma 2027–2030",
        "Kehittämisohjelman luonnos avautuu kommentoitavaksi pian.",
        [("Kehittämisohjelma", "ikaihmiset.txt")],
        timedelta(days=14), timedelta(days=45),
    )
    _summarize(_consultation(
        "lahiliikuntapaikat",
        "Lähiliikuntapaikkojen kehittämissuunnitelma 2026–2028",
        "Miten koulujen pihat, kylien kentät ja ulkokuntoiluvälineet palvelevat kaikkia asukkaita.",
        [("Suunnitelma", "lahiliikunta.md")],
        timedelta(days=-200), timedelta(days=-170), SUMMARIZED_COMMENTS, timedelta(days=195),
    ))


def register(app: Flask) -> None:
    @app.cli.command("demo")
    def demo_command():
        """Load the demo data (idempotent)."""
        load_demo()
        db.session.commit()
        click.echo("Demo data is in place. Log in as edustaja@kuulo.example / " + DEMO_PASSWORD)
