"""``python -m benchmarks.suite.real``: newsdedup on Reuters-21578 and BBC News, for a person to judge.

Neither corpus has duplicate labels, so nothing here is an accuracy. Each
corpus is run through the detector at default settings, in a process of its
own (so its peak memory is its own), and the report says what was found:
counts by relation (every confirmed match, templates included, and the
members of clusters), speed per stage, peak memory, and a sample of matches
of every relation with ids, titles, dates, scores, the detector's reason and
the opening words of both texts. Samples are drawn with a fixed seed, so
reruns of the same code show the same matches.

One JSON line per corpus is appended to ``benchmarks/results/real.jsonl``
(keyed by the commit); ``python -m benchmarks.suite.render`` shows it in the README.

Example:
    $ python -m benchmarks.suite.real --sample 4
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from newsdedup.errors import NewsDedupError

from ..corpus.build import DEFAULT_DATA
from ..corpus.loaders import iter_bbc, iter_reuters
from ..peers.base import Stopwatch
from .detector import _timed, detector_config
from .measure import ROOT, code_version, machine, peak_rss_mb, suite_id

__all__ = ["CORPORA", "run_corpus", "sample_matches"]

CORPORA = {"reuters": ("reuters21578", iter_reuters), "bbc": ("bbc", iter_bbc)}
SNIPPET = 240


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET else flat[:SNIPPET].rsplit(" ", 1)[0] + " …"


def _side(article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "start": _snippet(article.text),
    }


def sample_matches(
    matches: list, articles: dict, per_relation: int, seed: int = 1
) -> list[dict[str, Any]]:
    """Up to ``per_relation`` matches of every relation, drawn with ``seed``, each with both sides shown.

    Example:
        >>> from newsdedup.models import Article, Match, Relation, Scores
        >>> arts = {i: Article(i, f"text {i}", title=i.upper()) for i in "ab"}
        >>> [m["a"]["title"] for m in sample_matches([Match("a", "b", Relation.NEAR, Scores(1, 1, 1))], arts, 2)]
        ['A']
    """
    rng = random.Random(seed)
    chosen = []
    for relation in sorted({m.relation.value for m in matches}):
        of_relation = [m for m in matches if m.relation.value == relation]
        for match in sorted(
            rng.sample(of_relation, min(per_relation, len(of_relation))), key=lambda m: (m.a, m.b)
        ):
            chosen.append(
                {
                    "relation": relation,
                    **match.scores.to_dict(),
                    "reason": match.reason,
                    "a": _side(articles[match.a]),
                    "b": _side(articles[match.b]),
                }
            )
    return chosen


def run_corpus(name: str, data: Path, workers: int, per_relation: int) -> dict[str, Any]:
    """Run the detector on one real corpus in this process; counts, timings, memory and samples."""
    from newsdedup import Detector

    folder, loader = CORPORA[name]
    clock, kept = Stopwatch(), {}

    def keep(article):
        kept[article.id] = article
        return article

    config = detector_config(workers)
    started = time.perf_counter()
    result = Detector(config).run(map(keep, _timed(loader(data / folder), clock, "read")))
    seconds = time.perf_counter() - started
    stats = result.stats
    read = clock.seconds.get("read", 0.0)
    timings = {
        "read": read,
        "sign": stats["read_sign_s"] - read,
        "candidates": stats["candidates_s"],
        "verify": stats["verify_s"],
        "cluster": stats["cluster_s"],
        "wall": seconds,
    }
    return {
        "corpus": name,
        "path": str(data / folder),
        "articles": result.articles,
        "config": config.fingerprint(),
        "workers": workers,
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "rate": round(result.articles / seconds, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "clusters": len(result.clusters),
        "duplicates": result.duplicates,
        "matches_by_relation": dict(
            sorted(Counter(m.relation.value for m in result.matches).items())
        ),
        "members_by_relation": dict(
            sorted(Counter(m.relation.value for c in result.clusters for m in c.members).items())
        ),
        "largest_cluster": max((c.size for c in result.clusters), default=0),
        "samples": sample_matches(result.matches, kept, per_relation),
    }


def _child(name: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "benchmarks.suite.real",
        "--only",
        name,
        "--data",
        str(args.data),
        "--workers",
        str(args.workers),
        "--sample",
        str(args.sample),
        "--child",
    ]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {
            "corpus": name,
            "error": (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1],
        }
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.suite.real", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="folder with reuters21578/ and bbc/"
    )
    parser.add_argument("--only", choices=sorted(CORPORA), help="one corpus (default both)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--sample", type=int, default=5, help="matches shown per relation (default 5)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        try:
            print(json.dumps(run_corpus(args.only, args.data, args.workers, args.sample)))
        except NewsDedupError as err:
            print(f"Error: {err}", file=sys.stderr)
            return err.exit_code
        return 0
    key = {"suite": suite_id(), **code_version(), "machine": machine()}
    records = [
        {**key, **_child(name, args)} for name in ([args.only] if args.only else sorted(CORPORA))
    ]
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "real.jsonl").open("a", encoding="utf-8") as out:
        out.writelines(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
    for r in records:
        if "error" in r:
            print(f"{r['corpus']}: Error: {r['error']}", file=sys.stderr)
            continue
        print(
            f"{r['corpus']}: {r['articles']:,} articles in {r['timings']['wall']:.1f} s ({r['rate']:,.0f}/s), "
            f"peak RSS {r['peak_rss_mb']:,.0f} MB; {r['clusters']} clusters, {r['duplicates']} duplicates; "
            f"matches {r['matches_by_relation']}; members {r['members_by_relation']}"
        )
    return 1 if any("error" in r for r in records) else 0


if __name__ == "__main__":
    sys.exit(main())
