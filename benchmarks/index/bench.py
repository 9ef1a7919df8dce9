"""Live-index benchmark: add throughput, query latency, open time, disk and memory per article.

Articles are ~600-word synthetic news built from the BBC corpus (see synth.py),
10% of them copies of earlier ones. Steps, each also runnable alone:

    build   add N articles (one stream, batches of --batch-size, 2000 as in the CLI), rates per segment
    open    time to open the index in a fresh process (imports excluded)
    query   p50/p99 latency of `check` for single articles: half near copies of
            indexed articles, half unseen ones, in a fresh process
    cli     `newsdedup index add feed.jsonl` end to end on a 20,000-article file

Usage:
    python benchmarks/index/bench.py all --backend sqlite --db /tmp/idx.db --articles 100000
    python benchmarks/index/bench.py query --backend redis --redis redis://127.0.0.1:6379/0 --prefix bench

Results go to stdout as JSON lines and to benchmarks/results/index-<backend>-<n>.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from synth import SyntheticNews  # noqa: E402

from newsdedup.config import DetectorConfig  # noqa: E402
from newsdedup.index import LiveIndex, RedisStore, SQLiteStore  # noqa: E402
from newsdedup.models import Article  # noqa: E402

SAMPLE = 2000  # indexed articles kept aside to make query copies from


def open_store(args, create: bool = True):
    if args.backend == "redis":
        return RedisStore(args.redis, prefix=args.prefix)
    return SQLiteStore(args.db, create=create)


def sample_path(args) -> Path:
    name = (
        f"{Path(args.db).name}.sample.jsonl"
        if args.backend == "sqlite"
        else f"redis-{args.prefix}.sample.jsonl"
    )
    return HERE / "results" / name


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def keep_sample(sample: list[dict], article: Article, seen: int, rng: random.Random) -> None:
    """Reservoir sampling: ``sample`` stays a uniform sample of the ``seen + 1`` articles so far."""
    if len(sample) < SAMPLE:
        sample.append(article.to_dict())
    elif rng.random() < SAMPLE / (seen + 1):
        sample[rng.randrange(SAMPLE)] = article.to_dict()


def chunks(items, size: int):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def build(args) -> dict:
    """Add ``args.articles`` articles as one stream; keep a sample of them for the query step."""
    rng = random.Random(7)
    sample: list[dict] = []
    config = DetectorConfig.from_options(workers=args.workers)
    segments, started, cpu = [], time.perf_counter(), time.process_time()
    with LiveIndex(open_store(args), config) as index:
        start = index.stats().articles
        seg_start, seg_count = time.perf_counter(), 0
        stream = SyntheticNews(seed=args.seed).articles(args.articles, start=start)
        for i, (article, _) in enumerate(
            index.stream(stream, batch_size=args.batch_size, max_wait=5.0)
        ):
            keep_sample(sample, article, i, rng)
            seg_count += 1
            if seg_count == args.segment:
                now = time.perf_counter()
                segments.append(
                    {"indexed": start + i + 1, "per_s": round(seg_count / (now - seg_start))}
                )
                print(json.dumps({"segment": segments[-1]}), flush=True)
                seg_start, seg_count = now, 0
        seconds = time.perf_counter() - started
        stats = index.stats().to_dict()
        timings = {k: round(v, 1) for k, v in index.timings.items()}
    if (
        args.backend == "sqlite"
    ):  # fold the write-ahead log into the file, then measure the file alone
        import sqlite3

        sqlite3.connect(args.db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
        stats["bytes"] = os.path.getsize(args.db)
    sample_path(args).parent.mkdir(exist_ok=True)
    sample_path(args).write_text(
        "".join(json.dumps(r, default=str) + "\n" for r in sample), encoding="utf-8"
    )
    return {
        "step": "build",
        "added": args.articles,
        "indexed": stats["articles"],
        "seconds": round(seconds, 1),
        "per_s": round(args.articles / seconds),
        "main_cpu_ms_per_article": round((time.process_time() - cpu) / args.articles * 1000, 3),
        "workers": args.workers,
        "stage_seconds": timings,
        "segments": segments,
        "bytes": stats["bytes"],
        "bytes_per_article": round(stats["bytes"] / max(1, stats["articles"])),
        "max_rss_mb": round(rss_mb()),
    }


def bulk(args) -> dict:
    """Load a large SQLite index fast, for the open and query steps: the add path minus the checks.

    Every article is stored as an original (no verdicts are computed), with the
    same tables, features, LSH entries and frequencies as ``add`` writes; LSH
    rows are staged unsorted and copied into the band index in key order at
    the end, instead of one random B-tree insert each. Add throughput is not
    measured here (see ``build`` and ``add``).
    """
    import sqlite3

    import numpy as np

    from newsdedup.index.base import NewArticles
    from newsdedup.index.codec import band_keys
    from newsdedup.index.prepare import Preparer

    assert args.backend == "sqlite", "bulk loading is for the SQLite backend"
    config = DetectorConfig.from_options(workers=args.workers)
    started, sample, rng = time.perf_counter(), [], random.Random(7)
    with LiveIndex(open_store(args), config) as index:
        store = index.store
        store._db.execute("CREATE TABLE IF NOT EXISTS bands_stage (key INTEGER, doc INTEGER)")

        def stage(docs, signatures, word_signatures):
            keys = band_keys(signatures, word_signatures, index.shape)
            store._db.executemany(
                "INSERT INTO bands_stage VALUES (?, ?)",
                zip(keys.ravel().tolist(), np.repeat(docs, keys.shape[1]).tolist()),
            )

        store._insert_bands = stage
        # Learn from the first articles and record the manifest, as the first `add` would.
        articles = SyntheticNews(seed=args.seed).articles(args.articles)
        first = list(itertools.islice(articles, config.normalize.boilerplate_sample))
        index._ensure_manifest(first)
        with Preparer(config, args.workers, index.n_features, index.learned) as preparer:
            for batch, p in preparer.map(chunks(itertools.chain(first, articles), 2000)):
                with store.writing():
                    docs = store.reserve(len(batch))
                    f = p.feats
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
                            np.array([a.published.timestamp() for a in batch]),
                            np.full(len(batch), time.time()),
                            p.records,
                            p.df_features,
                            p.df_counts,
                        )
                    )
                for a in batch:
                    keep_sample(sample, a, int(a.id[1:]), rng)
                if int(docs[-1]) % 100_000 < 2000:
                    print(
                        json.dumps(
                            {"loaded": int(docs[-1]), "s": round(time.perf_counter() - started)}
                        ),
                        flush=True,
                    )
        with store.writing():
            store._db.execute(
                "INSERT INTO bands SELECT key, doc FROM bands_stage ORDER BY key, doc"
            )
            store._db.execute("DROP TABLE bands_stage")
    sqlite3.connect(args.db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    sample_path(args).parent.mkdir(exist_ok=True)
    sample_path(args).write_text(
        "".join(json.dumps(r, default=str) + "\n" for r in sample), encoding="utf-8"
    )
    size = os.path.getsize(args.db)
    return {
        "step": "bulk",
        "articles": args.articles,
        "seconds": round(time.perf_counter() - started),
        "bytes": size,
        "bytes_per_article": round(size / args.articles),
    }


def add_more(args) -> dict:
    """Add throughput into an existing index: ``--add`` new articles through the normal add path."""
    config = DetectorConfig.from_options(workers=args.workers)
    with LiveIndex(open_store(args), config) as index:
        before = index.stats().articles
        stream = SyntheticNews(seed=args.seed + 500 + before).articles(
            args.add, start=10**8 + before
        )
        t, cpu = time.perf_counter(), time.process_time()
        for _ in index.stream(stream, batch_size=args.batch_size, max_wait=5.0):
            pass
        seconds = time.perf_counter() - t
        timings = {k: round(v, 1) for k, v in index.timings.items()}
    return {
        "step": "add",
        "indexed_before": before,
        "added": args.add,
        "seconds": round(seconds, 1),
        "per_s": round(args.add / seconds),
        "main_cpu_ms_per_article": round((time.process_time() - cpu) / args.add * 1000, 3),
        "stage_seconds": timings,
    }


def open_time(args) -> dict:
    """Open the index in a fresh process; imports are timed apart from the open itself."""
    code = f"""
import json, sys, time, resource
sys.path.insert(0, {str(HERE.parent / "src")!r})
t0 = time.perf_counter()
from newsdedup.index import LiveIndex, RedisStore, SQLiteStore
t1 = time.perf_counter()
store = RedisStore({args.redis!r}, prefix={args.prefix!r}) if {args.backend!r} == "redis" else SQLiteStore({args.db!r}, create=False)
index = LiveIndex(store)
n = index.stats().articles
t2 = time.perf_counter()
print(json.dumps({{"import_s": round(t1 - t0, 2), "open_s": round(t2 - t1, 3), "articles": n,
                  "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {"step": "open", **json.loads(out.stdout)}


def query_articles(args) -> list[Article]:
    """Half near copies of indexed articles (a sentence added, the headline changed), half unseen ones."""
    rng = random.Random(11)
    indexed = [
        json.loads(line) for line in sample_path(args).read_text(encoding="utf-8").splitlines()
    ]
    copies = [
        Article(
            f"q-copy-{i}", r["text"] + " Additional reporting by our correspondent.", title="Update"
        )
        for i, r in enumerate(rng.sample(indexed, min(len(indexed), args.queries // 2)))
    ]
    unseen = list(
        SyntheticNews(seed=args.seed + 1000, copy_share=0.0).articles(
            args.queries - len(copies), start=10**9
        )
    )
    mixed = copies + unseen
    rng.shuffle(mixed)
    return mixed


def query(args) -> dict:
    """Latency of checking one article at a time against the index (nothing stored)."""
    articles = query_articles(args)
    with LiveIndex(open_store(args, create=False)) as index:
        index.check(articles[:1])  # compiles nothing (numba caches), but fills the first pages
        latencies, found = [], 0
        for article in articles:
            t = time.perf_counter()
            [verdict] = index.check([article])
            latencies.append(time.perf_counter() - t)
            found += article.id.startswith("q-copy") and verdict.original is not None
        n = index.stats().articles
    latencies.sort()
    pick = lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 2)  # noqa: E731
    copies = sum(a.id.startswith("q-copy") for a in articles)
    return {
        "step": "query",
        "indexed": n,
        "queries": len(articles),
        "p50_ms": pick(0.50),
        "p90_ms": pick(0.90),
        "p99_ms": pick(0.99),
        "max_ms": round(latencies[-1] * 1000, 2),
        "copies_found": f"{found}/{copies}",
        "max_rss_mb": round(rss_mb()),
    }


def cli(args) -> dict:
    """`newsdedup index add` on a JSON-lines file, into a fresh index of the same backend."""
    feed = HERE / "results" / f"cli-feed-{args.cli_articles}.jsonl"
    feed.parent.mkdir(exist_ok=True)
    if not feed.exists():
        feed.write_text(
            "".join(
                json.dumps(a.to_dict(), default=str) + "\n"
                for a in SyntheticNews(seed=99).articles(args.cli_articles)
            ),
            encoding="utf-8",
        )
    if args.backend == "redis":
        target = ["--redis", args.redis, "--prefix", f"{args.prefix}-cli-{int(time.time())}"]
    else:
        db = Path(args.db).with_suffix(".cli.db")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        target = ["--db", str(db)]
    env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")}
    t = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "newsdedup",
            "index",
            "add",
            str(feed),
            *target,
            "-q",
            "--workers",
            str(args.workers),
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - t
    return {
        "step": "cli",
        "articles": args.cli_articles,
        "seconds": round(seconds, 1),
        "per_s": round(args.cli_articles / seconds),
        "note": "includes process start (~2 s of imports)",
    }


def redis_memory(args) -> dict:
    import redis

    info = redis.Redis.from_url(args.redis).info("memory")
    n = LiveIndex(open_store(args, create=False)).stats().articles
    return {
        "step": "memory",
        "redis_used_bytes": info["used_memory"],
        "indexed": n,
        "bytes_per_article": round(info["used_memory"] / max(1, n)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["all", "build", "bulk", "add", "open", "query", "cli"])
    parser.add_argument("--backend", choices=["sqlite", "redis"], default="sqlite")
    parser.add_argument("--db", default="/tmp/newsdedup-bench.db")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--prefix", default="bench")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--segment", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--batch-size", type=int, default=2000, help="articles per transaction (the CLI default)"
    )
    parser.add_argument("--cli-articles", type=int, default=20_000)
    parser.add_argument("--add", type=int, default=10_000, help="articles added by the 'add' step")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    steps = {
        "build": [build],
        "bulk": [bulk],
        "add": [add_more],
        "open": [open_time],
        "query": [query],
        "cli": [cli],
        "all": [build, open_time, query, cli] + ([redis_memory] if args.backend == "redis" else []),
    }
    results = []
    for step in steps[args.step]:
        results.append(step(args))
        print(json.dumps(results[-1]), flush=True)
    out = HERE / "results" / f"index-{args.backend}-{args.step}-{args.articles}.json"
    out.parent.mkdir(exist_ok=True)
    machine = {
        "cpus": os.cpu_count(),
        "load_avg": os.getloadavg(),
        "python": sys.version.split()[0],
    }
    out.write_text(
        json.dumps({"machine": machine, "results": results}, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
