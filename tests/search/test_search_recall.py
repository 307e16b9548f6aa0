"""Recall through /search on both engines: each inflected form, alone in a paragraph of a
closed consultation, must be found by its base form; distinct words must stay apart."""
from __future__ import annotations

from tests.search.conftest import anchors_by_text, search_html
from tests.search.wordlists import (
    COMPOUNDS, FINNISH, NOT_CONFLATED, SWEDISH, SWEDISH_COMPOUND_PARTS, SWEDISH_COMPOUNDS, SWEDISH_NOT_CONFLATED,
)


def _found(client, consultation, pairs) -> list[tuple[str, str]]:
    anchors = anchors_by_text(consultation)
    found = []
    for base, inflected in pairs:
        html = search_html(client, q=base, consultation=consultation.slug, type="paragraph")
        if f"/consultations/{consultation.slug}/#{anchors[inflected]}" in html:
            found.append((base, inflected))
    return found


def _recall(client, make_archive, pairs, language):
    consultation = make_archive([inflected for _base, inflected in pairs], language=language)
    found = _found(client, consultation, pairs)
    missed = [pair for pair in pairs if pair not in found]
    return len(found) / len(pairs), missed


def test_lists_are_big_enough():
    assert len(FINNISH) >= 100 and len(SWEDISH) >= 30 and len(NOT_CONFLATED) >= 30
    assert len(SWEDISH_COMPOUND_PARTS) >= 40 and len(SWEDISH_NOT_CONFLATED) >= 30
    for pairs in (FINNISH, COMPOUNDS, SWEDISH, SWEDISH_COMPOUNDS, NOT_CONFLATED, SWEDISH_COMPOUND_PARTS,
                  SWEDISH_NOT_CONFLATED):
        forms = [inflected for _base, inflected in pairs]
        assert len(forms) == len(set(forms))


def test_finnish_recall(client, make_archive):
    rate, missed = _recall(client, make_archive, FINNISH, "fi")
    assert rate >= 0.97, f"Finnish recall {rate:.1%}, missed {missed}"


def test_finnish_compound_last_parts(client, make_archive):
    rate, missed = _recall(client, make_archive, COMPOUNDS, "fi")
    assert rate >= 0.90, f"compound recall {rate:.1%}, missed {missed}"


def test_swedish_recall(client, make_archive):
    rate, missed = _recall(client, make_archive, SWEDISH, "sv")
    assert rate >= 0.92, f"Swedish recall {rate:.1%}, missed {missed}"


def test_swedish_compound_last_parts(client, make_archive):
    rate, missed = _recall(client, make_archive, SWEDISH_COMPOUNDS, "sv")
    assert rate >= 0.8, f"Swedish compound recall {rate:.1%}, missed {missed}"


def test_distinct_words_are_not_conflated(client, make_archive):
    consultation = make_archive([other for _query, other in NOT_CONFLATED], language="fi")
    merged = _found(client, consultation, NOT_CONFLATED)
    assert len(merged) <= 3, f"merged: {merged}"


def test_swedish_compound_first_and_last_parts(client, make_archive):
    """Issue 14: compounds joined with a linking s or e (fogemorfem) are split, and the
    first part finds the compound as the last part does."""
    rate, missed = _recall(client, make_archive, SWEDISH_COMPOUND_PARTS, "sv")
    assert rate >= 0.90, f"Swedish compound recall {rate:.1%}, missed {missed}"


def test_distinct_swedish_words_are_not_conflated(client, make_archive):
    consultation = make_archive([other for _query, other in SWEDISH_NOT_CONFLATED], language="sv")
    merged = _found(client, consultation, SWEDISH_NOT_CONFLATED)
    assert len(merged) <= 3, f"merged: {merged}"
