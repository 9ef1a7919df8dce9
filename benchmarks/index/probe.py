"""Open an index in a fresh process and time it, imports apart: the ``open`` step's child.

Run by :func:`benchmarks.index.bench.open_time` as ``python -m
benchmarks.index.probe --backend sqlite --db FILE`` (or ``--backend redis
--redis URL --prefix P``). Nothing of newsdedup is imported before the clock
starts, so ``import_s`` is what a new process pays and ``open_s`` what opening
the index costs on its own. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import resource
import time


def main(argv: list[str] | None = None) -> None:
    """Parse the store options, import, open, count, print ``{"import_s", "open_s", ...}``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.index.probe", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--backend", choices=["sqlite", "redis"], default="sqlite")
    parser.add_argument("--db", default="/tmp/newsdedup-bench.db")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--prefix", default="bench")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    from newsdedup.index import LiveIndex, RedisStore, SQLiteStore

    t1 = time.perf_counter()
    if args.backend == "redis":
        store: RedisStore | SQLiteStore = RedisStore(args.redis, prefix=args.prefix)
    else:
        store = SQLiteStore(args.db, create=False)
    index = LiveIndex(store)
    n = index.stats().articles
    t2 = time.perf_counter()
    record = {
        "import_s": round(t1 - t0, 2),
        "open_s": round(t2 - t1, 3),
        "articles": n,
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(record))


if __name__ == "__main__":
    main()
