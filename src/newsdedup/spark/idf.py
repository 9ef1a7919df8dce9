"""Document frequencies of the whole corpus: one hashed counter per partition, summed.

Why summed, not sampled: TF-IDF cosine decides rewrites, and ``scan`` fits
its IDF on every article; counting per partition with the same
:class:`~newsdedup.judge.tfidf.CorpusStats` and adding the counters
(``treeReduce``, so the driver never receives one counter per partition)
gives the very same frequencies, hence the same cosines.

Example:
    >>> import numpy as np
    >>> rows = [(np.array([1, 2, 2], np.uint32).tobytes(),), (np.array([2, 3], np.uint32).tobytes(),)]
    >>> df, n = count_partition(iter(rows), n_features=16)[0]
    >>> int(n), df[[1, 2, 3]].tolist()
    (2, [1, 2, 1])
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

import numpy as np

from ..judge.tfidf import DEFAULT_FEATURES, CorpusStats, TfidfModel
from .featurize import rows_of

__all__ = ["corpus_model", "count_partition"]

_CHUNK = 2048


def count_partition(rows: Iterator[Any], n_features: int = DEFAULT_FEATURES) -> list:
    """[(document frequencies, documents)] of one partition's token rows."""
    stats = CorpusStats(n_features)
    while True:
        chunk = list(islice(rows, _CHUNK))
        if not chunk:
            break
        tokens, offsets = rows_of([row[0] for row in chunk], np.uint32)
        stats.add(tokens, offsets)
    return [(stats.df, stats.n_docs)]


def _add(a: tuple, b: tuple) -> tuple:
    return a[0] + b[0], a[1] + b[1]


def corpus_model(features: Any) -> TfidfModel:
    """The TF-IDF model of every featurised document (as ``scan`` fits it)."""
    df, n_docs = features.select("tokens").rdd.mapPartitions(count_partition).treeReduce(_add)
    return TfidfModel(df, int(n_docs))
