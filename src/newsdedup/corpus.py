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

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice

import numpy as np

from .cluster import priority_order
from .config import DetectorConfig
from .errors import InputError
from .featurize import BatchFeatures, Featurizer, init_worker, run_in_worker
from .learned import Learned, learn_from_sample
from .models import Article
from .spool import TokenSpool
from .tfidf import CorpusStats

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


def _featurized(batches: Iterable[list], config: DetectorConfig,
                learned: Learned) -> Iterator[BatchFeatures]:
    workers = config.sign.workers
    if workers <= 1:
        featurizer = Featurizer(config, learned)
        yield from (featurizer.run(b) for b in batches)
        return
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ctx.Pool(workers, initializer=init_worker, initargs=(config, learned)) as pool:
        in_flight: deque = deque()
        for batch in batches:
            in_flight.append(pool.apply_async(run_in_worker, (batch,)))
            if len(in_flight) >= 2 * workers:
                yield in_flight.popleft().get()
        while in_flight:
            yield in_flight.popleft().get()


class _Collector:
    """Accumulates article metadata and batch features."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.seen: dict[str, str | None] = {}
        self.published: list[float] = []
        self.parts: list[BatchFeatures] = []

    def meta(self, article: Article) -> None:
        if article.id in self.seen:
            first = self.seen[article.id]
            raise InputError(f"duplicate id {article.id!r}" + (f" (first seen at {first})" if first else ""),
                             path=article.origin)
        self.seen[article.id] = article.origin
        self.ids.append(article.id)
        self.published.append(article.published.timestamp() if article.published else np.nan)


def build_corpus(articles: Iterable[Article], config: DetectorConfig, progress: Progress | None = None,
                 spool_dir: str | None = None) -> Corpus:
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
            stats.add(feats.tokens, feats.offsets)
            collector.parts.append(BatchFeatures(feats.signatures, feats.word_signatures, feats.exact_keys,
                                                 np.zeros(0, np.uint32), np.zeros(0, np.uint8), feats.offsets))
            if progress:
                progress("sign", len(feats))
    except BaseException:
        spool.close()
        raise
    parts = collector.parts
    num_perm = config.sign.num_perm
    return Corpus(
        ids=collector.ids,
        published=np.array(collector.published, np.float64),
        signatures=np.concatenate([p.signatures for p in parts]) if parts else np.zeros((0, num_perm), np.uint32),
        word_signatures=np.concatenate([p.word_signatures for p in parts]) if parts else np.zeros((0, 1), np.uint32),
        exact_keys=np.concatenate([p.exact_keys for p in parts]) if parts else np.zeros(0, np.uint64),
        lengths=np.concatenate([p.lengths for p in parts]) if parts else np.zeros(0, np.int64),
        spool=spool,
        stats=stats,
        learned=learned,
    )
