"""Candidate pairs → confirmed relations, scored on the articles' own tokens.

MinHash only proposes; every candidate is checked on exact measures:

* shingle **Jaccard** (resemblance both ways) → ``near``;
* shingle **containment** of the smaller article in the larger → ``partial``
  (trimmed, expanded or quoted republication);
* **TF-IDF cosine** plus a share of common 3-word phrases → ``rewrite``
  (the same dispatch reworded: same vocabulary, some phrasing kept);
* the **number guard**: when two texts match but most of the figures and
  dates in the smaller one are absent from the other, they are a ``template``
  (a daily market report, a weekly crop review): different news in the same
  words, never merged.

All scores for a chunk of pairs are computed with array operations.

Example:
    >>> import numpy as np
    >>> from newsdedup.config import DetectorConfig
    >>> from newsdedup.tokenize import tokenize
    >>> from newsdedup.tfidf import CorpusStats
    >>> batch = tokenize(["grain ships waiting at new orleans were 31 on march 3, up from 28",
    ...                   "grain ships waiting at new orleans were 25 on march 4, up from 31"])
    >>> stats = CorpusStats(n_features=1 << 10); stats.add(batch.hashes, batch.offsets)
    >>> v = Verifier(DetectorConfig(), stats.model())
    >>> scores = v.score(batch.hashes, batch.flags, batch.offsets, np.array([0]), np.array([1]))
    >>> RELATION_NAMES[v.relations(scores)[0]]
    'template'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _kernels as K
from .config import DetectorConfig
from .models import Relation, Scores
from .shingle import shingle_sets, sorted_sets
from .tfidf import TfidfModel, cosine_pairs

__all__ = ["NONE", "PairScores", "RELATION_CODES", "RELATION_NAMES", "Verifier", "explain_reason"]

NONE = 0
RELATION_CODES = {Relation.EXACT: 1, Relation.NEAR: 2, Relation.PARTIAL: 3, Relation.REWRITE: 4, Relation.TEMPLATE: 5}
RELATION_NAMES = {0: "none", **{code: rel.value for rel, code in RELATION_CODES.items()}}
_CODE_TO_RELATION = {code: rel for rel, code in RELATION_CODES.items()}

#: A text of fewer shingles than this is too short to call contained in another.
MIN_PARTIAL_SHINGLES = 8
#: Phrase length for the rewrite check: reworded copies keep short phrases.
PHRASE_SIZE = 3


@dataclass
class PairScores:
    """Scores of a set of pairs (arrays of equal length)."""

    jaccard: np.ndarray
    containment: np.ndarray
    cosine: np.ndarray
    phrases: np.ndarray  # share of the smaller text's 3-word phrases in the other
    numbers: np.ndarray  # share of the smaller set of figures found in the other
    n_numbers: np.ndarray  # size of the smaller set of figures
    n_shingles: np.ndarray  # size of the smaller shingle set
    exact: np.ndarray  # identical token sequences

    def __len__(self) -> int:
        return len(self.jaccard)

    def scores(self, i: int) -> Scores:
        if self.exact[i]:
            return Scores(1.0, 1.0, 1.0, 1.0)
        return Scores(float(self.jaccard[i]), float(self.containment[i]), float(self.cosine[i]),
                      float(self.numbers[i]))


def _set_overlap(values: np.ndarray, offsets: np.ndarray, left: np.ndarray, right: np.ndarray):
    """Intersection size and both set sizes for pairs of sorted sets."""
    inter = K.intersect_sizes(values, offsets, left, right)
    sizes = np.diff(offsets)
    return inter, sizes[left], sizes[right]


def _number_sets(tokens: np.ndarray, flags: np.ndarray, offsets: np.ndarray):
    is_number = (flags & K.FLAG_NUMBER).astype(bool)
    counts = np.add.reduceat(is_number.astype(np.int64), offsets[:-1]) if len(tokens) else \
        np.zeros(len(offsets) - 1, np.int64)
    counts[np.diff(offsets) == 0] = 0
    number_offsets = np.zeros(len(offsets), np.int64)
    np.cumsum(counts, out=number_offsets[1:])
    return sorted_sets(tokens[is_number], number_offsets)


class Verifier:
    """Scores candidate pairs and decides their relation.

    Args:
        config: Thresholds (``config.verify``) and shingle settings.
        tfidf: IDF model fitted on the corpus.
    """

    def __init__(self, config: DetectorConfig, tfidf: TfidfModel) -> None:
        self.config = config
        self.tfidf = tfidf
        self.char_mode = config.shingle.kind == "char"

    def _terms(self, tokens: np.ndarray, offsets: np.ndarray):
        """What TF-IDF counts: words, or character trigrams in character mode."""
        if self.char_mode:
            return K.shingle_batch(tokens, offsets, 3, _TRIGRAM_MULT)
        return tokens, offsets

    def score(self, tokens: np.ndarray, flags: np.ndarray, offsets: np.ndarray,
              left: np.ndarray, right: np.ndarray) -> PairScores:
        """Scores of pairs (``left[i]``, ``right[i]``) of documents given in CSR layout."""
        k = self.config.shingle.size
        values, set_offsets = shingle_sets(tokens, offsets, k)
        inter, size_l, size_r = _set_overlap(values, set_offsets, left, right)
        union = size_l + size_r - inter
        smaller = np.minimum(size_l, size_r)
        jaccard = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
        containment = np.where(smaller > 0, inter / np.maximum(smaller, 1), 0.0)
        if k == PHRASE_SIZE or self.char_mode:
            phrases = containment
        else:
            p_values, p_offsets = shingle_sets(tokens, offsets, PHRASE_SIZE)
            p_inter, p_l, p_r = _set_overlap(p_values, p_offsets, left, right)
            phrases = p_inter / np.maximum(np.minimum(p_l, p_r), 1)
        n_values, n_offsets = _number_sets(tokens, flags, offsets)
        n_inter, n_l, n_r = _set_overlap(n_values, n_offsets, left, right)
        n_min = np.minimum(n_l, n_r)
        numbers = np.where(n_min > 0, n_inter / np.maximum(n_min, 1), 1.0)
        rows = self.tfidf.vectors(*self._terms(tokens, offsets))
        cosine = cosine_pairs(rows, left, right)
        exact = _same_sequences(tokens, offsets, left, right)
        return PairScores(jaccard, containment, cosine, phrases, numbers, n_min, smaller, exact)

    def relations(self, s: PairScores) -> np.ndarray:
        """Relation code of every scored pair (``NONE`` when not a match)."""
        v = self.config.verify
        near = s.jaccard >= v.near_jaccard
        partial = ~near & (s.containment >= v.partial_containment) & (s.n_shingles >= MIN_PARTIAL_SHINGLES)
        rewrite = ~near & ~partial & (s.cosine >= v.rewrite_cosine) & (s.phrases >= v.rewrite_containment)
        if self.char_mode or not self.config.lsh.rewrite_pass:
            rewrite[:] = False
        matched = near | partial | rewrite
        template = matched & ~s.exact & (s.n_numbers >= v.min_numbers) & (s.numbers < v.numbers_agree)
        codes = np.zeros(len(s), np.int8)
        codes[rewrite] = RELATION_CODES[Relation.REWRITE]
        codes[partial] = RELATION_CODES[Relation.PARTIAL]
        codes[near] = RELATION_CODES[Relation.NEAR]
        codes[s.exact] = RELATION_CODES[Relation.EXACT]
        codes[template] = RELATION_CODES[Relation.TEMPLATE]
        return codes


def _same_sequences(tokens: np.ndarray, offsets: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    lengths = np.diff(offsets)
    same = (lengths[left] == lengths[right]) & (lengths[left] > 0)
    for q in np.flatnonzero(same):
        a, b = left[q], right[q]
        same[q] = np.array_equal(tokens[offsets[a]:offsets[a + 1]], tokens[offsets[b]:offsets[b + 1]])
    return same


_TRIGRAM_MULT = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], np.uint64)


def relation_of(code: int) -> Relation | None:
    """The :class:`Relation` of a code, or None for ``NONE``."""
    return _CODE_TO_RELATION.get(int(code))


def explain_reason(code: int, s: PairScores, i: int, config: DetectorConfig) -> str:
    """One human sentence on why pair ``i`` got relation ``code``."""
    v = config.verify
    rel = relation_of(code)
    if rel is Relation.EXACT:
        return "identical after normalisation"
    if rel is Relation.TEMPLATE:
        return (f"same wording (jaccard {s.jaccard[i]:.2f}, containment {s.containment[i]:.2f}) but only "
                f"{s.numbers[i]:.0%} of the figures and dates agree (< {v.numbers_agree:.0%}): different news")
    if rel is Relation.NEAR:
        return f"shingle jaccard {s.jaccard[i]:.2f} >= {v.near_jaccard:.2f}"
    if rel is Relation.PARTIAL:
        return f"{s.containment[i]:.0%} of the shorter text is in the other (>= {v.partial_containment:.0%})"
    if rel is Relation.REWRITE:
        return (f"reworded: tf-idf cosine {s.cosine[i]:.2f} >= {v.rewrite_cosine:.2f} and "
                f"{s.phrases[i]:.0%} of 3-word phrases shared")
    return (f"not a copy: jaccard {s.jaccard[i]:.2f} < {v.near_jaccard:.2f}, containment "
            f"{s.containment[i]:.2f} < {v.partial_containment:.2f}, cosine {s.cosine[i]:.2f} < "
            f"{v.rewrite_cosine:.2f}" + ("" if s.phrases[i] >= v.rewrite_containment else
                                          f", {s.phrases[i]:.0%} of 3-word phrases shared"))
