"""Peer 5: exact all-pairs similarity, the quality ceiling of each family of methods.

* ``exact-jaccard``: the Jaccard similarity of every pair of shingle sets,
  computed as a sparse product (documents × shingles) in row blocks; pairs
  at or above the threshold. What MinHash + LSH approximates.
* ``exact-tfidf``: the cosine of every pair of TF-IDF vectors (scikit-learn,
  on the shared word tokens, IDF fitted on the corpus); pairs at or above the
  cosine threshold. A ceiling for bag-of-words rewrite detection.

Both are quadratic and refuse corpora larger than :data:`MAX_DOCS`.

Example:
    >>> from benchmarks.peers.base import Doc, PeerParams
    >>> docs = [Doc(0, "a", ["x y", "y z", "z w"]), Doc(1, "b", ["x y", "y z"]), Doc(2, "c", ["q r"])]
    >>> run_jaccard([docs], PeerParams(threshold=0.6)).pairs.tolist()
    [[0, 1]]
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from scipy import sparse

from .base import Doc, PeerParams, PeerResult, PeerSkipped, Stopwatch

NAMES = ("exact-jaccard", "exact-tfidf")
MAX_DOCS = 25_000
BLOCK = 1_000
NEEDS_WORDS = {"exact-tfidf"}


def _collect(batches: Iterable[list[Doc]]) -> list[Doc]:
    docs = [doc for batch in batches for doc in batch]
    if len(docs) > MAX_DOCS:
        raise PeerSkipped(
            f"all-pairs comparison is quadratic; run it on {MAX_DOCS:,} articles or fewer"
        )
    return docs


def _pairs_above(matrix: sparse.csr_matrix, keep, clock: Stopwatch) -> np.ndarray:
    """Pairs (i < j) whose row-block product entry passes ``keep(block, rows, cols, values)``."""
    found = []
    transposed = matrix.T.tocsc()
    for start in range(0, matrix.shape[0], BLOCK):
        with clock("compare"):
            product = (matrix[start : start + BLOCK] @ transposed).tocoo()
            rows, cols = product.row + start, product.col
            upper = cols > rows
            rows, cols, values = rows[upper], cols[upper], product.data[upper]
            chosen = keep(rows, cols, values)
            found.append(np.stack([rows[chosen], cols[chosen]], axis=1))
    return np.concatenate(found).astype(np.int64) if found else np.zeros((0, 2), np.int64)


def run_jaccard(batches: Iterable[list[Doc]], params: PeerParams) -> PeerResult:
    """Exact Jaccard of every pair of shingle sets."""
    clock = Stopwatch()
    docs = _collect(batches)
    with clock("vectorize"):
        vocabulary: dict[str, int] = {}
        columns = [vocabulary.setdefault(s, len(vocabulary)) for d in docs for s in d.shingles]
        sizes = np.array([len(d.shingles) for d in docs], dtype=np.int64)
        indptr = np.r_[0, np.cumsum(sizes)]
        matrix = sparse.csr_matrix(
            (np.ones(len(columns), dtype=np.int32), np.array(columns, dtype=np.int64), indptr),
            shape=(len(docs), max(1, len(vocabulary))),
        )

    def keep(rows: np.ndarray, cols: np.ndarray, shared: np.ndarray) -> np.ndarray:
        return shared >= params.threshold * (sizes[rows] + sizes[cols] - shared)

    pairs = _pairs_above(matrix, keep, clock)
    numbers = np.array([d.index for d in docs], dtype=np.int64)
    return PeerResult(numbers[pairs].reshape(-1, 2), clock.seconds, {"threshold": params.threshold})


def run_tfidf(batches: Iterable[list[Doc]], params: PeerParams) -> PeerResult:
    """Exact TF-IDF cosine of every pair (scikit-learn vectors on the shared word tokens)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    clock = Stopwatch()
    docs = _collect(batches)
    with clock("vectorize"):
        matrix = TfidfVectorizer(analyzer=_identity, dtype=np.float32).fit_transform(
            [d.words or [] for d in docs]
        )

    def keep(rows: np.ndarray, cols: np.ndarray, cosine: np.ndarray) -> np.ndarray:
        return cosine >= params.cosine_threshold

    pairs = _pairs_above(matrix.tocsr(), keep, clock)
    numbers = np.array([d.index for d in docs], dtype=np.int64)
    return PeerResult(
        numbers[pairs].reshape(-1, 2), clock.seconds, {"cosine_threshold": params.cosine_threshold}
    )


def _identity(tokens: list[str]) -> list[str]:
    return tokens
