"""Run one peer on a corpus, in a process of its own, and score what it found.

Why a process per peer: peak memory (``ru_maxrss``) is a per-process high-water
mark, so each peer runs alone in a fresh interpreter that reports its own
peak. The child reads ``articles.jsonl`` lazily, shingles it in batches
(timed as the ``read`` and ``shingle`` stages, which are the same work for
every peer and excluded from the peer's own time), runs the peer, turns its
pairs into clusters and writes them as JSONL; the parent then scores the
clusters against ``gold.jsonl`` with :func:`newsdedup.evaluate.metrics.evaluate_files`.

Example:
    >>> record = run_peer("numpy-minhash", "benchmarks/data/10k", PeerParams(), "/tmp/peers")  # doctest: +SKIP
    >>> record["rates"]["sign"], record["quality"]["pairwise"]["f1"]  # doctest: +SKIP
    (5321.0, 0.61)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from newsdedup.errors import InputError, NewsDedupError
from newsdedup.evaluate.metrics import evaluate_files

from . import NEEDS_WORDS, PEERS, load_peer
from .base import (
    Doc,
    PeerParams,
    PeerSkipped,
    Stopwatch,
    clusters_from_pairs,
    lsh_params,
    lsh_params_exact,
    shingle,
    words,
)

__all__ = ["SKIPPED_EXIT", "read_batches", "run_peer"]

SKIPPED_EXIT = 3
BATCH = 1024
_ROOT = Path(__file__).resolve().parents[2]


def _rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read_batches(
    path: Path, params: PeerParams, clock: Stopwatch, ids: list[str], with_words: bool = False
) -> Iterator[list[Doc]]:
    """Batches of shingled documents from ``articles.jsonl``; appends every id read to ``ids``.

    Documents without a single word are left out (they are singletons for
    every peer). Time spent here is charged to ``read`` and ``shingle``.
    """
    batch: list[Doc] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            with clock("read"):
                try:
                    record = json.loads(line)
                    aid, text = (
                        str(record["id"]),
                        f"{record.get('title') or ''}\n\n{record['text']}",
                    )
                except (json.JSONDecodeError, KeyError, TypeError) as err:
                    raise InputError(
                        f"not an article record ({err})", path=str(path), line=number
                    ) from None
            with clock("shingle"):
                ids.append(aid)
                shingles = shingle(text, params.shingle_size)
                if shingles:
                    batch.append(
                        Doc(len(ids) - 1, aid, shingles, words(text) if with_words else None)
                    )
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def _write_clusters(path: Path, labels, ids: list[str]) -> int:
    """JSONL ``{"id", "cluster"}`` for members of clusters of two or more; returns their count."""
    sizes: dict[int, int] = {}
    for label in labels:
        sizes[label] = sizes.get(label, 0) + 1
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for aid, label in zip(ids, labels):
            if sizes[label] > 1:
                out.write(json.dumps({"id": aid, "cluster": int(label)}) + "\n")
                written += 1
    return written


def child(peer: str, corpus: Path, params: PeerParams, clusters_path: Path) -> dict[str, Any]:
    """Run ``peer`` on ``corpus`` in this process; the record the parent reads back."""
    run = load_peer(peer)
    lsh_params(params.threshold, params.num_perm)  # cached: banding is set-up, not the peer's work
    lsh_params_exact(params.threshold, params.num_perm)
    rss_before = _rss_mb()
    clock, ids = Stopwatch(), []
    started = time.perf_counter()
    result = run(
        read_batches(corpus / "articles.jsonl", params, clock, ids, peer in NEEDS_WORDS), params
    )
    wall = time.perf_counter() - started
    peak = _rss_mb()
    with clock("cluster"):
        labels = clusters_from_pairs(result.pairs, len(ids))
        clustered = _write_clusters(clusters_path, labels, ids)
    timings = {**clock.seconds, **result.timings}
    timings["peer"] = wall - clock.seconds.get("read", 0.0) - clock.seconds.get("shingle", 0.0)
    timings["wall"] = wall + timings["cluster"]
    return {
        "peer": peer,
        "articles": len(ids),
        "params": asdict(params),
        "pairs": len(result.pairs),
        "clustered_articles": clustered,
        "timings": {k: round(v, 4) for k, v in timings.items()},
        "rates": {k: round(len(ids) / v, 1) for k, v in timings.items() if v > 0},
        "rss_before_mb": round(rss_before, 1),
        "peak_rss_mb": round(peak, 1),
        "notes": result.notes,
    }


def run_peer(
    peer: str, corpus: str | Path, params: PeerParams, workdir: str | Path, score: bool = True
) -> dict[str, Any]:
    """Run ``peer`` in a fresh process on ``corpus`` and score it against the corpus's gold.

    Args:
        peer: A name of :data:`benchmarks.peers.PEERS`.
        corpus: Folder with ``articles.jsonl`` (and ``gold.jsonl`` to score).
        params: Shared peer settings.
        workdir: Where the peer's clusters file is written.
        score: Score the clusters against gold (the suite scores only one
            of several repetitions).

    Returns:
        The child's record (timings, rates = articles per second per stage,
        peak RSS, ``clusters_file``) plus ``quality`` (see
        :func:`newsdedup.evaluate.metrics.evaluate_files`), or ``{"peer", "skipped"}``
        / ``{"peer", "error"}``.
    """
    corpus, workdir = Path(corpus), Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    clusters, report = workdir / f"{peer}.clusters.jsonl", workdir / f"{peer}.report.json"
    command = [
        sys.executable,
        "-m",
        "benchmarks.peers.run",
        "--peer",
        peer,
        "--corpus",
        str(corpus),
        "--clusters",
        str(clusters),
        "--report",
        str(report),
        "--params",
        json.dumps(asdict(params)),
    ]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(_ROOT / "src"), str(_ROOT)])}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    message = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
    if done.returncode == SKIPPED_EXIT:
        return {"peer": peer, "skipped": message}
    if done.returncode != 0:
        return {"peer": peer, "error": message}
    record = json.loads(report.read_text(encoding="utf-8"))
    record["clusters_file"] = str(clusters)
    if score and (corpus / "gold.jsonl").exists():
        record["quality"] = evaluate_files(clusters, corpus / "gold.jsonl")
    return record


def main(argv: list[str] | None = None) -> int:
    """Child entry point (used by :func:`run_peer`)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peers.run")
    parser.add_argument("--peer", required=True, choices=sorted(PEERS))
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--clusters", required=True, type=Path)
    parser.add_argument("--report", required=True, type=Path)
    parser.add_argument("--params", default="{}", help="PeerParams as JSON")
    args = parser.parse_args(argv)
    try:
        record = child(args.peer, args.corpus, PeerParams(**json.loads(args.params)), args.clusters)
    except PeerSkipped as err:
        print(f"skipped: {err}", file=sys.stderr)
        return SKIPPED_EXIT
    except (NewsDedupError, OSError) as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    args.report.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
