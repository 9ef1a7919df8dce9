"""Articles → a signed corpus: signatures and fingerprints in memory, tokens spooled.

This is the only stage that sees article texts. It reads the articles once,
learns boilerplate on the first ones, featurises batches (in worker
processes with ``workers > 1``, never more than a few batches in flight so
memory stays flat), counts document frequencies, and keeps per article only
what later stages need: ~800 bytes in memory and its tokens on disk.

Example:
    >>> from newsdedup.config import DetectorConfig
    >>> from newsdedup.models import Article
    >>> corpus = build_corpus([Article("a", "NATO ministers meet"), Article("b", "nato ministers meet")],
    ...                       DetectorConfig())
    >>> len(corpus), bool(corpus.exact_keys[0] == corpus.exact_keys[1])
    (2, True)
    >>> corpus.close()
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice

import numpy as np

from ..config import DetectorConfig
from ..errors import InputError
from ..judge.cluster import priority_order
from ..judge.tfidf import CorpusStats, terms
from ..models import Article
from ..sketch.featurize import REWRITE_NUM_PERM, BatchFeatures, Featurizer
from ..text.learn import Learned, learn_from_sample
from ..workers import FeaturePool
from .spool import TokenSpool

__all__ = ["Corpus", "build_corpus"]

Progress = Callable[[str, int], None]


@dataclass
class Corpus:
    """What the later stages know about every article (row i = i-th article read)."""

    ids: list[str]
    published: np.ndarray  # POSIX seconds, NaN when unknown
    signatures: np.ndarray  # uint32 (n × num_perm)
    word_signatures: np.ndarray  # uint32 (n × REWRITE_NUM_PERM)
    exact_keys: np.ndarray  # uint64, 0 for an empty article
    lengths: np.ndarray  # tokens per article
    spool: TokenSpool
    stats: CorpusStats
    learned: Learned = field(default_factory=Learned)
    rank: np.ndarray = field(init=False)  # priority of each article as an original (0 = best)

    def __post_init__(self) -> None:
        self.rank = priority_order(self.published, self.lengths, self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def close(self) -> None:
        self.spool.close()


def _batches(articles: Iterator[Article], size: int, meta: Callable[[Article], None]):
    while True:
        batch = list(islice(articles, size))
        if not batch:
            return
        for article in batch:
            meta(article)
        yield [(a.full_text, a.source) for a in batch]


def _featurized(
    batches: Iterable[list], config: DetectorConfig, learned: Learned
) -> Iterator[BatchFeatures]:
    """Features of each batch, in order (in ``config.sign.workers`` processes)."""
    with FeaturePool(Featurizer.run, config, learned) as pool:
        yield from pool.results(batches)


@dataclass
class _Part:
    """What is kept of one batch in memory (its tokens went to the spool)."""

    signatures: np.ndarray
    word_signatures: np.ndarray
    exact_keys: np.ndarray
    lengths: np.ndarray


class _Collector:
    """Accumulates article metadata and batch features."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.seen: set[str] = set()
        self.published: list[float] = []
        self.parts: list[_Part] = []

    def meta(self, article: Article) -> None:
        if article.id in self.seen:
            raise InputError(f"duplicate id {article.id!r}", path=article.origin)
        self.seen.add(article.id)
        self.ids.append(article.id)
        self.published.append(article.published.timestamp() if article.published else np.nan)


def build_corpus(
    articles: Iterable[Article],
    config: DetectorConfig,
    progress: Progress | None = None,
    spool_dir: str | None = None,
) -> Corpus:
    """Read, featurise and spool every article.

    Raises:
        InputError: Two articles share an id (or the reader raised it).
    """
    stream = iter(articles)
    sample = list(islice(stream, config.normalize.boilerplate_sample))
    learned = learn_from_sample(sample, config)
    collector = _Collector()
    spool = TokenSpool(spool_dir)
    stats = CorpusStats()
    try:
        batches = _batches(chain(sample, stream), config.sign.batch_size, collector.meta)
        del sample
        for feats in _featurized(batches, config, learned):
            spool.append(feats.tokens, feats.flags, feats.offsets)
            stats.add(*terms(feats.tokens, feats.offsets, config.shingle.char_mode))
            collector.parts.append(
                _Part(feats.signatures, feats.word_signatures, feats.exact_keys, feats.lengths)
            )
            if progress:
                progress("sign", len(feats))
    except BaseException:
        spool.close()
        raise
    parts = collector.parts
    collector.seen.clear()
    return Corpus(
        ids=collector.ids,
        published=np.array(collector.published, np.float64),
        signatures=_stack(parts, "signatures", config.sign.num_perm),
        word_signatures=_stack(parts, "word_signatures", REWRITE_NUM_PERM),
        exact_keys=_stack(parts, "exact_keys"),
        lengths=_stack(parts, "lengths"),
        spool=spool,
        stats=stats,
        learned=learned,
    )


def _stack(parts: list[_Part], name: str, width: int | None = None) -> np.ndarray:
    """Concatenate one field of every batch, freeing each batch's copy as it goes.

    ``np.concatenate`` would hold every part and the result at once: twice
    the signature matrix, the largest thing in memory.
    """
    arrays = [getattr(p, name) for p in parts]
    total = sum(len(a) for a in arrays)
    shape = (total, width) if width is not None else (total,)
    dtype = arrays[0].dtype if arrays else (np.uint32 if width is not None else np.int64)
    out = np.empty(shape, dtype)
    row = 0
    for i, part in enumerate(parts):
        out[row : row + len(arrays[i])] = arrays[i]
        row += len(arrays[i])
        arrays[i] = np.zeros(0, dtype)  # the stacked copy is all that is kept
        setattr(part, name, None)
    return out
