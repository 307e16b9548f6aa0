"""Re-anchoring a new version onto the previous one: a table of realistic edits, and a
property-based check that anchors stay unique and unchanged paragraphs keep theirs."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consultations.importer import parse_text
from consultations.services import add_version
from tests.conftest import paragraphs_of

BASE = [
    "Johdanto",
    "Alue tukee yhdistysten toimintaa avustuksin ja tiloin.",
    "Neuvottelukunta kokoontuu neljä kertaa vuodessa ja kutsuu järjestöt mukaan.",
    "Avustusten haku avataan syyskuussa ja päätökset tehdään joulukuussa.",
    "Yhteistyötä arvioidaan vuosittain yhdessä järjestöjen kanssa.",
    "Sama lause toistuu.",
    "Sama lause toistuu.",
]
P_INTRO, P_SUPPORT, P_BOARD, P_GRANTS, P_REVIEW, P_DUP1, P_DUP2 = range(7)


def _text(paragraphs) -> str:
    return "\n\n".join(paragraphs) + "\n"


def _new_version(consultation, paragraphs):
    document = consultation.documents[0]
    blocks = parse_text(_text(paragraphs))
    return add_version(document, blocks, _text(paragraphs), "text", "muutos")


@pytest.fixture
def base(make_consultation):
    consultation = make_consultation(source=_text(BASE), source_format="text")
    anchors = [p.anchor for p in paragraphs_of(consultation)]
    assert len(set(anchors)) == len(BASE)
    return consultation, anchors


# (name, how the new text is made from BASE, expected anchor sources: index into BASE or "new")
SCENARIOS = [
    ("unchanged", lambda b: list(b), list(range(7))),
    ("inserted before others", lambda b: [b[0], "Aivan uusi kappale tulee tähän väliin."] + b[1:],
     [0, "new", 1, 2, 3, 4, 5, 6]),
    ("moved", lambda b: [b[0], b[3], b[1], b[2], b[4], b[5], b[6]], [0, 3, 1, 2, 4, 5, 6]),
    ("lightly reworded", lambda b: b[:3] + ["Avustusten haku avataan jo elokuussa ja päätökset tehdään joulukuussa."] + b[4:],
     list(range(7))),
    ("deleted", lambda b: b[:2] + b[3:], [0, 1, 3, 4, 5, 6]),
    ("split in two", lambda b: b[:2] + ["Neuvottelukunta kokoontuu neljä kertaa vuodessa.", "Se kutsuu järjestöt mukaan."] + b[3:],
     [0, 1, 2, "new", 3, 4, 5, 6]),
    ("two merged into one", lambda b: b[:3] + [b[3] + " " + b[4]] + b[5:], [0, 1, 2, 3, 5, 6]),
    ("duplicate gains a third copy", lambda b: b + ["Sama lause toistuu."], [0, 1, 2, 3, 4, 5, 6, "new"]),
    ("one duplicate removed", lambda b: b[:6], [0, 1, 2, 3, 4, 5]),
    ("rewritten completely", lambda b: b[:4] + ["Kokonaan toinen asia, jolla ei ole mitään yhteistä."] + b[5:],
     [0, 1, 2, 3, "new", 5, 6]),
]


@pytest.mark.parametrize("name, edit, expected", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_edit_scenarios_keep_the_right_anchors(base, name, edit, expected):
    consultation, anchors = base
    version = _new_version(consultation, edit(BASE))
    got = [p.anchor for p in version.paragraphs]
    assert len(got) == len(expected)
    for anchor, source in zip(got, expected):
        if source == "new":
            assert anchor not in anchors, f"{name}: a new paragraph reused an old anchor"
        else:
            assert anchor == anchors[source], f"{name}: expected the anchor of paragraph {source}"
    assert len(set(got)) == len(got)


def test_removed_anchor_is_never_reused(base):
    consultation, anchors = base
    _new_version(consultation, BASE[:4] + BASE[5:])  # remove P_REVIEW
    version = _new_version(consultation, BASE)  # the same text comes back as a new paragraph
    got = [p.anchor for p in version.paragraphs]
    assert anchors[P_REVIEW] not in got
    assert len(set(got)) == len(got)


SENTENCES = [
    "Alue tukee yhdistyksiä.", "Haku avataan syksyllä.", "Päätökset tehdään ajallaan.",
    "Tilat ovat maksuttomia.", "Arviointi tehdään yhdessä.", "Nuoret otetaan mukaan.",
    "Kylät ovat tärkeitä.", "Raportti julkaistaan verkossa.", "Sama lause toistuu.",
]
edits = st.lists(
    st.tuples(st.sampled_from(["insert", "delete", "move", "reword", "duplicate"]), st.integers(0, 50), st.integers(0, 50)),
    min_size=1, max_size=6,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(edits, min_size=1, max_size=3))
def test_random_edits_never_duplicate_or_move_unchanged_anchors(make_consultation, steps):
    from app.extensions import db

    consultation = make_consultation(source=_text(SENTENCES), source_format="text")
    current = list(SENTENCES)
    previous = {p.anchor: p for p in paragraphs_of(consultation)}
    try:
        for step in steps:
            for op, i, j in step:
                if op == "insert":
                    current.insert(i % (len(current) + 1), f"Uusi kappale numero {i} {j}.")
                elif op == "delete" and len(current) > 1:
                    current.pop(i % len(current))
                elif op == "move" and current:
                    current.insert(j % len(current), current.pop(i % len(current)))
                elif op == "reword" and current:
                    k = i % len(current)
                    current[k] = current[k].rstrip(".") + f" ja {j}."
                elif op == "duplicate" and current:
                    current.insert(j % (len(current) + 1), current[i % len(current)])
            version = _new_version(consultation, current)
            anchors = [p.anchor for p in version.paragraphs]
            assert len(set(anchors)) == len(anchors), "two paragraphs share an anchor"
            # A paragraph whose text occurs exactly once in both versions keeps its anchor.
            old_by_text = {}
            for p in previous.values():
                old_by_text.setdefault(p.content_hash, []).append(p.anchor)
            new_counts = {}
            for p in version.paragraphs:
                new_counts[p.content_hash] = new_counts.get(p.content_hash, 0) + 1
            for p in version.paragraphs:
                olds = old_by_text.get(p.content_hash, [])
                if len(olds) == 1 and new_counts[p.content_hash] == 1:
                    assert p.anchor == olds[0], f"unchanged paragraph {p.text!r} lost its anchor"
            previous = {p.anchor: p for p in version.paragraphs}
    finally:
        db.session.rollback()
