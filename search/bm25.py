"""BM25 relevance for the Whoosh engine, with statistics of the whole index.

Whoosh's BM25F formula and defaults (one field): a term in a document weighs
idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average length)), with
idf = log(documents / (documents with the term + 1)) + 1. Every statistic — the document
count, the average length, each term's document frequency — counts the live documents of
the whole index, never one segment and never deleted documents, so a document's score is
the same whether the index was rebuilt at once or grew one write at a time with deletions
and merges in between. Prefixes add 1 to the score, and equal scores go to the newer
document, then to the higher (kind, id): an order no index history can change.

Per segment, a term's weights (without the idf) are kept with the average length they were
computed for and recomputed (in numpy) when a write changes it.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass
from math import log

import numpy as np

K1, B = 1.2, 0.75  # whoosh's BM25F defaults
TOP_PER_TERM = 64  # best documents kept per term: enough for the first pages of broad queries


@dataclass(frozen=True)
class IndexStatistics:
    documents: int  # live documents in every segment
    average_length: float

    @classmethod
    def of(cls, segments) -> IndexStatistics:
        documents = sum(data.live_count for data in segments)
        length = sum(data.live_length for data in segments)
        return cls(documents, (length / documents) if documents and length else 1.0)

    def idf(self, frequency: int) -> float:
        return log(self.documents / (frequency + 1)) + 1


def norms(lengths: np.ndarray, average: float) -> np.ndarray:
    """Length normalization per document: K1 * (1 - B + B * length / average)."""
    return K1 * ((1 - B) + B * lengths / average)


@dataclass
class TermWeights:
    """One term's BM25 weights (without the idf) in one segment, for one average length."""

    average: float
    weights: np.ndarray  # float64, parallel to the term's docnums
    top: list[tuple[float, int]]  # the TOP_PER_TERM best (weight, docnum), best first
    threshold: float  # no document outside `top` weighs more than this

    @classmethod
    def of(cls, docnums: np.ndarray, frequencies: np.ndarray, segment_norms: np.ndarray, average: float):
        weights = frequencies * (K1 + 1) / (frequencies + segment_norms[docnums])
        if len(docnums) > TOP_PER_TERM:
            best = np.argpartition(weights, -TOP_PER_TERM)[-TOP_PER_TERM:]
            top = sorted(zip(weights[best].tolist(), docnums[best].tolist()), reverse=True)
            return cls(average, weights, top, top[-1][0])
        return cls(average, weights, sorted(zip(weights.tolist(), docnums.tolist()), reverse=True), 0.0)

    @property
    def nbytes(self) -> int:
        return self.weights.nbytes + 64 * len(self.top)


class Scorer:
    """The scores of one query in every segment: BM25 over the query's words (the terms
    the highlighter looks for too) plus 1 for each matching prefix."""

    def __init__(self, segments, terms, prefix_atoms) -> None:
        self.statistics = IndexStatistics.of(segments)
        frequencies = {text: sum(data.live_frequency(text) for data in segments) for text in sorted(terms)}
        self.idf = {text: self.statistics.idf(count) for text, count in frequencies.items() if count}
        self.prefixes = prefix_atoms

    def best(self, data, matched: int, count: int) -> list[tuple[float, int, int, int]]:
        """(score, date, tiebreak, docnum) of the segment's `count` best matches, best first."""
        average = self.statistics.average_length
        postings = [(idf, *scored) for text, idf in self.idf.items()
                    if (scored := data.scored_term(text, average)) is not None]
        prefix_masks = [data.prefix_atom_mask(atom) for atom in self.prefixes]
        # A prefix every match has adds the same to every score.
        constant = float(sum(1 for mask in prefix_masks if not matched & ~mask))
        varying = [mask for mask in prefix_masks if matched & ~mask]
        if not postings and not varying:  # all scores equal: the newest first
            return [(constant, *data.order_key(d), d) for d in data.newest(matched, count)]
        candidates = {d for _idf, _docnums, scored in postings for _w, d in scored.top}
        candidates = [d for d in sorted(candidates) if matched >> d & 1]
        if len(candidates) >= count:
            # Documents outside every term's best list score at most `bound`: when the
            # best candidates beat it, they are the best of all matches.
            bound = constant + sum(idf * scored.threshold for idf, _d, scored in postings) + len(varying)
            docnums = np.asarray(candidates, dtype=np.int64)
            best = self._rank(data, docnums, self._scores(data, docnums, postings, varying, constant), count)
            if best[-1][0] > bound:
                return best
        docnums = data.docnums_of(matched)
        return self._rank(data, docnums, self._scores(data, docnums, postings, varying, constant), count)

    @staticmethod
    def _scores(data, docnums: np.ndarray, postings, varying, constant: float) -> np.ndarray:
        """The scores of `docnums` (ascending), each term added in the same order on every
        path, so equal documents get equal floats."""
        scores = np.full(len(docnums), constant)
        for mask in varying:
            scores += data.flags(mask)[docnums]
        for idf, term_docnums, scored in postings:
            found = np.minimum(np.searchsorted(term_docnums, docnums), len(term_docnums) - 1)
            present = term_docnums[found] == docnums
            scores[present] += idf * scored.weights[found[present]]
        return scores

    @staticmethod
    def _rank(data, docnums: np.ndarray, scores: np.ndarray, count: int) -> list[tuple[float, int, int, int]]:
        if len(docnums) > count:  # a superset of the best: everything at least the count-th score
            keep = scores >= np.partition(scores, -count)[-count]
            docnums, scores = docnums[keep], scores[keep]
        rows = ((score, *data.order_key(d), d) for score, d in zip(scores.tolist(), docnums.tolist()))
        return heapq.nlargest(count, rows)
