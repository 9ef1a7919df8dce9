"""Bulk-load a large SQLite index for the ``open`` and ``query`` steps: the add path minus the checks.

Building 1M articles through ``add`` takes about 20 minutes on 2 cores, so the
1M figures use an index loaded here: every article is stored as an original
(no verdicts are computed), with the same tables, features, learned
boilerplate and common words, LSH entries and document frequencies as ``add``
writes. LSH rows are staged unsorted and copied into the band index in key
order at the end, instead of one random B-tree insert each. Add throughput is
not measured here (see the ``build`` and ``add`` steps).

This reaches into the SQLite store's internals (its connection and band
insert) on purpose: it is a loader for measurements, not an API.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sqlite3
import time
from typing import Any

import numpy as np

from newsdedup.config import DetectorConfig
from newsdedup.index import LiveIndex, SQLiteStore
from newsdedup.index.base import NewArticles
from newsdedup.index.codec import band_keys
from newsdedup.index.prepare import Prepared, Preparer
from newsdedup.models import Article

from .common import chunks, keep_sample, open_store, write_sample
from .synth import SyntheticNews

__all__ = ["bulk"]

BATCH = 2000


def bulk(args: argparse.Namespace) -> dict[str, Any]:
    """Load ``args.articles`` synthetic articles into ``args.db``; return size and time."""
    if args.backend != "sqlite":
        raise SystemExit("Error: the bulk step loads SQLite indexes only (--backend sqlite)")
    config = DetectorConfig.from_options(workers=args.workers)
    started, rng = time.perf_counter(), random.Random(7)
    sample: list[dict[str, Any]] = []
    with LiveIndex(open_store(args), config) as index:
        store = index.store
        assert isinstance(store, SQLiteStore)
        _stage_bands(index, store)
        # Learn from the first articles and record the manifest, as the first `add` would.
        articles = SyntheticNews(seed=args.seed).articles(args.articles)
        first = list(itertools.islice(articles, config.normalize.boilerplate_sample))
        index._ensure_manifest(first)
        with Preparer(config, args.workers, index.n_features, index.learned) as preparer:
            for batch, prepared in preparer.map(chunks(itertools.chain(first, articles), BATCH)):
                docs = _store_originals(store, batch, prepared)
                for article in batch:
                    keep_sample(sample, article, int(article.id[1:]), rng)
                if int(docs[-1]) % 100_000 < BATCH:
                    elapsed = round(time.perf_counter() - started)
                    print(json.dumps({"loaded": int(docs[-1]), "s": elapsed}), flush=True)
        with store.writing():
            store._db.execute(
                "INSERT INTO bands SELECT key, doc FROM bands_stage ORDER BY key, doc"
            )
            store._db.execute("DROP TABLE bands_stage")
    sqlite3.connect(args.db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    write_sample(args, sample)
    size = os.path.getsize(args.db)
    return {
        "step": "bulk",
        "articles": args.articles,
        "seconds": round(time.perf_counter() - started),
        "bytes": size,
        "bytes_per_article": round(size / args.articles),
    }


def _stage_bands(index: LiveIndex, store: SQLiteStore) -> None:
    """Send the store's LSH rows to an unsorted staging table instead of the band index."""
    store._db.execute("CREATE TABLE IF NOT EXISTS bands_stage (key INTEGER, doc INTEGER)")

    def stage(docs: np.ndarray, signatures: np.ndarray, word_signatures: np.ndarray) -> None:
        keys = band_keys(signatures, word_signatures, index.shape)
        store._db.executemany(
            "INSERT INTO bands_stage VALUES (?, ?)",
            zip(keys.ravel().tolist(), np.repeat(docs, keys.shape[1]).tolist()),
        )

    store._insert_bands = stage  # type: ignore[method-assign]


def _store_originals(store: SQLiteStore, batch: list[Article], prepared: Prepared) -> np.ndarray:
    """Store a prepared batch, every article an original; return the docs given to them."""
    f = prepared.feats
    with store.writing():
        docs = store.reserve(len(batch))
        store.store(
            NewArticles(
                docs,
                [a.id for a in batch],
                np.full(len(batch), -1),
                ["new"] * len(batch),
                np.diff(f.offsets) > 0,
                f.exact_keys,
                f.signatures,
                f.word_signatures,
                f.tokens,
                f.flags,
                f.offsets,
                np.array([a.published.timestamp() if a.published else np.nan for a in batch]),
                np.full(len(batch), time.time()),
                prepared.records,
                prepared.df_features,
                prepared.df_counts,
            )
        )
    return docs
