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
from ..sketch.featurize import (
    OCR_NUM_PERM,
    REWRITE_NUM_PERM,
    BatchFeatures,
    run_robust,
)
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
    robust: RobustParts | None = None  # what the OCR and window passes need, when enabled
    rank: np.ndarray = field(init=False)  # priority of each article as an original (0 = best)

    def __post_init__(self) -> None:
        self.rank = priority_order(self.published, self.lengths, self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def close(self) -> None:
        self.spool.close()
        if self.robust is not None:
            self.robust.grams.close()


@dataclass
class RobustParts:
    """The OCR and window passes' share of the corpus (rows as in :class:`Corpus`).

    ``grams`` spools each article's sampled OCR grams (about 400 a 3.8 KB
    article, 1.6 KB on disk); the folded figures (a few dozen) stay in memory.
    """

    window_keys: np.ndarray  # uint32 (windows × bands)
    window_owners: np.ndarray  # int64 article of each window
    ocr_signatures: np.ndarray  # uint32 (n × OCR_NUM_PERM), empty when the OCR pass is off
    ocr_sizes: np.ndarray  # sampled grams per article
    grams: TokenSpool
    figures: np.ndarray  # uint32 folded figures, CSR with figure_offsets
    figure_offsets: np.ndarray


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
    with FeaturePool(run_robust, config, learned) as pool:
        yield from pool.results(batches)


@dataclass
class _Part:
    """What is kept of one batch in memory (its tokens went to the spool)."""

    signatures: np.ndarray
    word_signatures: np.ndarray
    exact_keys: np.ndarray
    lengths: np.ndarray
    window_keys: np.ndarray | None = None
    window_owners: np.ndarray | None = None
    ocr_signatures: np.ndarray | None = None
    figures: np.ndarray | None = None
    figure_offsets: np.ndarray | None = None


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
    grams = TokenSpool(spool_dir)
    stats = CorpusStats()
    row = 0
    try:
        batches = _batches(chain(sample, stream), config.sign.batch_size, collector.meta)
        del sample
        for feats in _featurized(batches, config, learned):
            spool.append(feats.tokens, feats.flags, feats.offsets)
            stats.add(*terms(feats.tokens, feats.offsets, config.shingle.char_mode))
            part = _Part(feats.signatures, feats.word_signatures, feats.exact_keys, feats.lengths)
            _keep_robust(part, feats, grams, row)
            collector.parts.append(part)
            row += len(feats)
            if progress:
                progress("sign", len(feats))
    except BaseException:
        spool.close()
        grams.close()
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
        robust=_robust_parts(parts, grams, config),
    )


def _keep_robust(part: _Part, feats: BatchFeatures, grams: TokenSpool, row: int) -> None:
    """Move a batch's window keys, OCR signatures and figures to its part; spool its grams."""
    if feats.window_keys is not None and feats.window_owners is not None:
        part.window_keys, part.window_owners = feats.window_keys, feats.window_owners + row
    if feats.ocr is not None:
        part.ocr_signatures = feats.ocr_signatures
        part.figures, part.figure_offsets = feats.ocr.figures, feats.ocr.figure_offsets
        grams.append(
            feats.ocr.grams, np.zeros(len(feats.ocr.grams), np.uint8), feats.ocr.gram_offsets
        )


def _robust_parts(parts: list[_Part], grams: TokenSpool, config: DetectorConfig) -> RobustParts:
    windows = [p for p in parts if p.window_keys is not None]
    ocr = [p for p in parts if p.figures is not None]
    bands = windows[0].window_keys.shape[1] if windows else 0  # type: ignore[union-attr]
    figure_offsets = np.zeros(1, np.int64)
    if ocr:
        ends = np.cumsum([len(p.figures) for p in ocr])  # type: ignore[arg-type]
        figure_offsets = np.concatenate(
            [figure_offsets] + [p.figure_offsets[1:] + lo for p, lo in zip(ocr, [0, *ends[:-1]])]  # type: ignore[index]
        )
    return RobustParts(
        window_keys=np.concatenate([p.window_keys for p in windows])
        if windows
        else np.zeros((0, bands), np.uint32),
        window_owners=np.concatenate([p.window_owners for p in windows])
        if windows
        else np.zeros(0, np.int64),
        ocr_signatures=_stack(ocr, "ocr_signatures", OCR_NUM_PERM)
        if ocr
        else np.zeros((0, OCR_NUM_PERM), np.uint32),
        ocr_sizes=grams.lengths() if ocr else np.zeros(0, np.int64),
        grams=grams,
        figures=np.concatenate([p.figures for p in ocr]) if ocr else np.zeros(0, np.uint32),
        figure_offsets=figure_offsets,
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
