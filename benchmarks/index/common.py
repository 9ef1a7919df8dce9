"""What the steps of the live-index benchmark share: the store, the query sample, results paths.

The ``build`` and ``bulk`` steps keep a uniform sample of the articles they
index (:func:`keep_sample`); the ``query`` step, in a later process, makes its
near copies from that sample (:func:`read_sample`). Samples, feed files and
results all go to the ``--out`` folder, ``benchmarks/results/`` by default
(samples and feeds are ignored by git: they are regenerated from the corpus).

Example:
    >>> batches = list(chunks(range(5), 2))
    >>> batches
    [[0, 1], [2, 3], [4]]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from newsdedup.index import LiveIndex, RedisStore, SQLiteStore
from newsdedup.models import Article

__all__ = [
    "RESULTS",
    "ROOT",
    "SAMPLE",
    "chunks",
    "indexed",
    "keep_sample",
    "open_store",
    "read_sample",
    "rss_mb",
    "sample_path",
    "table_bytes",
    "write_sample",
]

#: The project root; subprocesses run from here so ``python -m benchmarks...`` resolves.
ROOT = Path(__file__).resolve().parents[2]
#: Where every benchmark writes its results.
RESULTS = ROOT / "benchmarks" / "results"
#: Indexed articles kept aside to make query copies from.
SAMPLE = 2000

T = TypeVar("T")


def open_store(args: argparse.Namespace, create: bool = True) -> SQLiteStore | RedisStore:
    """The store named by ``--backend`` and ``--db`` or ``--redis``/``--prefix``."""
    if args.backend == "redis":
        return RedisStore(args.redis, prefix=args.prefix)
    return SQLiteStore(args.db, create=create, store_text=getattr(args, "store_text", None) or None)


def indexed(index: LiveIndex) -> int:
    """Number of articles in the index."""
    return int(index.stats().articles)


def sample_path(args: argparse.Namespace) -> Path:
    """``<--out>/<db file>.sample.jsonl`` (or ``redis-<prefix>.sample.jsonl``) beside the results."""
    if args.backend == "sqlite":
        return Path(args.out) / f"{Path(args.db).name}.sample.jsonl"
    return Path(args.out) / f"redis-{args.prefix}.sample.jsonl"


def rss_mb() -> float:
    """Peak resident memory of this process, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def keep_sample(
    sample: list[dict[str, Any]], article: Article, seen: int, rng: random.Random
) -> None:
    """Reservoir sampling: ``sample`` stays a uniform sample of the ``seen + 1`` articles so far."""
    if len(sample) < SAMPLE:
        sample.append(article.to_dict())
    elif rng.random() < SAMPLE / (seen + 1):
        sample[rng.randrange(SAMPLE)] = article.to_dict()


def write_sample(args: argparse.Namespace, sample: list[dict[str, Any]]) -> None:
    """Store the sample for the ``query`` step, one JSON record a line."""
    path = sample_path(args)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, default=str) + "\n" for r in sample), encoding="utf-8")


def read_sample(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The sample written by ``build`` or ``bulk`` into the same index.

    Raises:
        SystemExit: No sample: the index was not built by this benchmark.
    """
    path = sample_path(args)
    if not path.exists():
        raise SystemExit(f"Error: {path} not found; run the 'build' or 'bulk' step first")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def table_bytes(db: str, articles: int) -> dict[str, int]:
    """Bytes on disk per article of each table and index of an SQLite file (its ``dbstat`` view).

    Empty when this SQLite lacks ``dbstat`` (it is a compile-time option).
    """
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")
        return {name: round(size / max(1, articles)) for name, size in rows if size}
    except sqlite3.OperationalError:
        return {}
    finally:
        con.close()
