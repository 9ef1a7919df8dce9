"""The part of adding a batch that needs no index: featurise, count frequencies, encode records.

Why apart: it is half the work of ``index add`` and depends on nothing
stored, so with ``workers > 1`` it runs in worker processes on the next
batches while the main process checks and stores the current one. Batches
are handed back in order, each as soon as it is ready: a slow feed waits for
nothing but its own batch.

Example:
    >>> from newsdedup.config import DetectorConfig
    >>> from newsdedup.models import Article
    >>> with Preparer(DetectorConfig(), workers=1) as preparer:
    ...     [(len(batch), len(p.records)) for batch, p in preparer.map(iter([[Article("a", "Hello world")]]))]
    [(1, 1)]
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..config import DetectorConfig
from ..judge.tfidf import DEFAULT_FEATURES, terms
from ..models import Article
from ..sketch.featurize import BatchFeatures, Featurizer
from ..text.learn import Learned
from ..workers import FeaturePool
from .codec import encode_article
from .idf import document_features

__all__ = ["Prepared", "Preparer", "prepare"]


@dataclass
class Prepared:
    """A featurised batch, with what storing it needs (for all rows; seen ones are left out later)."""

    feats: BatchFeatures
    records: list[bytes]
    df_features: np.ndarray
    df_counts: np.ndarray


def prepare(
    featurizer: Featurizer, articles: Sequence[Article], n_features: int = DEFAULT_FEATURES
) -> Prepared:
    """Featurise a batch, count its document frequencies, encode its records."""
    feats = featurizer.run([(a.full_text, a.source) for a in articles])
    features, counts = document_features(
        *terms(feats.tokens, feats.offsets, featurizer.config.shingle.char_mode), n_features
    )
    return Prepared(feats, [encode_article(a) for a in articles], features, counts)


class Preparer(FeaturePool[list[Article], Prepared]):
    """Prepares batches in this process (``workers=1``) or in worker processes, in order.

    The pool is :class:`newsdedup.workers.FeaturePool`, the batch scan's:
    bounded, ordered, each worker with its featurizer.
    """

    def __init__(
        self,
        config: DetectorConfig,
        workers: int = 1,
        n_features: int = DEFAULT_FEATURES,
        learned: Learned | None = None,
    ) -> None:
        super().__init__(
            functools.partial(prepare, n_features=n_features), config, learned, workers
        )
