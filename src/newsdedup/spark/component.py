"""One connected component of candidates → its clusters and matches, with scan's own code.

Why a component is enough: every candidate pair of ``scan`` links two
documents of one component (an LSH bucket never spans two), and the
clustering only ever asks about pairs inside one component. So the Spark
engine hands each component's documents to this module, which builds a
small :class:`~newsdedup.batch.corpus.Corpus` (with the OCR grams,
figures and window keys of :class:`RobustDocs`) and runs the batch
detector's own stages on it — candidate search (k-gram, word-set, window
and OCR passes), pre-filter, verification with the OCR view, clustering and
result assembly — with the IDF of the whole corpus. No rule
is restated here; the answers are scan's by construction.

Rank (which document is the original) is computed on the component alone:
the priority order is a total order on (date, length, id), so its restriction
to a component orders the component's documents as the global one does.

Example:
    >>> import numpy as np
    >>> from newsdedup.config import DetectorConfig
    >>> from newsdedup.judge.tfidf import CorpusStats
    >>> from newsdedup.sketch.featurize import Featurizer
    >>> text = "Defence ministers of the alliance meet in Brussels on Tuesday to discuss support."
    >>> config = DetectorConfig()
    >>> feats = Featurizer(config).run([(text, None), (text + " More.", None)], robust=True)
    >>> stats = CorpusStats(); stats.add(feats.tokens, feats.offsets)
    >>> docs = ComponentDocs.from_features(["a", "b"], np.array([np.nan, np.nan]), feats)
    >>> result = detect_component(docs, config, stats.model())
    >>> [(m.a, m.b, m.relation.value) for m in result.matches]
    [('b', 'a', 'near')]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

from ..batch.assemble import assemble_result
from ..batch.corpus import Corpus, RobustParts
from ..batch.pipeline import Detector
from ..batch.spool import TokenSpool
from ..config import DetectorConfig
from ..judge.tfidf import CorpusStats, TfidfModel
from ..judge.verify import Verifier
from ..models import Result
from ..sketch.featurize import BatchFeatures

__all__ = ["ComponentDocs", "MemorySpool", "RobustDocs", "detect_component"]


class MemorySpool:
    """The token spool's read side over arrays already in memory (one component's tokens)."""

    def __init__(self, tokens: np.ndarray, flags: np.ndarray, offsets: np.ndarray) -> None:
        self.tokens, self.flags, self.offsets = tokens, flags, offsets

    def take(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Tokens, flags and offsets of the given documents, in that order (CSR)."""
        from .. import _kernels as K

        docs = np.asarray(docs, np.int64)
        tokens, offsets = K.gather_rows(self.tokens, self.offsets, docs)
        flags, _ = K.gather_rows(self.flags, self.offsets, docs)
        return tokens, flags, offsets

    def close(self) -> None:
        """Nothing to release: the arrays belong to the caller."""


@dataclass
class RobustDocs:
    """The OCR and window passes' features of a component's documents (rows as in :class:`ComponentDocs`).

    Empty arrays for a pass that is off, as ``scan`` keeps them. Windows are
    listed in the order ``scan`` lists them (by batch of articles, then by
    scale and span, then article), so that a bucket shared by more than
    ``max_bucket`` of them links the same members.
    """

    ocr_signatures: np.ndarray  # uint32 (n × OCR_NUM_PERM), or (0 × OCR_NUM_PERM)
    grams: np.ndarray  # uint32 sampled OCR grams, CSR with gram_offsets
    gram_offsets: np.ndarray
    figures: np.ndarray  # uint32 folded figures, CSR with figure_offsets
    figure_offsets: np.ndarray
    window_keys: np.ndarray  # uint32 (windows × bands)
    window_owners: np.ndarray  # int64 row of each window's document

    @classmethod
    def from_features(cls, feats: BatchFeatures) -> RobustDocs | None:
        """The robust part of one featurised batch (``Featurizer.run(..., robust=True)``)."""
        if feats.ocr is None or feats.ocr_signatures is None or feats.window_keys is None:
            return None
        ocr = feats.ocr
        owners = feats.window_owners if feats.window_owners is not None else np.zeros(0, np.int64)
        return cls(
            feats.ocr_signatures,
            ocr.grams,
            ocr.gram_offsets,
            ocr.figures,
            ocr.figure_offsets,
            feats.window_keys,
            owners,
        )

    def parts(self) -> RobustParts:
        """The corpus's :class:`~newsdedup.batch.corpus.RobustParts`, grams in a memory spool."""
        ocr = len(self.ocr_signatures) > 0
        grams = MemorySpool(self.grams, np.zeros(len(self.grams), np.uint8), self.gram_offsets)
        return RobustParts(
            window_keys=self.window_keys,
            window_owners=self.window_owners,
            ocr_signatures=self.ocr_signatures,
            ocr_sizes=np.diff(self.gram_offsets) if ocr else np.zeros(0, np.int64),
            grams=cast(TokenSpool, grams),
            figures=self.figures,
            figure_offsets=self.figure_offsets,
        )


@dataclass
class ComponentDocs:
    """The documents of one component, in global input order (row i = i-th of them).

    Exact twins of a representative carry its exact key and length; their
    signatures and tokens are never read (only representatives are compared),
    so they may be zeros and empty.
    """

    ids: list[str]
    published: np.ndarray  # POSIX seconds, NaN unknown
    lengths: np.ndarray  # tokens per document
    exact_keys: np.ndarray  # uint64
    signatures: np.ndarray  # uint32 (n × num_perm)
    word_signatures: np.ndarray  # uint32 (n × REWRITE_NUM_PERM)
    tokens: np.ndarray
    flags: np.ndarray
    offsets: np.ndarray
    robust: RobustDocs | None = None  # the OCR and window passes' features, when they run

    @classmethod
    def from_features(
        cls, ids: list[str], published: np.ndarray, feats: BatchFeatures
    ) -> ComponentDocs:
        """Docs straight from one featurised batch (tests and examples)."""
        return cls(
            ids,
            np.asarray(published, np.float64),
            feats.lengths,
            feats.exact_keys,
            feats.signatures,
            feats.word_signatures,
            feats.tokens,
            feats.flags,
            feats.offsets,
            RobustDocs.from_features(feats),
        )

    def corpus(self) -> Corpus:
        spool = cast(TokenSpool, MemorySpool(self.tokens, self.flags, self.offsets))
        return Corpus(
            ids=self.ids,
            published=self.published,
            signatures=self.signatures,
            word_signatures=self.word_signatures,
            exact_keys=self.exact_keys,
            lengths=self.lengths,
            spool=spool,
            stats=CorpusStats(n_features=1),
            robust=None if self.robust is None else self.robust.parts(),
        )


def detect_component(docs: ComponentDocs, config: DetectorConfig, tfidf: TfidfModel) -> Result:
    """Clusters and matches of one component, exactly as ``Detector.run`` finds them.

    Args:
        docs: The component's documents (representatives and their exact twins).
        config: The detector configuration of the whole run.
        tfidf: The model fitted on the document frequencies of the whole corpus.
    """
    corpus = docs.corpus()
    detector = Detector(config)
    candidates = detector._candidates(corpus)
    verifier = Verifier(config, tfidf)
    verified = detector._verify(corpus, verifier, candidates.left, candidates.right)
    groups = detector._cluster(corpus, verifier, verified, candidates)
    return assemble_result(corpus, groups, verified, candidates.twins, config, {})
