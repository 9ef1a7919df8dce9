"""Run newsdedup in the peers' harness: the library stage by stage, and the ``scan`` command end to end.

Two runners, each in a process of its own so that its peak memory is its own:

* :func:`run_library` (tool ``newsdedup``, ``newsdedup-w2``...): reads
  ``articles.jsonl`` with newsdedup's own reader, runs
  ``Detector(DetectorConfig.from_options(workers=N)).run(articles)`` and
  writes its clusters as ``{"id", "cluster"}`` JSONL. Its stages:

  - ``read``: time spent in the reader (JSON parsing, ``Article`` records),
    clocked inside the iterator the detector consumes;
  - ``sign``: the detector's ``read_sign_s`` minus ``read``: learning
    boilerplate on the first articles, normalising, tokenising, shingling,
    both MinHash signatures, exact fingerprints, spooling tokens to disk and
    counting document frequencies. This is signing *from text*;
  - ``candidates``, ``verify``, ``cluster``: the detector's own stages;
  - ``detector``: the whole ``Detector.run`` minus ``read``;
  - ``write``: writing the clusters file; ``wall``: everything.

* :func:`run_scan` (tool ``newsdedup-scan``, ``newsdedup-scan-w2``...): the
  command a user types, ``newsdedup scan articles.jsonl --format json -o
  FILE -q``, timed from outside; ``wall`` is the whole process (interpreter
  start and imports included), peak memory comes from ``wait4``.

Both records have the shape of a peer's (see :mod:`benchmarks.peers.run`),
and their clusters are scored against ``gold.jsonl`` by the same
:func:`newsdedup.evaluate.metrics.evaluate_files`.

Example:
    >>> record = run_library("benchmarks/data/10k-seed1", 2, "/tmp/work")  # doctest: +SKIP
    >>> record["rates"]["sign"], record["quality"]["pairwise"]["f1"]  # doctest: +SKIP
    (1650.2, 0.968)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from newsdedup.errors import NewsDedupError
from newsdedup.evaluate.metrics import evaluate_files

from ..peers.base import Stopwatch
from .measure import ROOT, TreeSampler, children_peak_rss_mb, peak_rss_mb

__all__ = ["detector_config", "run_library", "run_scan", "tool_name"]

_ENV = {"PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}


def tool_name(workers: int, cli: bool = False) -> str:
    """``newsdedup``, ``newsdedup-w2``, ``newsdedup-scan``, ``newsdedup-scan-w2``...

    Example:
        >>> tool_name(1), tool_name(2, cli=True)
        ('newsdedup', 'newsdedup-scan-w2')
    """
    return "newsdedup" + ("-scan" if cli else "") + (f"-w{workers}" if workers != 1 else "")


def detector_config(workers: int):
    """The default configuration with ``workers`` signing processes."""
    from newsdedup.config import DetectorConfig

    return DetectorConfig.from_options(workers=workers)


def _timed(items: Iterable, clock: Stopwatch, stage: str) -> Iterator:
    """``items`` unchanged, with the time spent producing them charged to ``stage``."""
    iterator = iter(items)
    while True:
        with clock(stage):
            try:
                item = next(iterator)
            except StopIteration:
                return
        yield item


def write_clusters(result, path: Path) -> int:
    """``{"id", "cluster"}`` JSONL of every clustered article (template members left out); their count."""
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for cluster in result.clusters:
            ids = [cluster.original] + [m.id for m in cluster.members if m.relation.is_duplicate]
            out.writelines(json.dumps({"id": aid, "cluster": cluster.id}) + "\n" for aid in ids)
            written += len(ids)
    return written


def _stage_timings(
    stats: dict[str, Any], read: float, run: float, write: float
) -> dict[str, float]:
    timings = {
        "read": read,
        "sign": stats["read_sign_s"] - read,
        "candidates": stats["candidates_s"],
        "verify": stats["verify_s"],
        "cluster": stats["cluster_s"],
        "detector": run - read,
        "write": write,
        "wall": run + write,
    }
    return {k: round(max(v, 0.0), 4) for k, v in timings.items()}


def child(corpus: Path, workers: int, clusters_path: Path) -> dict[str, Any]:
    """Run the detector on ``corpus`` in this process; the record the parent reads back."""
    from newsdedup import Detector
    from newsdedup.io import ReadReport, read_articles

    config = detector_config(workers)
    rss_before = peak_rss_mb()
    clock = Stopwatch()
    articles = _timed(
        read_articles([corpus / "articles.jsonl"], report=ReadReport()), clock, "read"
    )
    with TreeSampler() as tree:
        started = time.perf_counter()
        result = Detector(config).run(articles)
        run = time.perf_counter() - started
    peak = peak_rss_mb()
    started = time.perf_counter()
    clustered = write_clusters(result, clusters_path)
    write = time.perf_counter() - started
    timings = _stage_timings(result.stats, clock.seconds.get("read", 0.0), run, write)
    counts = {k: v for k, v in result.stats.items() if not k.endswith("_s")}
    return {
        "tool": tool_name(workers),
        "articles": result.articles,
        "config": config.fingerprint(),
        "workers": workers,
        "clustered_articles": clustered,
        "timings": timings,
        "rates": {k: round(result.articles / v, 1) for k, v in timings.items() if v > 0},
        "rss_before_mb": round(rss_before, 1),
        "peak_rss_mb": round(peak, 1),
        "children_peak_rss_mb": round(children_peak_rss_mb(), 1),
        "tree_peak_rss_mb": round(tree.peak_mb, 1),
        "counts": counts,
    }


def _score(record: dict[str, Any], clusters: Path, corpus: Path, score: bool) -> dict[str, Any]:
    record["clusters_file"] = str(clusters)
    if score and (corpus / "gold.jsonl").exists():
        record["quality"] = evaluate_files(clusters, corpus / "gold.jsonl")
    return record


def run_library(
    corpus: str | Path, workers: int, workdir: str | Path, score: bool = True
) -> dict[str, Any]:
    """Run the detector in a fresh process on ``corpus``; its record, scored against gold when ``score``.

    Returns:
        The child's record (``timings`` and ``rates`` per stage, peak RSS,
        counts) plus ``quality``, or ``{"tool", "error"}``.
    """
    corpus, workdir = Path(corpus), Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    name = tool_name(workers)
    clusters, report = workdir / f"{name}.clusters.jsonl", workdir / f"{name}.report.json"
    command = [
        sys.executable,
        "-m",
        "benchmarks.suite.detector",
        "--corpus",
        str(corpus),
        "--workers",
        str(workers),
        "--clusters",
        str(clusters),
        "--report",
        str(report),
    ]
    done = subprocess.run(
        command, env={**os.environ, **_ENV}, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return {
            "tool": name,
            "error": (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1],
        }
    return _score(json.loads(report.read_text(encoding="utf-8")), clusters, corpus, score)


def run_scan(
    corpus: str | Path, workers: int, workdir: str | Path, score: bool = True
) -> dict[str, Any]:
    """Time ``newsdedup scan articles.jsonl --format json`` as a user runs it; its record, scored.

    Returns:
        ``{"tool", "articles", "timings": {"wall"}, "rates", "peak_rss_mb",
        "tree_peak_rss_mb", "quality"}`` or ``{"tool", "error"}``.
    """
    corpus, workdir = Path(corpus), Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    name = tool_name(workers, cli=True)
    output = workdir / f"{name}.json"
    command = [
        sys.executable,
        "-m",
        "newsdedup",
        "scan",
        str(corpus / "articles.jsonl"),
        "--format",
        "json",
        "-o",
        str(output),
        "-q",
        "--workers",
        str(workers),
    ]
    started = time.perf_counter()
    with subprocess.Popen(
        command,
        env={**os.environ, **_ENV},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        with TreeSampler(proc.pid) as tree:
            stderr = proc.stderr.read() if proc.stderr else ""
            _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        return {
            "tool": name,
            "error": (stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1],
        }
    with output.open(encoding="utf-8") as handle:
        found = json.load(handle)
    articles = int(found["articles"])
    record = {
        "tool": name,
        "articles": articles,
        "config": detector_config(workers).fingerprint(),
        "workers": workers,
        "timings": {"wall": round(wall, 4)},
        "rates": {"wall": round(articles / wall, 1)},
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "tree_peak_rss_mb": round(tree.peak_mb, 1),
        "counts": {k: v for k, v in found.get("stats", {}).items() if not k.endswith("_s")},
    }
    return _score(record, output, corpus, score)


def main(argv: list[str] | None = None) -> int:
    """Child entry point (used by :func:`run_library`)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.suite.detector")
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--clusters", required=True, type=Path)
    parser.add_argument("--report", required=True, type=Path)
    args = parser.parse_args(argv)
    try:
        record = child(args.corpus, args.workers, args.clusters)
    except (NewsDedupError, OSError) as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    args.report.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
