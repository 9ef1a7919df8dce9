"""``python -m benchmarks.peers --corpus DIR``: run the peers one by one and print a table.

Each run appends one JSON line per peer to ``OUT/peers.jsonl``, keyed by the
corpus manifest (size, seed, generator version), the peer settings and the
git commit, so runs can be compared later.

Example:
    $ python -m benchmarks.peers --corpus /tmp/c10k --out /tmp/peers --peers numpy-minhash,rensa
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from . import PEERS
from .base import PeerParams
from .run import run_peer

_ROOT = Path(__file__).resolve().parents[2]


def _commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=_ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return done.stdout.strip() or None


def format_table(records: list[dict[str, Any]]) -> str:
    """One line per peer: articles/s per stage, peak RSS, and quality against gold."""
    head = (
        f"{'peer':<16}{'sign/s':>10}{'index/s':>10}{'peer/s':>10}{'wall/s':>9}{'RSS MB':>8}"
        f"{'P':>7}{'R':>7}{'F1':>7}{'ARI':>7}{'tmpl':>6}"
    )
    lines = [head]
    for r in records:
        if "rates" not in r:
            lines.append(f"{r['peer']:<16}{r.get('skipped') or 'error: ' + r.get('error', '?')}")
            continue
        rates = r["rates"]
        sign = rates.get("sign", rates.get("vectorize", 0.0))
        index = rates.get("index", rates.get("compare", 0.0))
        q = r.get("quality", {})
        pw = q.get("pairwise", {})
        merges = q.get("false_merges_by_kind", {}).get("template", {}).get("count", "")
        lines.append(
            f"{r['peer']:<16}{sign:>10,.0f}{index:>10,.0f}{rates.get('peer', 0):>10,.0f}"
            f"{rates.get('wall', 0):>9,.0f}{r['peak_rss_mb']:>8.0f}{pw.get('precision', 0):>7.3f}"
            f"{pw.get('recall', 0):>7.3f}{pw.get('f1', 0):>7.3f}{q.get('ari', 0):>7.3f}{merges!s:>6}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.peers", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--corpus", required=True, type=Path, help="folder with articles.jsonl and gold.jsonl"
    )
    parser.add_argument(
        "--out", type=Path, default=_ROOT / "benchmarks" / "results", help="results folder"
    )
    parser.add_argument(
        "--peers", default="all", help=f"comma-separated subset of: {', '.join(PEERS)}"
    )
    defaults = PeerParams()
    parser.add_argument("--threshold", type=float, default=defaults.threshold)
    parser.add_argument("--num-perm", type=int, default=defaults.num_perm)
    parser.add_argument("--shingle-size", type=int, default=defaults.shingle_size)
    parser.add_argument("--cosine-threshold", type=float, default=defaults.cosine_threshold)
    args = parser.parse_args(argv)
    names = (
        list(PEERS)
        if args.peers == "all"
        else [p.strip() for p in args.peers.split(",") if p.strip()]
    )
    unknown = [n for n in names if n not in PEERS]
    if unknown or not (args.corpus / "articles.jsonl").is_file():
        problem = (
            f"unknown peer(s) {', '.join(unknown)}"
            if unknown
            else f"no articles.jsonl in {args.corpus}"
        )
        print(f"Error: {problem}", file=sys.stderr)
        return 2
    params = PeerParams(args.threshold, args.num_perm, args.shingle_size, args.cosine_threshold)
    manifest_path = args.corpus / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    key = {
        "corpus": str(args.corpus),
        "size": manifest.get("size"),
        "seed": manifest.get("seed"),
        "generator_version": manifest.get("generator_version"),
        "params": asdict(params),
        "commit": _commit(),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    records = []
    for name in names:
        print(f"running {name}...", file=sys.stderr)
        record = run_peer(name, args.corpus, params, args.out / "work")
        records.append(record)
        with (args.out / "peers.jsonl").open("a", encoding="utf-8") as out:
            out.write(json.dumps({**key, **record}) + "\n")
    print(format_table(records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
