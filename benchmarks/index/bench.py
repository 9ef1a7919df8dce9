"""Live-index benchmark: add throughput, query latency, open time, disk and memory per article.

Articles are ~600-word synthetic news built from the BBC corpus (see
:mod:`benchmarks.index.synth`), 10% of them copies of earlier ones. Steps, each
also runnable alone:

    build   add N articles (one stream, batches of --batch-size, 2000 as in the CLI), rates per segment
    bulk    load N articles into a SQLite index fast, without checks (for open and query at 1M)
    add     add --add more articles into an existing index
    open    time to open the index in a fresh process (imports timed apart)
    query   p50/p99 latency of `check` for single articles: half near copies of
            indexed articles, half unseen ones
    cli     `newsdedup index add feed.jsonl` end to end on a --cli-articles file
    all     build, open, query, cli (and Redis memory with --backend redis)

Usage, from the project root:

    python -m benchmarks.index.bench all --backend sqlite --db /tmp/idx.db --articles 100000
    python -m benchmarks.index.bench query --backend redis --redis redis://127.0.0.1:6379/0 --prefix bench

Each step prints one JSON line; the run's results go to
``benchmarks/results/index-<backend>-<step>-<articles>.json`` with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsdedup.config import DetectorConfig
from newsdedup.index import LiveIndex
from newsdedup.models import Article

from .bulk import bulk
from .common import (
    RESULTS,
    ROOT,
    indexed,
    keep_sample,
    open_store,
    read_sample,
    rss_mb,
    table_bytes,
    write_sample,
)
from .synth import SyntheticNews

Step = Callable[[argparse.Namespace], dict[str, Any]]


def build(args: argparse.Namespace) -> dict[str, Any]:
    """Add ``args.articles`` articles as one stream; keep a sample of them for the query step."""
    rng = random.Random(7)
    sample: list[dict[str, Any]] = []
    config = DetectorConfig.from_options(workers=args.workers)
    segments: list[dict[str, int]] = []
    started, cpu = time.perf_counter(), time.process_time()
    with LiveIndex(open_store(args), config) as index:
        start = indexed(index)
        seg_start, seg_count = time.perf_counter(), 0
        stream = SyntheticNews(seed=args.seed).articles(args.articles, start=start)
        added = index.stream(stream, batch_size=args.batch_size, max_wait=5.0)
        for i, (article, _) in enumerate(added):
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
        sqlite3.connect(args.db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
        stats["bytes"] = os.path.getsize(args.db)
        by_table = table_bytes(args.db, stats["articles"])
    write_sample(args, sample)
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
        **({"bytes_per_article_by_table": by_table} if args.backend == "sqlite" else {}),
        "max_rss_mb": round(rss_mb()),
    }


def add_more(args: argparse.Namespace) -> dict[str, Any]:
    """Add throughput into an existing index: ``--add`` new articles through the normal add path."""
    config = DetectorConfig.from_options(workers=args.workers)
    with LiveIndex(open_store(args), config) as index:
        before = indexed(index)
        news = SyntheticNews(seed=args.seed + 500 + before)
        stream = news.articles(args.add, start=10**8 + before)
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


def open_time(args: argparse.Namespace) -> dict[str, Any]:
    """Open the index in a fresh process (:mod:`benchmarks.index.probe`), imports timed apart."""
    store = ["--backend", args.backend, "--db", args.db, "--redis", args.redis]
    command = [sys.executable, "-m", "benchmarks.index.probe", *store, "--prefix", args.prefix]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return {"step": "open", **json.loads(out.stdout)}


def query_articles(args: argparse.Namespace) -> list[Article]:
    """Half near copies of indexed articles (a sentence added, the headline changed), half unseen."""
    rng = random.Random(11)
    indexed_sample = read_sample(args)
    picked = rng.sample(indexed_sample, min(len(indexed_sample), args.queries // 2))
    copies = [
        Article(
            f"q-copy-{i}", r["text"] + " Additional reporting by our correspondent.", title="Update"
        )
        for i, r in enumerate(picked)
    ]
    news = SyntheticNews(seed=args.seed + 1000, copy_share=0.0)
    mixed = copies + list(news.articles(args.queries - len(copies), start=10**9))
    rng.shuffle(mixed)
    return mixed


def query(args: argparse.Namespace) -> dict[str, Any]:
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
        n = indexed(index)
    latencies.sort()

    def ms_at(q: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 2)

    copies = sum(a.id.startswith("q-copy") for a in articles)
    return {
        "step": "query",
        "indexed": n,
        "queries": len(articles),
        "p50_ms": ms_at(0.50),
        "p90_ms": ms_at(0.90),
        "p99_ms": ms_at(0.99),
        "max_ms": round(latencies[-1] * 1000, 2),
        "copies_found": f"{found}/{copies}",
        "max_rss_mb": round(rss_mb()),
    }


def cli_feed(out: Path, n: int) -> Path:
    """``<--out>/cli-feed-<n>.jsonl``: ``n`` synthetic articles, written once."""
    feed = out / f"cli-feed-{n}.jsonl"
    if not feed.exists():
        feed.parent.mkdir(parents=True, exist_ok=True)
        lines = (
            json.dumps(a.to_dict(), default=str) + "\n" for a in SyntheticNews(seed=99).articles(n)
        )
        feed.write_text("".join(lines), encoding="utf-8")
    return feed


def cli(args: argparse.Namespace) -> dict[str, Any]:
    """`newsdedup index add` on a JSON-lines file, into a fresh index of the same backend."""
    feed = cli_feed(args.out, args.cli_articles)
    if args.backend == "redis":
        target = ["--redis", args.redis, "--prefix", f"{args.prefix}-cli-{int(time.time())}"]
    else:
        db = Path(args.db).with_suffix(".cli.db")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        target = ["--db", str(db)]
    command = [sys.executable, "-m", "newsdedup", "index", "add", str(feed), *target]
    t = time.perf_counter()
    subprocess.run(
        [*command, "-q", "--workers", str(args.workers)], check=True, stdout=subprocess.DEVNULL
    )
    seconds = time.perf_counter() - t
    return {
        "step": "cli",
        "articles": args.cli_articles,
        "seconds": round(seconds, 1),
        "per_s": round(args.cli_articles / seconds),
        "note": "includes process start and imports",
    }


def redis_memory(args: argparse.Namespace) -> dict[str, Any]:
    """Memory the Redis server uses, per indexed article."""
    import redis

    info = redis.Redis.from_url(args.redis).info("memory")
    with LiveIndex(open_store(args, create=False)) as index:
        n = indexed(index)
    return {
        "step": "memory",
        "redis_used_bytes": info["used_memory"],
        "indexed": n,
        "bytes_per_article": round(info["used_memory"] / max(1, n)),
    }


def steps(step: str, backend: str) -> list[Step]:
    """The functions a step name runs, in order."""
    if step == "all":
        return [build, open_time, query, cli] + ([redis_memory] if backend == "redis" else [])
    return [
        {
            "build": build,
            "bulk": bulk,
            "add": add_more,
            "open": open_time,
            "query": query,
            "cli": cli,
        }[step]
    ]


def parser() -> argparse.ArgumentParser:
    """The command line of ``python -m benchmarks.index.bench``."""
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.index.bench", description=(__doc__ or "").splitlines()[0]
    )
    p.add_argument("step", choices=["all", "build", "bulk", "add", "open", "query", "cli"])
    p.add_argument("--backend", choices=["sqlite", "redis"], default="sqlite")
    p.add_argument("--db", default="/tmp/newsdedup-bench.db")
    p.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    p.add_argument("--prefix", default="bench")
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--segment", type=int, default=50_000)
    p.add_argument("--queries", type=int, default=1000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument(
        "--batch-size", type=int, default=2000, help="articles per transaction (the CLI default)"
    )
    p.add_argument("--cli-articles", type=int, default=20_000)
    p.add_argument("--add", type=int, default=10_000, help="articles added by the 'add' step")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--store-text",
        action="store_true",
        help="SQLite: a new index keeps whole article records (index add --store-text)",
    )
    p.add_argument(
        "--out", type=Path, default=RESULTS, help="results folder (default benchmarks/results)"
    )
    return p


def main(argv: list[str] | None = None) -> None:
    """Run the steps asked for, print each result, write them with the machine to ``--out``."""
    args = parser().parse_args(argv)
    results = []
    for step in steps(args.step, args.backend):
        results.append(step(args))
        print(json.dumps(results[-1]), flush=True)
    out = args.out / f"index-{args.backend}-{args.step}-{args.articles}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
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
