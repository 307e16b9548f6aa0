"""The one text analyzer both search engines use, at index time and at query time.

Finnish words are lemmatized with Voikko (the system libvoikko when installed, pyvoikko
otherwise); words Voikko does not know fall back to a snowball stem; compounds also yield
their parts at index time. Swedish words get simplemma's lemma plus a snowball stem, and
at index time the parts of a compound, first and last, found with simplemma's dictionary
(linking s and e, the fogemorfem, included: föreningsliv -> förening, liv). Every token also keeps its lowercased
surface form as a `_`-marked term, so exact words and prefixes always match.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

LANGUAGES = ("fi", "sv")
# Raised whenever the terms of some text change: every indexed document's fingerprint
# includes it, so `flask search verify --repair` re-indexes what an older analysis wrote.
ANALYSIS_VERSION = 2
SURFACE_MARK = "_"  # surface-form terms: "_järjestöjen"; never produced by the tokenizer
WORD_RE = re.compile(r"[^\W_]+(?:[-‐'’][^\W_]+)*")

_MIN_PART = 3  # compound parts shorter than this are noise ("yö" aside, rarely searched)


@dataclass(frozen=True)
class Token:
    text: str  # as written
    start: int
    end: int
    position: int


def tokenize(text: str) -> list[Token]:
    return [
        Token(match.group(), match.start(), match.end(), position)
        for position, match in enumerate(WORD_RE.finditer(text or ""))
    ]


def normalize(word: str) -> str:
    return word.lower().replace("’", "'").replace("‐", "-")


def _clean_lemma(lemma: str) -> str:
    """Voikko marks boundaries inside lemmas ("hyvin=vointi", "toiminta--avustus")."""
    return re.sub(r"[=\-'\s]+", "", lemma.lower())


# --- Finnish: Voikko, loaded lazily once per process -------------------------------------

class _Voikko:
    """(lemma, compound parts) analyses of one word from whichever Voikko is available."""

    def __init__(self) -> None:
        self.backend = ""
        self._analyse = None
        self._lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            if self._analyse is not None:
                return
            try:
                self._analyse = self._system()
                self.backend = "libvoikko"
            except Exception:  # no system library or no Finnish dictionary: use pyvoikko
                import pyvoikko  # loads the transducer (about 3 s, 280 MB) at import

                def analyse(word: str):
                    out = []
                    for analysis in pyvoikko.analyse(word):
                        parts = [p.BASEFORM for p in (analysis.COMPOUND_PARTS or [])]
                        out.append((analysis.BASEFORM, parts))
                    return out

                self._analyse = analyse
                self.backend = "pyvoikko"

    @staticmethod
    def _system():
        import libvoikko  # the ctypes binding shipped with the system library

        voikko = libvoikko.Voikko("fi")
        part_re = re.compile(r"\+[^+(]*\(([^)]*)\)")

        def analyse(word: str):
            out = []
            for analysis in voikko.analyze(word):
                parts = [p for p in part_re.findall(analysis.get("WORDBASES", "")) if p]
                out.append((analysis.get("BASEFORM", word), parts if len(parts) > 1 else []))
            return out

        return analyse

    def analyse(self, word: str):
        if self._analyse is None:
            self.load()
        return self._analyse(word)


VOIKKO = _Voikko()
_FI_STEMMER = snowballstemmer.stemmer("finnish")
_SV_STEMMER = snowballstemmer.stemmer("swedish")
_stem_lock = threading.Lock()  # snowball stemmer objects keep state between calls


def _stem(stemmer, word: str) -> str:
    with _stem_lock:
        return stemmer.stemWord(word)


@dataclass(frozen=True)
class WordAnalysis:
    lemmas: frozenset[str]  # what queries match
    parts: frozenset[str]  # compound parts: added at index time only
    known: bool


@lru_cache(maxsize=200_000)
def analyse_fi(word: str) -> WordAnalysis:
    word = normalize(word)
    analyses = VOIKKO.analyse(word)
    if not analyses and "-" in word:  # "covid-19-pandemia": analyse the pieces
        pieces = [analyse_fi(piece) for piece in word.split("-") if piece]
        lemmas = frozenset(lemma for piece in pieces for lemma in piece.lemmas)
        parts = frozenset(p for piece in pieces for p in piece.parts)
        return WordAnalysis(lemmas, parts, any(piece.known for piece in pieces))
    if not analyses:
        return WordAnalysis(frozenset({_stem(_FI_STEMMER, word)}), frozenset(), False)
    lemmas, parts = set(), set()
    for lemma, compound_parts in analyses:
        lemmas.add(_clean_lemma(lemma))
        for part in compound_parts:
            cleaned = _clean_lemma(part)
            if len(cleaned) >= _MIN_PART:
                parts.add(cleaned)
    return WordAnalysis(frozenset(lemmas), frozenset(parts - lemmas), True)


# --- Swedish: simplemma lemma + snowball stem ---------------------------------------------

def _sv_known(word: str) -> bool:
    import simplemma

    return simplemma.is_known(word, lang="sv")


def _sv_lemma(word: str) -> str:
    import simplemma

    return simplemma.lemmatize(word, lang="sv").lower()


def _sv_terms(word: str) -> set[str]:
    lemma = _sv_lemma(word)
    return {lemma, _stem(_SV_STEMMER, lemma), _stem(_SV_STEMMER, word)}


# Endings that are also words ("verksam|het", "ung|dom", "del|vis"): never a compound's last part.
_SV_SUFFIXES = frozenset(
    "het heten ning ningen ing dom domen vis ling lig lighet ande ende are aren else skap sam tion ism "
    "ist aktig mässig bar isk ig lös ligt liga ligen slig".split()
)
# Words that look like compounds but mean something else than their parts.
_SV_WHOLE_WORDS = frozenset("ledamot ordförande tonåring".split())
# Heads that are prefixes far more often than words ("för|slag", "sam|hälle", "all|män").
_SV_PREFIXES = frozenset("för före sam all miss van be an gem".split())


def _sv_head(head: str) -> str | None:
    """The word a compound's first part stands for, or None. simplemma knows the forms
    heads take, a linking s or e (fogemorfem) included: "förenings" -> förening,
    "skol" -> skola, "hälso" -> hälsa, "skatte" -> skatt."""
    if len(head) < _MIN_PART or head in _SV_PREFIXES or (head[-1] in "se" and head[:-1] in _SV_PREFIXES):
        return None
    if _sv_known(head):
        return _sv_lemma(head)
    if head[-1] in "se" and len(head) > _MIN_PART and _sv_known(head[:-1]):
        return _sv_lemma(head[:-1])
    return None


@lru_cache(maxsize=50_000)
def sv_compound_parts(word: str, depth: int = 0) -> tuple[str, ...]:
    """The lemmas of a compound's parts, first to last ("barnomsorgsavgift" -> barnomsorg,
    barn, omsorg, avgift), or () when the word is not split. Of the splits into a head and
    a known last part (each split again once), one after a linking s wins, then the most
    balanced one."""
    best, best_score = (), (False, 0)
    if word in _SV_WHOLE_WORDS:
        return best
    for cut in range(_MIN_PART, len(word) - _MIN_PART + 1):
        head, tail = word[:cut], word[cut:]
        if tail in _SV_SUFFIXES or not _sv_known(tail) or _sv_lemma(tail) in _SV_SUFFIXES:
            continue
        head_lemma = _sv_head(head)
        if head_lemma is None:
            continue
        # A linking s is the commonest joint: "stads|parken", not "stad|sparken".
        linked = head[-1] == "s" and len(head) > _MIN_PART + 1 and _sv_known(head[:-1])
        score = (linked, min(len(head), len(tail)))
        if score > best_score:
            tail_lemma = _sv_lemma(tail)
            inner = () if depth else (*sv_compound_parts(head_lemma, 1), *sv_compound_parts(tail_lemma, 1))
            best, best_score = (head_lemma, *inner, tail_lemma), score
    return best


@lru_cache(maxsize=200_000)
def analyse_sv(word: str) -> WordAnalysis:
    word = normalize(word)
    if "-" in word:
        pieces = [analyse_sv(piece) for piece in word.split("-") if piece]
        lemmas = frozenset(lemma for piece in pieces for lemma in piece.lemmas)
        parts = frozenset(p for piece in pieces for p in piece.parts)
        return WordAnalysis(lemmas, parts, any(piece.known for piece in pieces))
    lemmas = _sv_terms(word)
    parts: set[str] = set()
    for part in sv_compound_parts(_sv_lemma(word)):
        parts |= _sv_terms(part)
    return WordAnalysis(frozenset(lemmas), frozenset(parts - lemmas), _sv_known(word))


def analyse_word(word: str, language: str) -> WordAnalysis:
    return analyse_sv(word) if language == "sv" else analyse_fi(word)


# --- Index and query terms ---------------------------------------------------------------

@lru_cache(maxsize=200_000)
def token_terms(word: str, language: str) -> frozenset[str]:
    """Every index term of one token: lemmas, compound parts and the surface form."""
    analysis = analyse_word(word, language)
    return analysis.lemmas | analysis.parts | {SURFACE_MARK + normalize(word)}


def index_terms(text: str, language: str) -> list[tuple[int, frozenset[str]]]:
    """(position, terms) for each token: several terms may share one position."""
    return [(token.position, token_terms(token.text, language)) for token in tokenize(text)]


@lru_cache(maxsize=50_000)
def query_terms(word: str) -> frozenset[str]:
    """A query word matches in both languages: its Finnish lemmas, its Swedish lemma and
    stems when it may be Swedish, and its exact surface form. No compound parts: `alue`
    finds `hyvinvointialue`, not the other way round."""
    word = normalize(word)
    finnish = analyse_fi(word)
    terms = set(finnish.lemmas) | {SURFACE_MARK + word}
    swedish = analyse_sv(word)
    if swedish.known or not finnish.known:
        terms |= swedish.lemmas
    return frozenset(terms)


def prefix_terms(word: str) -> tuple[str, str]:
    """Prefixes match lemmas and surface forms: `järjest*`, `avustuks*`."""
    word = normalize(word)
    return word, SURFACE_MARK + word


def preload() -> None:
    """Load the dictionaries now (for example in gunicorn's master before forking)."""
    VOIKKO.load()
    analyse_sv("förening")


# --- Content language -----------------------------------------------------------------------

_FI_MARKERS = frozenset(
    "ja on ei että se ovat myös tai kuin mutta joka jotka olla sekä tämä voi ole kanssa niin "
    "jos vain kun mukaan osalta tulee tulisi sen ne olisi ollut kaikki meidän hyvä pitää".split()
)
_SV_MARKERS = frozenset(
    "och att det som en är för på med av till inte den de har om vi kan ska också eller från "
    "men så detta denna ett var vara skulle bör alla våra enligt samt när inom".split()
)


_FI_ENDINGS = ("aa", "ee", "ii", "uu", "yy", "ää", "öö", "ssa", "ssä", "lla", "llä", "sta", "stä")


def detect_language(text: str, fallback: str = "fi") -> str:
    """fi or sv, from function words and letters; the fallback when there is no evidence.
    Runs for every comment a reindex reads: str methods only, no Token objects."""
    words = WORD_RE.findall(normalize(text[:5000]))
    fi_score = sum(1 for w in words if w in _FI_MARKERS)
    sv_score = sum(1 for w in words if w in _SV_MARKERS)
    fi_score += sum(1 for w in words if w.endswith(_FI_ENDINGS)) / 4
    sv_score += 2 * sum(1 for w in words if "å" in w)
    if fi_score == sv_score:
        return fallback if fallback in LANGUAGES else "fi"
    return "fi" if fi_score > sv_score else "sv"


# --- Highlighting on the original words -----------------------------------------------------

@dataclass(frozen=True)
class Matcher:
    """The positive terms and prefixes of a query, for highlighting."""

    terms: frozenset[str]
    prefixes: tuple[str, ...] = ()

    def matches(self, word: str, language: str) -> bool:
        terms = token_terms(word, language)
        if not self.terms.isdisjoint(terms):
            return True
        return any(term.startswith(prefix) for prefix in self.prefixes for term in terms)


def highlight(text: str, language: str, matcher: Matcher, width: int = 240) -> list[tuple[str, bool]]:
    """A snippet of `text` around the densest matches, as (segment, is_match) pairs.
    Plain strings: the template escapes them, so the snippet cannot carry markup."""
    hits = [  # Token objects for the matches only: the page highlights every shown hit
        Token(match.group(), match.start(), match.end(), position)
        for position, match in enumerate(WORD_RE.finditer(text or ""))
        if matcher.matches(match.group(), language)
    ]
    if len(text) <= width:
        start, end = 0, len(text)
    else:
        center = _densest(hits, width) if hits else 0
        start = max(0, center - width // 3)
        end = min(len(text), start + width)
        start = max(0, end - width)
        start = _word_boundary(text, start, forward=True) if start else 0
        end = _word_boundary(text, end, forward=False) if end < len(text) else end
    segments: list[tuple[str, bool]] = []
    if start > 0:
        segments.append(("… ", False))
    cursor = start
    for token in hits:
        if token.start < start or token.end > end:
            continue
        if token.start > cursor:
            segments.append((text[cursor:token.start], False))
        segments.append((text[token.start:token.end], True))
        cursor = token.end
    if cursor < end:
        segments.append((text[cursor:end], False))
    if end < len(text):
        segments.append((" …", False))
    return segments


def _densest(hits: list[Token], width: int) -> int:
    best, best_count = hits[0].start, 0
    for i, token in enumerate(hits):
        count = sum(1 for other in hits[i:] if other.start - token.start < width // 2)
        if count > best_count:
            best, best_count = token.start, count
    return best


def _word_boundary(text: str, index: int, forward: bool) -> int:
    step = 1 if forward else -1
    limit = 30
    while 0 < index < len(text) and not text[index].isspace() and limit:
        index += step
        limit -= 1
    return index
