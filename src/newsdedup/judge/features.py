"""The pair features the relation model reads, in one fixed order.

Why a module of its own: the verifier computes the scores, the model file
names the features it was trained on, and training, scoring and the
benchmarks must build the very same matrix from them. Every feature is a
property of the two texts (overlap, wording, figures, sizes), never of where
they came from: ids, file names and outlets are left out so a model cannot
learn a corpus' numbering instead of its copies.

The publication gap is not a feature: the live index verifies against
stored articles without their dates, and the batch scan and the index must
decide alike. Dates act through the figure guard (templates come on other
days, re-sends within hours).

Example:
    >>> from newsdedup.judge.compare import compare
    >>> text = ("grain ships waiting at new orleans elevators were 31 on tuesday, trade sources "
    ...         "said, and the backlog is expected to ease next week as weather improves")
    >>> rows = pair_features([text, text.replace("tuesday", "monday")], [(0, 1)])
    >>> rows.shape == (1, len(FEATURE_NAMES)), round(float(rows[0, 0]), 2)
    (True, 0.63)

    By hand: 26 tokens make 22 shingles of 5 words; the 5 that cover
    "tuesday" differ, so 17 are shared of a union of 27: jaccard 17/27 = 0.63.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..config import DetectorConfig
    from ..models import Article
    from .verify import PairScores

__all__ = ["FEATURE_NAMES", "feature_matrix", "pair_features", "pair_scores"]

#: The features, in the order of the model's coefficients.
FEATURE_NAMES = (
    "jaccard",  # shingle resemblance
    "containment",  # share of the smaller shingle set in the other
    "containment_larger",  # share of the larger shingle set in the other
    "cosine",  # tf-idf cosine
    "phrases",  # share of the smaller text's 3-word phrases in the other
    "word_pairs",  # share of the smaller text's 2-word phrases in the other
    "words",  # share of the smaller text's distinct words in the other
    "figures",  # share of the smaller set of distinct figures in the other
    "figures_only",  # share of the shorter text that matches only once figures are ignored
    "log_shingles_small",  # ln(1 + shingles of the smaller text)
    "log_shingles_large",  # ln(1 + shingles of the larger text)
    "length_ratio",  # smaller / larger shingle set
    "overlap_copy",  # 1 when jaccard or containment alone make it a copy at the default bars
)

#: The default near and partial bars (``VerifyConfig``), fixed here so a
#: model means the same whatever thresholds a user sets.
COPY_JACCARD, COPY_CONTAINMENT = 0.8, 0.7


def feature_matrix(s: PairScores) -> np.ndarray:
    """One row of :data:`FEATURE_NAMES` per scored pair."""
    small = s.n_shingles.astype(np.float64)
    large = np.maximum(s.n_larger.astype(np.float64), small)
    columns = [
        s.jaccard,
        s.containment,
        np.where(large > 0, s.containment * small / np.maximum(large, 1.0), 0.0),
        s.cosine,
        s.phrases,
        s.word_pairs,
        s.words,
        s.figures,
        1.0 - s.numbers,
        np.log1p(small),
        np.log1p(large),
        np.where(large > 0, small / np.maximum(large, 1.0), 0.0),
        ((s.jaccard >= COPY_JACCARD) | ((s.containment >= COPY_CONTAINMENT) & (small >= 8))).astype(
            np.float64
        ),
    ]
    return np.column_stack([np.asarray(c, np.float64) for c in columns])


def pair_scores(
    articles: Sequence[Article | str],
    pairs: Sequence[tuple[int, int]],
    config: DetectorConfig | None = None,
    lazy: bool = True,
) -> PairScores:
    """Verifier scores of chosen pairs of a set of articles, IDF from those articles.

    The texts are normalised, tokenized and scored exactly as a scan does
    (``lazy`` as in a scan), so a model trained on these scores meets the
    same numbers at run time.
    """
    from ..config import DetectorConfig
    from ..models import Article
    from ..sketch.featurize import Featurizer
    from ..text.tokenize import tokenize
    from .model import RelationModel
    from .tfidf import CorpusStats
    from .verify import Verifier

    config = config or DetectorConfig()
    arts = [a if isinstance(a, Article) else Article(str(i), a) for i, a in enumerate(articles)]
    featurizer = Featurizer(config)
    norm = config.normalize
    batch = tokenize(
        [featurizer.normalize(a.full_text, a.source) for a in arts],
        char_mode=config.shingle.kind == "char",
        fold_accents=norm.fold_accents,
        elision=norm.elision,
    )
    stats = CorpusStats()
    stats.add(batch.hashes, batch.offsets)
    published = np.array([a.published.timestamp() if a.published else np.nan for a in arts])
    index = np.asarray(pairs, np.int64).reshape(-1, 2)
    verifier = Verifier(config, stats.model(), RelationModel.flat())
    return verifier.score(
        batch.hashes, batch.flags, batch.offsets, index[:, 0], index[:, 1], published, lazy=lazy
    )


def pair_features(
    articles: Sequence[Article | str],
    pairs: Sequence[tuple[int, int]],
    config: DetectorConfig | None = None,
) -> np.ndarray:
    """:func:`feature_matrix` of :func:`pair_scores`."""
    return feature_matrix(pair_scores(articles, pairs, config))
