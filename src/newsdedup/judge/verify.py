"""Candidate pairs → confirmed relations, scored on the articles' own tokens.

MinHash only proposes; every candidate is checked on exact measures:

* shingle **Jaccard** (resemblance both ways) → ``near``;
* shingle **containment** of the smaller article in the larger → ``partial``
  (trimmed, expanded or quoted republication);
* **TF-IDF cosine** plus a share of common 3-word phrases → ``rewrite``
  (the same dispatch reworded: same vocabulary, some phrasing kept);
* the **figure guard**: when a good part of the shorter text matches only
  once figures are ignored, the two are a ``template`` (a daily market
  report, a weekly crop review): different news in the same words, never
  merged. A lower bar applies to articles published a day or more apart,
  since re-sends and corrections come within hours and templates on other
  days.

All scores for a chunk of pairs are computed with array operations.

Example:
    >>> import numpy as np
    >>> from newsdedup.config import DetectorConfig
    >>> from newsdedup.text.tokenize import tokenize
    >>> from newsdedup.judge.tfidf import CorpusStats
    >>> text = ("grain ships waiting at new orleans elevators were {} on tuesday, trade sources said, "
    ...         "and the backlog is expected to ease next week as weather improves along the river")
    >>> batch = tokenize([text.format(31), text.format(25)])
    >>> stats = CorpusStats(n_features=1 << 10); stats.add(batch.hashes, batch.offsets)
    >>> v = Verifier(DetectorConfig(), stats.model())
    >>> scores = v.score(batch.hashes, batch.flags, batch.offsets, np.array([0]), np.array([1]))
    >>> RELATION_NAMES[v.relations(scores)[0]], round(float(scores.containment[0]), 2), float(scores.numbers[0])
    ('template', 0.8, 0.8)

    By hand: 29 tokens make 25 shingles of 5 words; the 5 that cover the
    figure differ, so containment is 20/25 = 0.8 (a ``partial`` copy), while
    all 25 match once figures are masked: 20% of the text differs only in a
    figure (``numbers`` = 0.8), above the 10% bar, so it is a template.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from .. import _kernels as K
from ..batch.spool import kept_offsets
from ..config import DetectorConfig
from ..models import Relation, Scores
from ..sketch.shingle import shingle_sets, sorted_sets
from .datachange import changed_figures
from .datewords import MONTHS as MONTHS  # re-exported: the figure guard's month names
from .datewords import _month_hashes as _month_hashes
from .datewords import date_figures as date_figures
from .decide import MIN_SHINGLES, decide, learned_reason, unlearned_reason
from .features import feature_matrix
from .model import RelationModel, load_model
from .tfidf import TermVectors, cosine_pairs, terms

__all__ = [
    "NONE",
    "RELATION_CODES",
    "RELATION_NAMES",
    "PairScores",
    "Verifier",
    "explain_reason",
    "is_flagged",
    "relation_codes",
]

NONE = 0
RELATION_CODES = {
    Relation.EXACT: 1,
    Relation.NEAR: 2,
    Relation.PARTIAL: 3,
    Relation.REWRITE: 4,
    Relation.TEMPLATE: 5,
}
RELATION_NAMES = {0: "none", **{code: rel.value for rel, code in RELATION_CODES.items()}}
_CODE_TO_RELATION = {code: rel for rel, code in RELATION_CODES.items()}

#: A text of fewer shingles than this is too short to call contained in another.
MIN_PARTIAL_SHINGLES = MIN_SHINGLES
#: Figures changed in place (a new value after the same two words) that make a
#: match published apart a template. Two: one new value may be a correction or
#: a scanning error (``1986/87`` read ``198``); two are new data.
MIN_CHANGED_FIGURES = 2
#: Phrase length for the rewrite check: reworded copies keep short phrases.
PHRASE_SIZE = 3


_NOT_GIVEN = np.zeros(0)


@dataclass
class PairScores:
    """Scores of a set of pairs (arrays of equal length)."""

    jaccard: np.ndarray
    containment: np.ndarray
    cosine: np.ndarray
    phrases: np.ndarray  # share of the smaller text's 3-word phrases in the other
    numbers: np.ndarray  # 1 - share of the shorter text that matches only when figures are ignored
    figures: (
        np.ndarray
    )  # share of the smaller set of distinct figures found in the other (1 when < 2)
    apart: np.ndarray  # both published, at least resend_hours apart
    n_shingles: np.ndarray  # size of the smaller shingle set
    exact: np.ndarray  # identical token sequences
    # Filled in by ``__post_init__`` when not given (empty arrays stand for "not given").
    n_larger: np.ndarray = field(default_factory=lambda: _NOT_GIVEN)  # larger shingle set
    gap_hours: np.ndarray = field(default_factory=lambda: _NOT_GIVEN)  # NaN: a date unknown
    probability: np.ndarray = field(default_factory=lambda: _NOT_GIVEN)  # the model's
    words: np.ndarray = field(default_factory=lambda: _NOT_GIVEN)  # share of distinct words kept
    word_pairs: np.ndarray = field(default_factory=lambda: _NOT_GIVEN)  # same, 2-word phrases
    changed: np.ndarray = field(default_factory=lambda: _NOT_GIVEN)  # see judge.datachange

    def __post_init__(self) -> None:
        n = len(self.jaccard)
        defaults = {
            "n_larger": lambda: np.asarray(self.n_shingles).copy(),
            "gap_hours": lambda: np.full(n, np.nan),
            "probability": lambda: np.zeros(n),
            "words": lambda: np.asarray(self.phrases, np.float64).copy(),
            "word_pairs": lambda: np.asarray(self.phrases, np.float64).copy(),
            "changed": lambda: np.zeros(n, np.int64),
        }
        for name, make in defaults.items():
            if len(getattr(self, name)) != n:
                setattr(self, name, make())

    def __len__(self) -> int:
        return len(self.jaccard)

    def take(self, rows: np.ndarray) -> PairScores:
        """The scores of some pairs only."""
        return PairScores(*[getattr(self, f.name)[rows] for f in fields(self)])

    @classmethod
    def concat(cls, parts: list[PairScores]) -> PairScores:
        """The scores of several chunks of pairs, one after the other."""
        if not parts:
            z = np.zeros(0)
            return cls(
                z, z, z, z, z, z, np.zeros(0, bool), np.zeros(0, np.int64), np.zeros(0, bool)
            )
        return cls(*[np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)])

    def scores(self, i: int) -> Scores:
        if self.exact[i]:
            return Scores(1.0, 1.0, 1.0, 1.0, 1.0)
        return Scores(
            float(self.jaccard[i]),
            float(self.containment[i]),
            float(self.cosine[i]),
            float(min(self.numbers[i], self.figures[i])),
            float(self.probability[i]),
        )


def _overlap(tokens: np.ndarray, offsets: np.ndarray, left: np.ndarray, right: np.ndarray, k: int):
    """|A ∩ B|, |A|, |B| of the k-gram shingle sets of each pair, building sets only for the docs involved."""
    if len(left) == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    docs, local = np.unique(np.concatenate([left, right]), return_inverse=True)
    sub_tokens, sub_offsets = K.gather_rows(tokens, offsets, docs)
    values, set_offsets = shingle_sets(sub_tokens, sub_offsets, k)
    inter = K.intersect_sizes(values, set_offsets, local[: len(left)], local[len(left) :])
    sizes = np.diff(set_offsets)
    return inter, sizes[local[: len(left)]], sizes[local[len(left) :]]


def _containment(
    tokens: np.ndarray, offsets: np.ndarray, left: np.ndarray, right: np.ndarray, k: int
):
    """Share of the smaller k-gram shingle set of each pair found in the other."""
    inter, size_l, size_r = _overlap(tokens, offsets, left, right, k)
    return inter / np.maximum(np.minimum(size_l, size_r), 1)


def _figures_masked(tokens: np.ndarray, which: np.ndarray) -> np.ndarray:
    """Tokens with the chosen figures replaced by one placeholder, to see what differs only by them."""
    return np.where(which, FIGURE_PLACEHOLDER, tokens).astype(np.uint32)


#: The token every figure becomes in :func:`_figures_masked`.
FIGURE_PLACEHOLDER = np.uint32(0x2F1C0DE5)


def _figure_agreement(
    tokens: np.ndarray,
    is_figure: np.ndarray,
    offsets: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
) -> np.ndarray:
    """Share of the smaller set of distinct figures found in the other (1.0 when it has fewer than 2)."""
    if len(left) == 0:
        return np.ones(0)
    values, set_offsets = sorted_sets(tokens[is_figure], kept_offsets(offsets, is_figure))
    inter = K.intersect_sizes(values, set_offsets, left, right)
    sizes = np.diff(set_offsets)
    smaller = np.minimum(sizes[left], sizes[right])
    return np.where(smaller >= 2, inter / np.maximum(smaller, 1), 1.0)


def _published_apart(
    published: np.ndarray | None, left: np.ndarray, right: np.ndarray, hours: float
) -> np.ndarray:
    if published is None:
        return np.zeros(len(left), bool)
    gap = np.abs(published[left] - published[right])
    return np.nan_to_num(gap, nan=-1.0) >= hours * 3600.0


class Verifier:
    """Scores candidate pairs and decides their relation.

    Args:
        config: Thresholds (``config.verify``) and shingle settings.
        tfidf: IDF model fitted on the corpus.
        model: The relation model; by default the one ``config.verify.relation_model``
            names (or the shipped one).
    """

    def __init__(
        self, config: DetectorConfig, tfidf: TermVectors, model: RelationModel | None = None
    ) -> None:
        self.config = config
        self.tfidf = tfidf
        self.char_mode = config.shingle.kind == "char"
        self.model = model or load_model(config.verify.relation_model)

    def score(
        self,
        tokens: np.ndarray,
        flags: np.ndarray,
        offsets: np.ndarray,
        left: np.ndarray,
        right: np.ndarray,
        published: np.ndarray | None = None,
        lazy: bool = False,
    ) -> PairScores:
        """Scores of pairs (``left[i]``, ``right[i]``) of documents given in CSR layout.

        Args:
            tokens, flags, offsets: The documents' tokens (CSR).
            left, right: Document positions of each pair.
            published: POSIX seconds (NaN unknown) per document; enables the
                lower template bar for articles published days apart.
            lazy: Compute phrase sharing and figure agreement only for the
                pairs whose verdict depends on them (the others get 0 and 1);
                a scan verifies millions of pairs, most of them unrelated.
        """
        k = self.config.shingle.size
        inter, size_l, size_r = _overlap(tokens, offsets, left, right, k)
        union = size_l + size_r - inter
        smaller = np.minimum(size_l, size_r)
        jaccard = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
        containment = np.where(smaller > 0, inter / np.maximum(smaller, 1), 0.0)
        # One expression: the TF-IDF rows of a whole chunk are freed as soon as the cosines are known.
        cosine = cosine_pairs(
            self.tfidf.vectors(*terms(tokens, offsets, self.char_mode)), left, right
        )
        v = self.config.verify
        copied = (jaccard >= v.near_jaccard) | (containment >= v.partial_containment)
        phrases = containment.copy() if k == PHRASE_SIZE or self.char_mode else np.zeros(len(left))
        # What the model reads, for every pair that may be reported: the copies by
        # overlap and those above the cosine floor (the others are never matches).
        need = copied | (cosine >= v.rewrite_cosine) if lazy else np.ones(len(left), bool)
        if k != PHRASE_SIZE and not self.char_mode:
            phrases[need] = _containment(tokens, offsets, left[need], right[need], PHRASE_SIZE)
        # Words and word pairs kept: what a rewrite keeps besides phrases.
        words, pairs = np.zeros(len(left)), np.zeros(len(left))
        words[need] = _containment(tokens, offsets, left[need], right[need], 1)
        pairs[need] = _containment(tokens, offsets, left[need], right[need], 2)
        # Figures only matter where the text matched: elsewhere they stay at 1.
        need = (
            copied | ((cosine >= v.rewrite_cosine) & (phrases >= v.rewrite_containment))
            if lazy
            else np.ones(len(left), bool)
        )
        # Dates are left out: a re-send changes its dateline's day, a new report its figures.
        is_figure = (flags & K.FLAG_NUMBER).astype(bool)
        dates = date_figures(tokens, flags, offsets)
        numbers = np.ones(len(left))
        undated = _containment(_figures_masked(tokens, dates), offsets, left[need], right[need], k)
        masked = _containment(
            _figures_masked(tokens, is_figure), offsets, left[need], right[need], k
        )
        numbers[need] = 1.0 - np.clip(masked - undated, 0.0, 1.0)
        figures = np.ones(len(left))
        figures[need] = _figure_agreement(
            tokens, is_figure & ~dates, offsets, left[need], right[need]
        )
        apart = _published_apart(published, left, right, v.resend_hours)
        # Figures changed in place, where it decides: matches published days apart.
        changed = np.zeros(len(left), np.int64)
        moved = need & apart
        changed[moved] = changed_figures(tokens, flags, offsets, left[moved], right[moved], dates)
        exact = _same_sequences(tokens, offsets, left, right)
        gap = np.full(len(left), np.nan)
        if published is not None:
            gap = np.abs(published[left] - published[right]) / 3600.0
        out = PairScores(
            jaccard,
            containment,
            cosine,
            phrases,
            numbers,
            figures,
            apart,
            smaller,
            exact,
            np.maximum(size_l, size_r),
            gap,
            words=words,
            word_pairs=pairs,
            changed=changed,
        )
        out.probability = np.where(exact, 1.0, self.model.probability(feature_matrix(out)))
        return out

    def relations(self, s: PairScores) -> np.ndarray:
        """Relation code of every scored pair (``NONE`` when not a match); see :func:`relation_codes`."""
        return relation_codes(s, self.config, self.model)


def relation_codes(
    s: PairScores, config: DetectorConfig, model: RelationModel | None = None
) -> np.ndarray:
    """Relation code of every scored pair (``NONE`` when not a match).

    ``exact`` is token identity; ``near`` and ``partial`` pairs at or above
    their thresholds are copies whatever the model says; below them the
    relation model decides on ``s.probability`` (see
    :mod:`newsdedup.judge.decide`); the figure guard then keeps templates
    apart. The one rule of the batch scan, ``compare`` and the live index.
    """
    v = config.verify
    model = model or load_model(v.relation_model)
    learned_ok = config.shingle.kind != "char" and config.lsh.rewrite_pass
    d = decide(s, v, model, learned_ok)
    matched = d.near | d.partial | d.rewrite
    figures_only = 1.0 - s.numbers
    bar = np.where(s.apart, v.template_figures_dated, v.template_figures)
    template = matched & ~s.exact & (figures_only > 0) & (figures_only >= bar - 1e-9)
    template |= d.look_alike
    # A report repeated a day or more later with values changed in place: new data.
    template |= matched & s.apart & ~s.exact & (s.changed >= MIN_CHANGED_FIGURES)
    codes = np.zeros(len(s), np.int8)
    codes[d.rewrite] = RELATION_CODES[Relation.REWRITE]
    codes[d.partial] = RELATION_CODES[Relation.PARTIAL]
    codes[d.near] = RELATION_CODES[Relation.NEAR]
    codes[s.exact] = RELATION_CODES[Relation.EXACT]
    codes[template] = RELATION_CODES[Relation.TEMPLATE]
    return codes


def is_flagged(codes: np.ndarray) -> np.ndarray:
    """Which codes relate two articles as copies (exact, near, partial, rewrite; not template)."""
    return np.isin(codes, [RELATION_CODES[r] for r in Relation if r.is_duplicate])


def _same_sequences(
    tokens: np.ndarray, offsets: np.ndarray, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    lengths = np.diff(offsets)
    same = (lengths[left] == lengths[right]) & (lengths[left] > 0)
    for q in np.flatnonzero(same):
        a, b = left[q], right[q]
        same[q] = np.array_equal(
            tokens[offsets[a] : offsets[a + 1]], tokens[offsets[b] : offsets[b + 1]]
        )
    return same


def relation_of(code: int) -> Relation | None:
    """The :class:`Relation` of a code, or None for ``NONE``."""
    return _CODE_TO_RELATION.get(int(code))


def explain_reason(code: int, s: PairScores, i: int, config: DetectorConfig) -> str:
    """One human sentence on why pair ``i`` got relation ``code``."""
    v = config.verify
    rel = relation_of(code)
    if rel is Relation.EXACT:
        return "identical after normalisation"
    if (
        rel is Relation.TEMPLATE
        and s.jaccard[i] < v.near_jaccard
        and (s.containment[i] < v.partial_containment)
    ):
        return (
            f"look-alike (tf-idf cosine {s.cosine[i]:.2f}, {s.phrases[i]:.0%} of 3-word phrases "
            f"shared) that the relation model would call a copy were its figures the same, but "
            f"only {s.figures[i]:.0%} of the figures agree and {1 - s.numbers[i]:.0%} of the "
            f"shorter text differs only in figures: different news in the same words"
        )
    if rel is Relation.TEMPLATE and s.apart[i] and s.changed[i] >= MIN_CHANGED_FIGURES:
        n = int(s.changed[i])
        return (
            f"the same report published a day or more apart with {n} figure{'s' * (n > 1)} "
            f"changed in place (a new value after the same words): new data, different news"
        )
    if rel is Relation.TEMPLATE:
        apart = " in articles published a day or more apart" if s.apart[i] else ""
        return (
            f"same wording but {1 - s.numbers[i]:.0%} of the shorter text differs only in figures and "
            f"dates{apart}: a recurring report with new numbers, different news"
        )
    model = load_model(v.relation_model)
    if rel is Relation.NEAR:
        return f"shingle jaccard {s.jaccard[i]:.2f} >= {v.near_jaccard:.2f}"
    if rel is Relation.PARTIAL and s.containment[i] >= v.partial_containment:
        return f"{s.containment[i]:.0%} of the shorter text is in the other (>= {v.partial_containment:.0%})"
    if rel in (Relation.PARTIAL, Relation.REWRITE):
        return learned_reason(s, i, v, model)
    return "not a copy: " + ", ".join(_unmet(s, i, config))


def _unmet(s: PairScores, i: int, config: DetectorConfig) -> list[str]:
    """The conditions a pair misses, in words, for the 'not a copy' reason."""
    v = config.verify
    unmet = [f"jaccard {s.jaccard[i]:.2f} < {v.near_jaccard:.2f}"]
    if s.n_shingles[i] < MIN_PARTIAL_SHINGLES:
        unmet.append(
            f"too short to be contained ({s.n_shingles[i]} < {MIN_PARTIAL_SHINGLES} shingles)"
        )
    else:
        unmet.append(f"containment {s.containment[i]:.2f} < {v.partial_containment:.2f}")
    if config.shingle.kind == "char" or not config.lsh.rewrite_pass:
        return unmet
    unmet.append(unlearned_reason(s, i, v, load_model(v.relation_model)))
    return unmet
