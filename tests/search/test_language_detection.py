"""Comments are analyzed in the language they are written in: fi or sv from function words
and letters, the consultation's language when the text gives no evidence."""
from __future__ import annotations

import pytest

from search.analysis import detect_language


@pytest.mark.parametrize("text, fallback, expected", [
    ("Yhdistys pitää tärkeänä, että avustukset jaetaan ajoissa ja läpinäkyvästi.", "sv", "fi"),
    ("Föreningen anser att bidragen bör fördelas i tid och öppet.", "fi", "sv"),
    ("Vi stöder förslaget och hoppas på ett gott samarbete.", "fi", "sv"),
    ("Kunnissa ja kylissä toimivat järjestöt", "sv", "fi"),  # endings alone: -issa, -ssä
    ("Åtgärd", "fi", "sv"),  # the letter å
    ("OK 2026", "sv", "sv"),  # no evidence: the consultation's language
    ("OK 2026", "en", "fi"),  # and never anything but fi or sv
    ("", "fi", "fi"),
])
def test_detect_language(text, fallback, expected):
    assert detect_language(text, fallback) == expected


def test_only_the_first_5000_characters_count():
    finnish = "ja on että " * 500  # 5,500 characters
    assert detect_language(finnish + "och att det som " * 200, "sv") == "fi"
