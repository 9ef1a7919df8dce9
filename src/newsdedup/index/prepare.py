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

import multiprocessing
import queue
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ..config import DetectorConfig
from ..judge.tfidf import DEFAULT_FEATURES, terms
from ..models import Article
from ..sketch.featurize import BatchFeatures, Featurizer
from ..text.learn import Learned
from .codec import encode_record
from .idf import document_features
from .stream import put_until_stopped

__all__ = ["Prepared", "Preparer", "prepare"]

#: Batches prepared ahead of the one being stored (bounds memory).
AHEAD = 2


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
    return Prepared(feats, [encode_record(a.to_dict()) for a in articles], features, counts)


_WORKER: Featurizer | None = None


_N_FEATURES = DEFAULT_FEATURES


def _init_worker(config: DetectorConfig, n_features: int, learned: Learned) -> None:
    global _WORKER, _N_FEATURES
    _WORKER = Featurizer(config, learned)
    _N_FEATURES = n_features
    prepare(
        _WORKER,
        [Article("warm-up", "load the compiled kernels now, not with the first batch")],
        n_features,
    )


def _prepare_in_worker(articles: list[Article]) -> Prepared:
    assert _WORKER is not None, "_init_worker was not called"
    return prepare(_WORKER, articles, _N_FEATURES)


class Preparer:
    """Prepares batches in this process (``workers=1``) or in a pool of worker processes."""

    def __init__(
        self,
        config: DetectorConfig,
        workers: int = 1,
        n_features: int = DEFAULT_FEATURES,
        learned: Learned | None = None,
    ) -> None:
        self.config = config
        self.workers = max(1, workers)
        self.n_features = n_features
        self.learned = learned or Learned()
        self._featurizer = Featurizer(config, self.learned)
        self._pool = None

    def __enter__(self) -> Preparer:
        if self.workers > 1:
            # Started before any reader thread exists, so forking copies no thread's locks.
            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            self._pool = ctx.Pool(
                self.workers,
                initializer=_init_worker,
                initargs=(self.config, self.n_features, self.learned),
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def map(self, batches: Iterator[list[Article]]) -> Iterator[tuple[list[Article], Prepared]]:
        """(batch, prepared batch) in input order; errors of the input come after the batches before them."""
        if self._pool is None:
            for batch in batches:
                yield batch, prepare(self._featurizer, batch, self.n_features)
            return
        results: queue.Queue = queue.Queue(maxsize=AHEAD)
        stop = threading.Event()
        threading.Thread(
            target=self._submit,
            args=(batches, results, stop),
            daemon=True,
            name="newsdedup-prepare",
        ).start()
        try:
            while True:
                kind, batch, value = results.get()
                if kind == "error":
                    raise value
                if kind == "end":
                    return
                yield batch, value.get()
        finally:
            stop.set()

    def _submit(
        self, batches: Iterator[list[Article]], results: queue.Queue, stop: threading.Event
    ) -> None:
        def put(item: tuple) -> bool:
            return put_until_stopped(results, item, stop)

        try:
            for batch in batches:
                if not put(("batch", batch, self._pool.apply_async(_prepare_in_worker, (batch,)))):
                    return
        except BaseException as err:  # re-raised by map, in order
            put(("error", None, err))
            return
        put(("end", None, None))
