"""The OCR-robust view of a pair: folded grams and figures compared, and what they decide.

The OCR units of each article (:mod:`newsdedup.sketch.ocrunits`: sampled
7-character grams of the OCR-folded text, folded figures) are compared
here. The batch detector signs the grams (a third candidate pass) and keeps
grams and figures beside the tokens for verification; :func:`ocr_relations`
then turns pairs the word measures missed into ``near``/``partial`` and
clears ``template`` verdicts that only OCR-damaged figures caused.

Example:
    >>> from newsdedup.config import DetectorConfig
    >>> clean = "The port of Rotterdam handled 1,250 tonnes of grain on Monday, officials said."
    >>> scan = "The p0rt of Rotterdarn handled l250 t0nnes ofgrain on Monday officials said."
    >>> units = ocr_units([clean, scan], RobustConfig(sample_bits=0))
    >>> inter, a, b = overlap(units.grams, units.gram_offsets, np.array([0]), np.array([1]))
    >>> int(inter[0]) == int(a[0]) == int(b[0])
    True
    >>> units.figures[units.figure_offsets[0]:units.figure_offsets[1]].tolist() == [figure_hash("1250", 0)]
    True
"""

from __future__ import annotations

import numpy as np

from .. import _kernels as K
from ..config import DetectorConfig
from .ocrunits import OcrUnits, RobustConfig, figure_hash, ocr_units

__all__ = [
    "OcrUnits",
    "RobustConfig",
    "apply_ocr_view",
    "figure_containment",
    "figure_hash",
    "figure_misses",
    "ocr_relations",
    "ocr_units",
    "overlap",
]


def overlap(
    values: np.ndarray, offsets: np.ndarray, left: np.ndarray, right: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """|A ∩ B|, |A|, |B| of sorted unique CSR sets, for each pair (left[i], right[i])."""
    if len(left) == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    inter = K.intersect_sizes(values, offsets, left, right)
    sizes = np.diff(offsets)
    return inter, sizes[left], sizes[right]


def figure_misses(
    values: np.ndarray, offsets: np.ndarray, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """Folded figures of the smaller multiset not found in the other, per pair."""
    inter, a, b = overlap(values, offsets, left, right)
    return np.minimum(a, b) - inter


def figure_containment(
    values: np.ndarray, offsets: np.ndarray, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """Share of the smaller multiset of folded figures found in the other (1.0 when it is empty).

    Example:
        >>> f = np.array(sorted([figure_hash("1250"), figure_hash("7")]), np.uint32)
        >>> figure_containment(np.concatenate([f, f[:1]]), np.array([0, 2, 3]),
        ...                    np.array([0]), np.array([1])).tolist()
        [1.0]
    """
    inter, a, b = overlap(values, offsets, left, right)
    smaller = np.minimum(a, b)
    return np.where(smaller > 0, inter / np.maximum(smaller, 1), 1.0)


#: Relation codes (as in :mod:`newsdedup.judge.verify`, repeated to avoid an import cycle).
_NONE, _NEAR, _PARTIAL, _REWRITE, _TEMPLATE = 0, 2, 3, 4, 5
#: Folded figures a pair must share to be judged on its OCR view: all of the
#: smaller multiset to clear a template verdict, this share to promote a pair.
FIGURES_TO_PROMOTE = 2 / 3
#: A template verdict may be cleared with one folded figure of the smaller text
#: unmatched per this many it has (a lost space runs two figures together):
#: none for a short report. A daily Fed report that changes one figure of
#: three ("1.5 billion dlrs" → "2.5") stays a template.
FIGURES_PER_MISS = 8
#: Fewest sampled grams in the smaller article for its OCR view to count.
MIN_GRAMS = 16
#: Folded grams overlap more than word shingles for the same shared text (a
#: sentence boundary spoils k - 1 grams of 7 characters, not 4 shingles of 5
#: words), and stories that share a few sentences reach the word bar sooner
#: in grams: the OCR view's containment bar is this much higher. Scanned copies
#: are far above it (0.9 and more).
STRICTER = 0.1
#: How much more contained the folded grams must be than the word shingles to
#: show OCR damage (then the word bar applies): a 1% scan already loses a
#: fifth of its 5-word shingles and none of its folded grams.
DAMAGE = 0.2


def ocr_relations(
    codes: np.ndarray,
    inter: np.ndarray,
    size_l: np.ndarray,
    size_r: np.ndarray,
    figures: np.ndarray,
    config: DetectorConfig,
    figure_misses: np.ndarray | None = None,
    word_containment: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Relations once the OCR view is heard: returns (codes, folded Jaccard, folded containment).

    A pair the word measures call nothing is ``near`` or ``partial`` when
    its folded grams reach the same thresholds (:data:`STRICTER` for
    containment, unless the folded grams show the damage: :data:`DAMAGE`
    more contained than the words with figures ignored, ``word_containment``) (a ``rewrite`` only becomes
    ``near``: misread words look reworded, reworded ones stay so folded) and its folded figures agree
    (at least :data:`FIGURES_TO_PROMOTE` of the smaller multiset). A
    ``template`` verdict is cleared the same way, but only when every folded
    figure of the smaller text is in the other, but one per
    :data:`FIGURES_PER_MISS` (``figure_misses``; all of them when it is not
    given), and the folded grams show the damage (when ``word_containment``
    is given): then the figures that looked different were misread, not
    changed. (A recurring report whose figures changed matches about as well
    folded as in words.)

    Example:
        >>> from newsdedup.config import DetectorConfig
        >>> one = np.ones(3, np.int64)
        >>> ocr_relations(np.array([0, 5, 5]), 95 * one, 100 * one, 100 * one,
        ...               np.array([1.0, 1.0, 0.8]), DetectorConfig())[0].tolist()
        [2, 2, 5]
    """
    v = config.verify
    smaller = np.minimum(size_l, size_r)
    union = size_l + size_r - inter
    jaccard = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
    containment = np.where(smaller > 0, inter / np.maximum(smaller, 1), 0.0)
    near = jaccard >= v.near_jaccard
    damaged = (
        containment - word_containment >= DAMAGE
        if word_containment is not None
        else np.zeros(len(codes), bool)
    )
    bar = np.where(damaged, v.partial_containment, v.partial_containment + STRICTER)
    partial = ~near & (containment >= bar) & (smaller >= MIN_GRAMS)
    none = (codes == _NONE) & (figures >= FIGURES_TO_PROMOTE - 1e-9)
    # A rewrite verdict is kept unless the folded text is a near copy: reworded
    # sentences stay reworded once folded, misread ones become the same.
    reworded = (codes == _REWRITE) & (figures >= FIGURES_TO_PROMOTE - 1e-9)
    if figure_misses is not None:
        smaller_set = np.where(figures < 1.0, figure_misses / np.maximum(1.0 - figures, 1e-9), 0)
        allowed = np.floor(np.rint(smaller_set) / FIGURES_PER_MISS)
        misread = (codes == _TEMPLATE) & (figure_misses <= allowed)
    else:
        misread = (codes == _TEMPLATE) & (figures >= 1.0 - 1e-9)
    if word_containment is not None:
        # A template's figures changed; a scan's words are damaged too. Only the
        # second shows folded grams far more contained than its words, figures aside.
        misread &= damaged
    out = codes.copy()
    eligible = none | misread
    out[(eligible | reworded) & near] = _NEAR
    out[eligible & partial] = _PARTIAL
    return out, jaccard, containment


def apply_ocr_view(
    codes: np.ndarray,
    scores,
    units: OcrUnits,
    left: np.ndarray,
    right: np.ndarray,
    config: DetectorConfig,
) -> np.ndarray:
    """Codes of scored pairs once the OCR view is heard: the one rule the batch and ``compare`` use.

    Only pairs the word measures call nothing, a rewrite or a template are
    looked at (:func:`ocr_relations`); for those that change, the Jaccard and
    containment reported (``scores``, a :class:`~newsdedup.judge.verify.PairScores`)
    become the folded grams' own.

    Args:
        units: OCR units of the documents ``left``/``right`` index into.
    """
    ask = np.flatnonzero((codes == _NONE) | (codes == _REWRITE) | (codes == _TEMPLATE))
    if not len(ask):
        return codes
    a, b = left[ask], right[ask]
    inter, size_a, size_b = overlap(units.grams, units.gram_offsets, a, b)
    agree = figure_containment(units.figures, units.figure_offsets, a, b)
    misses = figure_misses(units.figures, units.figure_offsets, a, b)
    # What the words match once figures are ignored: a template's words match
    # (only its figures changed), a scan's do not (its words are misread too).
    words = np.clip(scores.containment[ask] + 1.0 - scores.numbers[ask], 0.0, 1.0)
    new, jaccard, containment = ocr_relations(
        codes[ask], inter, size_a, size_b, agree, config, misses, words
    )
    changed = new != codes[ask]
    out = codes.copy()
    out[ask] = new
    rows = ask[changed]
    scores.jaccard[rows] = jaccard[changed]
    scores.containment[rows] = containment[changed]
    return out
