"""Parsing what a user types into the search box: words (AND), "phrases", prefix*, OR and
-exclusion, each word analyzed into the terms it may match in either language."""
from __future__ import annotations

import re
from dataclasses import dataclass

from search.analysis import Matcher, prefix_terms, query_terms, tokenize

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12
MIN_PREFIX = 3

_RAW_RE = re.compile(r'-?"[^"]*"|\S+')


class QueryError(ValueError):
    """Why a query cannot be run: empty, too_long, broken, short_prefix, only_negative, no_words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TermSet:
    """One query word: a text matches when it has any of these terms."""

    terms: frozenset[str]


@dataclass(frozen=True)
class Prefix:
    prefixes: tuple[str, ...]


@dataclass(frozen=True)
class Phrase:
    words: tuple[TermSet, ...]


Atom = TermSet | Prefix | Phrase


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    must: tuple[tuple[Atom, ...], ...]  # every group must match; within a group any atom
    must_not: tuple[Atom, ...]
    matcher: Matcher


def _atom(raw: str) -> Atom | None:
    if raw.startswith('"'):
        words = [TermSet(query_terms(t.text)) for t in tokenize(raw.strip('"'))]
        if not words:
            return None
        return words[0] if len(words) == 1 else Phrase(tuple(words))
    words = tokenize(raw)
    if not words:
        return None
    if raw.endswith("*") and len(words) == 1:
        if len(words[0].text) < MIN_PREFIX:
            raise QueryError("short_prefix")
        return Prefix(prefix_terms(words[0].text))
    if len(words) == 1:
        return TermSet(query_terms(words[0].text))
    return Phrase(tuple(TermSet(query_terms(t.text)) for t in words))


def parse_query(text: str | None) -> ParsedQuery:
    text = (text or "").strip()
    if not text:
        raise QueryError("empty")
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError("too_long")
    if text.count('"') % 2:
        raise QueryError("broken")
    raw_items = _RAW_RE.findall(text)
    if len(tokenize(text)) > MAX_QUERY_WORDS:
        raise QueryError("too_long")

    groups: list[list[Atom]] = []
    must_not: list[Atom] = []
    join_next = last_negated = False
    for position, raw in enumerate(raw_items):
        if raw == "OR":
            if join_next or last_negated or not groups or position == len(raw_items) - 1:
                raise QueryError("broken")
            join_next = True
            continue
        negated = last_negated = raw.startswith("-") and len(raw) > 1
        atom = _atom(raw[1:] if negated else raw)
        if atom is None:
            if join_next:
                raise QueryError("broken")
            continue
        if negated:
            if join_next:
                raise QueryError("broken")
            must_not.append(atom)
        elif join_next:
            groups[-1].append(atom)
        else:
            groups.append([atom])
        join_next = False
    if not groups:
        raise QueryError("only_negative" if must_not else "no_words")
    return ParsedQuery(
        text=text,
        must=tuple(tuple(group) for group in groups),
        must_not=tuple(must_not),
        matcher=_matcher(groups),
    )


def _matcher(groups: list[list[Atom]]) -> Matcher:
    terms: set[str] = set()
    prefixes: list[str] = []
    for group in groups:
        for atom in group:
            if isinstance(atom, TermSet):
                terms |= atom.terms
            elif isinstance(atom, Phrase):
                for word in atom.words:
                    terms |= word.terms
            else:
                prefixes.extend(atom.prefixes)
    return Matcher(frozenset(terms), tuple(prefixes))
