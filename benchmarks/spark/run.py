"""One Spark benchmark run: a corpus, ``scan`` and the Spark engine on it, compared and measured.

    python -m benchmarks.spark.run --size 10k --partitions 4            # synthetic corpus
    python -m benchmarks.spark.run --corpus bbc                          # BBC News (../shared/data/bbc)
    python -m benchmarks.spark.run --size 100k --no-compare              # overhead only

Writes ``benchmarks/spark/results/<corpus>-<size>-p<partitions>.json`` and prints one line:
whether the clusters and pairs equal scan's, wall times, and per Spark stage (job group) the
shuffle bytes written per article (Spark's REST API) and the CPU seconds per 1,000 articles of
the whole process tree (driver JVM, executor threads and Python workers; ``psutil``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("NEWSDEDUP_DATA", ROOT.parent / "shared" / "data"))
CACHE = ROOT / "benchmarks" / "data" / "spark"
RESULTS = Path(__file__).resolve().parent / "results"


def parse_size(text: str) -> int:
    text = text.lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * scale)


def corpus_path(kind: str, size: int) -> Path:
    """The articles file of a corpus, written once into the cache."""
    if kind == "bbc":
        out = CACHE / "bbc" / "articles.jsonl"
        if not out.exists():
            from benchmarks.corpus.loaders import iter_bbc

            out.parent.mkdir(parents=True, exist_ok=True)
            with open(out.with_suffix(".tmp"), "w", encoding="utf-8") as handle:
                for a in iter_bbc(DATA / "bbc"):
                    handle.write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")
            out.with_suffix(".tmp").rename(out)
        return out
    out = CACHE / f"synthetic-{size}" / "articles.jsonl"
    if not out.exists():
        from benchmarks.corpus.build import write_corpus
        from benchmarks.corpus.sentences import SentenceBank

        write_corpus(out.parent, size, 11, SentenceBank.from_data(DATA))
    return out


class TreeCpu:
    """CPU seconds of this process and all its descendants (reaped children included)."""

    def __init__(self) -> None:
        self.me = psutil.Process()
        self.marks: list[tuple[str, float, float]] = []

    def total(self) -> float:
        seconds = 0.0
        for p in [self.me, *self.me.children(recursive=True)]:
            try:
                t = p.cpu_times()
                seconds += t.user + t.system + t.children_user + t.children_system
            except psutil.Error:
                continue
        return seconds

    def __call__(self, stage: str) -> None:
        self.marks.append((stage, self.total(), time.perf_counter()))

    def per_stage(self) -> dict[str, dict[str, float]]:
        out = {}
        for (stage, cpu, wall), (_, cpu2, wall2) in zip(self.marks, self.marks[1:]):
            out[stage] = {"cpu_s": round(cpu2 - cpu, 2), "wall_s": round(wall2 - wall, 2)}
        return out


def stage_metrics(sc: Any) -> dict[str, dict[str, float]]:
    """Shuffle bytes written/read and executor CPU per job group, from Spark's REST API."""
    base = f"{sc.uiWebUrl}/api/v1/applications/{sc.applicationId}"

    def get(path: str) -> Any:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            return json.loads(response.read())

    group_of = {}
    for job in get("/jobs"):
        for stage_id in job.get("stageIds", []):
            group_of[stage_id] = job.get("jobGroup") or "other"
    out: dict[str, dict[str, float]] = {}
    for stage in get("/stages"):
        if stage["status"] != "COMPLETE":
            continue
        g = out.setdefault(
            group_of.get(stage["stageId"], "other"),
            {"shuffle_write": 0, "shuffle_read": 0, "jvm_cpu_s": 0.0, "stages": 0},
        )
        g["shuffle_write"] += stage.get("shuffleWriteBytes", 0)
        g["shuffle_read"] += stage.get("shuffleReadBytes", 0)
        g["jvm_cpu_s"] += stage.get("executorCpuTime", 0) / 1e9
        g["stages"] += 1
    return out


def run_scan(path: Path) -> tuple[Any, float]:
    from newsdedup import Detector
    from newsdedup.io import read_articles

    started = time.perf_counter()
    result = Detector().run(read_articles([path]))
    return result, time.perf_counter() - started


def compare(result: Any, clusters: list, pairs: list) -> dict[str, Any]:
    want_c = {
        (
            c.id,
            c.original,
            m.id,
            i,
            m.relation.value,
            m.scores.jaccard,
            m.scores.containment,
            m.scores.cosine,
            m.scores.numbers,
        )
        for c in result.clusters
        for i, m in enumerate(c.members)
    }
    got_c = {
        (
            r.cluster,
            r.original,
            r.id,
            r.position,
            r.relation,
            r.jaccard,
            r.containment,
            r.cosine,
            r.numbers,
        )
        for r in clusters
    }
    want_p = {
        (
            m.a,
            m.b,
            m.relation.value,
            m.scores.jaccard,
            m.scores.containment,
            m.scores.cosine,
            m.scores.numbers,
            m.reason,
        )
        for m in result.matches
    }
    got_p = {
        (r.a, r.b, r.relation, r.jaccard, r.containment, r.cosine, r.numbers, r.reason)
        for r in pairs
    }
    return {
        "clusters_equal": want_c == got_c,
        "pairs_equal": want_p == got_p,
        "scan_cluster_rows": len(want_c),
        "spark_cluster_rows": len(got_c),
        "scan_pairs": len(want_p),
        "spark_pairs": len(got_p),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["synthetic", "bbc"], default="synthetic")
    parser.add_argument("--size", default="10k")
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument(
        "--driver-memory", default="3g", help="heap of the driver (and local executors)"
    )
    parser.add_argument("--no-compare", action="store_true", help="skip the correctness check")
    parser.add_argument("--scan", action="store_true", help="also time scan (implied by compare)")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    size = parse_size(args.size)
    path = corpus_path(args.corpus, size)
    record: dict[str, Any] = {
        "corpus": args.corpus,
        "master": args.master,
        "partitions": args.partitions,
        "cores": os.cpu_count(),
        "load_before": os.getloadavg(),
    }
    result = None
    if not args.no_compare or args.scan:
        result, record["scan_s"] = run_scan(path)

    from newsdedup.spark.detect import run
    from newsdedup.spark.ingest import read_inputs
    from newsdedup.spark.session import get_session

    cpu = TreeCpu()
    started = time.perf_counter()
    cpu("session")
    spark = get_session(
        args.master,
        conf={
            "spark.sql.shuffle.partitions": str(args.partitions),
            "spark.driver.memory": args.driver_memory,
        },
    )
    cpu("read")
    articles = read_inputs(spark, [str(path)])
    done = run(articles, partitions=args.partitions, observe=cpu)
    clusters, pairs = done.clusters.collect(), done.pairs.collect()
    cpu("end")
    record["spark_s"] = round(time.perf_counter() - started, 2)
    record["articles"] = n = done.stats["articles"]
    record["stats"] = done.stats
    record["tree_cpu"] = cpu.per_stage()
    metrics = stage_metrics(spark.sparkContext)
    record["stages"] = {
        g: {**m, "shuffle_write_per_article": round(m["shuffle_write"] / n, 1)}
        for g, m in metrics.items()
    }
    if result is not None and not args.no_compare:
        record["compare"] = compare(result, clusters, pairs)
    record["load_after"] = os.getloadavg()
    spark.stop()
    RESULTS.mkdir(exist_ok=True)
    name = f"{args.corpus}-{n}-p{args.partitions}.json"
    (RESULTS / name).write_text(json.dumps(record, indent=1, default=str) + "\n")
    print(json.dumps(record, default=str))


if __name__ == "__main__":
    main()
