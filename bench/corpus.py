"""The generated Finnish comments the search benchmarks share (bench-search, bench-reindex):
40-150 words each from a Zipf-distributed vocabulary of real case forms and compounds,
spread over 200 consultations of 45 days in 8 years and 500 organizations."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import accumulate

CONSULTATIONS, ORGANIZATIONS, YEARS = 200, 500, 8

# Nouns whose plural keeps the stem (…o/u/y/ö), so stem + ending is a real Finnish form.
NOUNS = (
    "talo koulu järjestö palvelu kirjasto virasto ympäristö neuvosto museo tuotto yhteisö tulo arvo jako "
    "kulu tilasto taho osio syy tieto toimisto kerho teko hoito vastuu arvio"
).split()
PREFIXES = (
    "hyvinvointi kunta lapsi perhe sosiaali nuoriso kulttuuri liikunta terveys vanhus kansalais "
    "yhteistyö vapaaehtois lähi alue kylä koti koulu asiakas vertais"
).split()
ENDINGS = ("", "n", "a", "ssa", "sta", "on", "lla", "lta", "lle", "na", "ksi", "t", "jen", "ja",
           "issa", "ista", "ihin", "illa", "ilta", "ille", "ina", "iksi", "mme", "nsa", "kin", "ssakin")
COMMON = (
    "ja on että ei se ovat myös tai kuin mutta joka jotka sekä tämä voi ole kanssa niin jos vain "
    "kun mukaan osalta tulee tulisi sen ne olisi kaikki meidän hyvä pitää tärkeää erityisesti "
    "järjestöjen avustuksista kunnissa hyvinvointialueella toiminta-avustuksen yhdistysten "
    "lausunnossa ehdotamme pidämme esitämme katsomme kannatamme vastustamme"
).split()


@dataclass(frozen=True)
class Consultation:
    number: int  # 1-based
    opens_at: datetime
    closes_at: datetime


@dataclass(frozen=True)
class Comment:
    consultation: int  # Consultation.number
    organization: int  # 1-based
    date: datetime
    text: str


@dataclass(frozen=True)
class Corpus:
    words: list[str]  # by Zipf rank: the common function words first
    weights: list[float]
    consultations: list[Consultation]
    comments: list[Comment]


def vocabulary(rng: random.Random) -> list[str]:
    """The function words, then every noun form in a random order (so that the ranks of
    the Zipf law fall on many nouns, not on the forms of the first one)."""
    forms = []
    for noun in NOUNS:
        forms.extend(noun + ending for ending in ENDINGS)
        for prefix in PREFIXES:
            forms.extend(prefix + noun + ending for ending in rng.sample(ENDINGS, 8))
    rng.shuffle(forms)
    return [*COMMON, *forms]


def zipf_weights(n: int) -> list[float]:
    return [1.0 / (rank + 1) ** 1.05 for rank in range(n)]


def generate(rng: random.Random, count: int) -> Corpus:
    words = vocabulary(rng)
    weights = zipf_weights(len(words))
    cumulative = list(accumulate(weights))
    start = datetime(2018, 1, 1, tzinfo=timezone.utc)
    consultations = []
    for number in range(1, CONSULTATIONS + 1):
        opens = start + timedelta(days=rng.randrange(YEARS * 365 - 60))
        consultations.append(Consultation(number, opens, opens + timedelta(days=45)))
    comments = []
    for _ in range(count):
        consultation = consultations[rng.randrange(CONSULTATIONS)]
        text = " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(40, 150))).capitalize() + "."
        comments.append(Comment(
            consultation=consultation.number, organization=rng.randrange(ORGANIZATIONS) + 1,
            date=consultation.opens_at + timedelta(days=rng.randrange(45), seconds=rng.randrange(86400)),
            text=text,
        ))
    return Corpus(words, weights, consultations, comments)
