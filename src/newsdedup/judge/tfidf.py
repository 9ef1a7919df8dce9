"""TF-IDF over hashed token features, with document frequencies streamed.

Why hashed and streamed: fitting ``TfidfVectorizer`` on a million texts takes
five minutes and 12 GB here. Document frequencies only need one counter per
feature, updated batch by batch while signing; vectors are then built only
for the articles that verification looks at. Weighting and normalisation are
scikit-learn's ``TfidfTransformer`` (smooth IDF, sublinear TF, L2), fitted
with the corpus' document frequencies.

Example:
    >>> import numpy as np
    >>> docs = np.array([1, 2, 2, 2, 3], np.uint32), np.array([0, 3, 5])  # {1, 2, 2} and {2, 3}
    >>> stats = CorpusStats(n_features=16)
    >>> stats.add(*docs)
    >>> rows = stats.model().vectors(*docs)
    >>> float(round(cosine_pairs(rows, np.array([0]), np.array([1]))[0], 3))
    0.446

    By hand: idf = ln(3/2)+1 = 1.405 for features 1 and 3, ln(3/3)+1 = 1 for
    feature 2; sublinear tf of the repeated 2 is 1+ln 2 = 1.693; after L2
    normalisation the shared feature weighs 0.7696 and 0.5799: 0.446.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from .. import _kernels as K

if TYPE_CHECKING:  # both imported on first use: a run without candidate pairs needs neither
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfTransformer

__all__ = ["CorpusStats", "TermVectors", "TfidfModel", "cosine_pairs", "terms"]

#: 2**20 hashed features, as scikit-learn's HashingVectorizer: the counters stay
#: in the CPU cache while a million articles are counted.
DEFAULT_FEATURES = 1 << 20

#: Position multipliers of the character trigrams TF-IDF counts in character mode.
_TRIGRAM_MULT = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], np.uint64)


def terms(
    tokens: np.ndarray, offsets: np.ndarray, char_mode: bool
) -> tuple[np.ndarray, np.ndarray]:
    """What TF-IDF counts in documents given as token hashes (CSR): words, or character trigrams.

    Why trigrams in character mode: there the tokens are single characters,
    whose frequencies say nothing about a text. Document frequencies and
    vectors must be made of the same terms, so a batch scan, ``compare`` and
    the live index all count what this returns.

    Example:
        >>> tokens, offsets = np.array([1, 2, 3, 4], np.uint32), np.array([0, 4])
        >>> terms(tokens, offsets, char_mode=False)[0].tolist()
        [1, 2, 3, 4]
        >>> terms(tokens, offsets, char_mode=True)[1].tolist()  # two trigrams
        [0, 2]
    """
    if char_mode:
        return K.shingle_batch(tokens, offsets, 3, _TRIGRAM_MULT)
    return tokens, offsets


class TermVectors(Protocol):
    """What verification needs of TF-IDF: rows for documents given as terms (a
    :class:`TfidfModel`, or the live index's ``IndexTfidf``)."""

    def vectors(self, tokens: np.ndarray, offsets: np.ndarray, /) -> sp.csr_matrix: ...


class CorpusStats:
    """Document frequencies of hashed token features, counted batch by batch.

    Args:
        n_features: Number of hashed features (a power of two).
    """

    def __init__(self, n_features: int = DEFAULT_FEATURES) -> None:
        if n_features & (n_features - 1):
            raise ValueError("n_features must be a power of two")
        self.n_features = n_features
        self.df = np.zeros(n_features, np.int32)
        self.n_docs = 0
        self._last_seen = np.full(n_features, -1, np.int32)

    def add(self, tokens: np.ndarray, offsets: np.ndarray) -> None:
        """Count the distinct features of each document of a batch (CSR)."""
        K.count_document_frequency(
            tokens, offsets, self.n_features, self.df, self._last_seen, self.n_docs
        )
        self.n_docs += len(offsets) - 1

    def model(self) -> TfidfModel:
        """A TF-IDF model whose IDF is fitted on the documents counted so far."""
        return TfidfModel(self.df, self.n_docs)


class TfidfModel:
    """Builds L2-normalised TF-IDF rows for chosen documents.

    Args:
        df: Document frequency of each hashed feature.
        n_docs: Number of documents the frequencies were counted on.
    """

    def __init__(self, df: np.ndarray, n_docs: int) -> None:
        self.n_features = len(df)
        self._idf = (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)
        self._transformer: TfidfTransformer | None = None

    @property
    def idf(self) -> np.ndarray:
        return self._idf

    def _fitted(self) -> TfidfTransformer:
        """scikit-learn's transformer, built on first use.

        Why lazily: importing scikit-learn takes about a second, and a run
        without a single candidate pair (or ``--help``) never needs it.
        """
        if self._transformer is None:
            from sklearn.feature_extraction.text import TfidfTransformer

            transformer: Any = TfidfTransformer(
                norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=True
            )
            # Fitting on a matrix whose document frequencies equal `df` would need
            # every document again; set the fitted state scikit-learn computes instead.
            transformer.idf_ = self._idf
            transformer.n_features_in_ = self.n_features
            self._transformer = transformer
        return self._transformer

    def counts(self, tokens: np.ndarray, offsets: np.ndarray) -> sp.csr_matrix:
        """Raw term counts of documents given as token hashes (CSR in, CSR out, columns sorted)."""
        import scipy.sparse as sp  # imported with the first vectors: a run without pairs has none

        indptr, indices, counts = K.term_counts(tokens, offsets, self.n_features)
        return sp.csr_matrix((counts, indices, indptr), shape=(len(offsets) - 1, self.n_features))

    def vectors(self, tokens: np.ndarray, offsets: np.ndarray) -> sp.csr_matrix:
        """TF-IDF rows (L2-normalised, float32) of documents given as token hashes."""
        import scipy.sparse as sp

        return sp.csr_matrix(self._fitted().transform(self.counts(tokens, offsets), copy=False))


def cosine_pairs(rows: sp.csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Cosine of row pairs of an L2-normalised matrix (columns sorted), with no Python loop per pair."""
    if not rows.has_sorted_indices:
        rows.sort_indices()
    dots = K.row_dots(
        rows.indptr.astype(np.int64),
        rows.indices,
        rows.data,
        np.asarray(left, np.int64),
        np.asarray(right, np.int64),
    )
    return np.clip(dots, 0.0, 1.0)
