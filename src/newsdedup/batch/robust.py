"""The batch detector's hooks for the OCR and window passes: corpus arrays in, pairs and verdicts out.

The passes themselves live in :mod:`newsdedup.sketch.windows` and
:mod:`newsdedup.sketch.robust` (the functions an index would call too);
this module only feeds them the corpus's arrays and spool.

Example:
    >>> from newsdedup.config import DetectorConfig
    >>> from newsdedup.models import Article
    >>> from newsdedup.batch.corpus import build_corpus
    >>> corpus = build_corpus([Article("a", "one two three"), Article("b", "four five")], DetectorConfig())
    >>> [len(p) for p in ocr_candidates(corpus, np.arange(2), DetectorConfig())]
    [0, 0]
    >>> corpus.close()
"""

from __future__ import annotations

import numpy as np

from .. import _kernels as K
from ..config import DetectorConfig
from ..judge.verify import PairScores
from ..sketch.candidates import candidate_pairs, lsh_params
from ..sketch.featurize import OCR_NUM_PERM
from ..sketch.robust import OcrUnits, apply_ocr_view
from ..sketch.windows import window_band_keys, window_pairs
from .corpus import Corpus

__all__ = ["ocr_candidates", "ocr_verdicts", "ocr_worth_verifying", "window_candidates"]

_EMPTY = (np.zeros(0, np.int64), np.zeros(0, np.int64))
#: Weights (false positive, false negative) of the OCR pass's banding.
OCR_WEIGHTS = (0.3, 0.7)
#: As the pipeline's prefilter: estimates within this of a threshold are verified.
OCR_MARGIN = 0.2


def window_candidates(
    corpus: Corpus, reps: np.ndarray, banding: tuple[int, int], config: DetectorConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs where an article's whole signature meets a window of a longer one.

    Frees the windows' keys afterwards: no later stage needs them, and at a
    million articles they are 300 MB.
    """
    robust = corpus.robust
    if robust is None or not config.lsh.window_pass or not len(robust.window_owners):
        return _EMPTY
    doc_keys = window_band_keys(corpus.signatures, *banding)
    pairs = window_pairs(
        doc_keys, robust.window_keys, robust.window_owners, reps, config.lsh.max_bucket
    )
    # New empty arrays, not views: a view would keep the whole array alive.
    robust.window_keys = np.zeros((0, robust.window_keys.shape[1]), np.uint32)
    robust.window_owners = np.zeros(0, np.int64)
    return pairs


def ocr_candidates(
    corpus: Corpus, reps: np.ndarray, config: DetectorConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs whose OCR-gram signatures share a band, kept when their estimates can reach a threshold.

    Frees the OCR signatures afterwards (no later stage needs them).
    """
    robust = corpus.robust
    if robust is None or not config.lsh.ocr_pass or not len(robust.ocr_signatures):
        return _EMPTY
    bands, rows = lsh_params(config.lsh.ocr_threshold, OCR_NUM_PERM, OCR_WEIGHTS)
    left, right = candidate_pairs(
        robust.ocr_signatures, bands, rows, config.lsh.max_bucket, ids=reps
    )
    keep = ocr_worth_verifying(robust.ocr_signatures, robust.ocr_sizes, left, right, config)
    robust.ocr_signatures = np.zeros((0, OCR_NUM_PERM), np.uint32)  # needed by no later stage
    return left[keep], right[keep]


def ocr_worth_verifying(
    signatures: np.ndarray,
    sizes: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    config: DetectorConfig,
) -> np.ndarray:
    """Which OCR-pass candidates can reach a threshold, from their OCR-gram signatures and sizes.

    Apart from :func:`ocr_candidates` so that the Spark engine, which finds
    the pairs bucket by bucket, keeps the same ones.

    Example:
        >>> sigs = np.array([[1, 2], [1, 2], [3, 4]], np.uint32)
        >>> ocr_worth_verifying(sigs, np.array([9, 9, 9]), np.array([0, 0]), np.array([1, 2]),
        ...                     DetectorConfig()).tolist()
        [True, False]
    """
    est = K.estimated_jaccard(signatures, left, right)
    la, lb = sizes[left], sizes[right]
    est_containment = est * (la + lb) / ((1.0 + est) * np.maximum(np.minimum(la, lb), 1))
    v = config.verify
    return (est >= v.near_jaccard - OCR_MARGIN) | (
        est_containment >= v.partial_containment - OCR_MARGIN
    )


def ocr_verdicts(
    corpus: Corpus,
    docs: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    codes: np.ndarray,
    scores: PairScores,
    config: DetectorConfig,
) -> np.ndarray:
    """Codes of one verify chunk once the OCR view is heard (see :func:`ocr_relations`).

    Reads the grams and figures of the pairs the word measures did not settle
    and applies :func:`~newsdedup.sketch.robust.apply_ocr_view` to them.

    Args:
        docs: The chunk's documents (corpus rows); ``left``/``right`` index into them.
    """
    robust = corpus.robust
    if robust is None or not len(robust.ocr_sizes):
        return codes
    ask = np.flatnonzero((codes == 0) | (codes == 4) | (codes == 5))
    if not len(ask):
        return codes
    involved, local = np.unique(np.concatenate([left[ask], right[ask]]), return_inverse=True)
    grams, _, gram_offsets = robust.grams.take(docs[involved])
    figures, figure_offsets = K.gather_rows(robust.figures, robust.figure_offsets, docs[involved])
    units = OcrUnits(grams, gram_offsets, figures, figure_offsets)
    # Rows into ``units`` (only the asked pairs are looked at; the others point at row 0).
    at_l, at_r = np.zeros(len(codes), np.int64), np.zeros(len(codes), np.int64)
    at_l[ask], at_r[ask] = local[: len(ask)], local[len(ask) :]
    return apply_ocr_view(codes, scores, units, at_l, at_r, config)
