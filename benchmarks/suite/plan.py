"""The benchmark suite: newsdedup and every feasible peer on one corpus, repeated, medians kept.

Why a suite: a figure means something only next to the others of the same
run, on the same corpus, on the same (noisy, 2-core) machine. The suite

1. generates the synthetic corpus of the requested size and seed under
   ``benchmarks/data/`` or reuses it (:func:`ensure_corpus`);
2. decides which tools are feasible at that size (:func:`plan`): the exact
   peers are quadratic and stop at 25,000 articles, and a tool whose
   expected time exceeds the limit is skipped with the estimate recorded;
3. runs every tool in a process of its own, round after round
   (:func:`run_suite`): interleaving the repetitions spreads the machine's
   load changes over all tools. A tool is run again only while its total
   time stays within the budget, so slow tools get one run and fast tools
   up to ``repeat``;
4. keeps the median of every stage and of the peak memory, scores the
   last run's clusters against gold (:func:`benchmarks.suite.quality.score`; every
   tool is deterministic, and ``outputs_differ`` flags a tool whose runs
   clustered different numbers of articles), and returns one record per
   tool, keyed by the corpus, the tool's settings and the git commit.

Example:
    >>> records = run_suite(ensure_corpus(10_000, 1), SuiteOptions(repeat=3))  # doctest: +SKIP
    >>> [r["tool"] for r in records][:3]  # doctest: +SKIP
    ['newsdedup', 'newsdedup-w2', 'newsdedup-scan']
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from newsdedup.errors import ConfigError

from ..corpus.build import DEFAULT_DATA, write_corpus
from ..peers import PEERS
from ..peers.base import PeerParams
from ..peers.exact import MAX_DOCS
from ..peers.run import run_peer
from .detector import run_library, run_scan
from .measure import ROOT, code_version, machine, suite_id
from .quality import score

__all__ = [
    "DEFAULT_TOOLS",
    "SuiteOptions",
    "Tool",
    "ensure_corpus",
    "format_size",
    "parse_tools",
    "plan",
    "run_suite",
]

DATA_ROOT = ROOT / "benchmarks" / "data"

#: Tools of a default run, in order.
DEFAULT_TOOLS = ("newsdedup", "newsdedup-w2", "newsdedup-scan", *PEERS)

#: Expected end-to-end articles per second of each tool on the loaded 2-core machine (rounded down
#: from the 100k suite), used only to skip tools that would take longer than the limit.
EXPECTED_RATE = {
    "datasketch": 55,
    "numpy-minhash": 600,
    "datasketch-fast": 1000,
    "rensa": 2000,
    "rensa-flat": 2000,
    "rensa-sets": 2000,
    "exact-jaccard": 450,
    "exact-tfidf": 250,
}
#: Largest corpus each quadratic peer accepts.
MAX_SIZE = {"exact-jaccard": MAX_DOCS, "exact-tfidf": MAX_DOCS}


def format_size(n: int) -> str:
    """``10000`` → ``10k``, ``1000000`` → ``1M``, ``300`` → ``300``.

    Example:
        >>> format_size(10_000), format_size(1_000_000), format_size(2_500), format_size(300)
        ('10k', '1M', '2500', '300')
    """
    for unit, value in (("M", 1_000_000), ("k", 1_000)):
        if n >= value and n % value == 0:
            return f"{n // value}{unit}"
    return str(n)


@dataclass(frozen=True)
class Tool:
    """One thing the suite runs: ``newsdedup[-scan][-wN]`` or a peer name."""

    name: str
    kind: str  # "newsdedup", "scan" or "peer"
    workers: int = 1

    def run(self, corpus: Path, workdir: Path, params: PeerParams) -> dict[str, Any]:
        """One run in a fresh process, unscored."""
        if self.kind == "peer":
            record = run_peer(self.name, corpus, params, workdir, score=False)
            return {"tool": record.pop("peer"), **record}
        runner = run_scan if self.kind == "scan" else run_library
        return runner(corpus, self.workers, workdir, score=False)

    def settings(self, params: PeerParams) -> dict[str, Any]:
        """What the tool's figures depend on, for the record's key."""
        if self.kind == "peer":
            return {"params": asdict(params)}
        from .detector import detector_config

        return {"config": detector_config(self.workers).fingerprint(), "workers": self.workers}


_NEWSDEDUP = re.compile(r"newsdedup(?P<scan>-scan)?(?:-w(?P<workers>[1-9][0-9]*))?")


def parse_tools(spec: str) -> list[Tool]:
    """``all`` or comma-separated names: ``newsdedup``, ``newsdedup-w2``, ``newsdedup-scan-w2``, peers.

    Raises:
        ConfigError: An unknown name.

    Example:
        >>> [(t.name, t.kind, t.workers) for t in parse_tools("newsdedup-scan-w2,rensa")]
        [('newsdedup-scan-w2', 'scan', 2), ('rensa', 'peer', 1)]
    """
    names = (
        DEFAULT_TOOLS
        if spec.strip() == "all"
        else [n.strip() for n in spec.split(",") if n.strip()]
    )
    tools = []
    for name in names:
        match = _NEWSDEDUP.fullmatch(name)
        if match:
            tools.append(
                Tool(name, "scan" if match["scan"] else "newsdedup", int(match["workers"] or 1))
            )
        elif name in PEERS:
            tools.append(Tool(name, "peer"))
        else:
            raise ConfigError(
                f"unknown tool {name!r}; use newsdedup[-scan][-wN] or one of: {', '.join(PEERS)}"
            )
    return tools


def plan(
    tools: list[Tool], size: int, max_minutes: float
) -> tuple[list[Tool], list[dict[str, Any]]]:
    """Split ``tools`` into those to run at ``size`` and skip records for the others.

    Example:
        >>> run, skipped = plan(parse_tools("newsdedup,datasketch,exact-tfidf"), 100_000, 10)
        >>> [t.name for t in run], [s["tool"] for s in skipped]
        (['newsdedup'], ['datasketch', 'exact-tfidf'])
    """
    keep, skipped = [], []
    for tool in tools:
        if size > MAX_SIZE.get(tool.name, size):
            skipped.append(
                {
                    "tool": tool.name,
                    "skipped": f"quadratic: runs on {MAX_SIZE[tool.name]:,} articles or fewer",
                }
            )
            continue
        rate = EXPECTED_RATE.get(tool.name)
        if rate and size / rate > max_minutes * 60:
            skipped.append(
                {
                    "tool": tool.name,
                    "estimated_s": round(size / rate),
                    "skipped": f"expected {size / rate / 60:.0f} min at ~{rate} articles/s (limit "
                    f"{max_minutes:g} min)",
                }
            )
            continue
        keep.append(tool)
    return keep, skipped


def ensure_corpus(
    size: int,
    seed: int,
    data: str | Path = DEFAULT_DATA,
    root: str | Path = DATA_ROOT,
    log: Callable[[str], None] | None = None,
) -> Path:
    """The folder of the corpus of ``size`` articles and ``seed``, generated when missing or stale."""
    from ..corpus.generator import GENERATOR_VERSION
    from ..corpus.sentences import SentenceBank

    folder = Path(root) / f"{format_size(size)}-seed{seed}"
    manifest = folder / "manifest.json"
    if manifest.exists() and (folder / "gold.jsonl").exists():
        known = json.loads(manifest.read_text(encoding="utf-8"))
        if (known.get("size"), known.get("seed"), known.get("generator_version")) == (
            size,
            seed,
            GENERATOR_VERSION,
        ):
            return folder
    if log:
        log(f"generating {size:,} articles (seed {seed}) into {folder}...")
    write_corpus(folder, size, seed, SentenceBank.from_data(data))
    return folder


@dataclass
class SuiteOptions:
    """How the suite runs.

    Attributes:
        repeat: Most runs of one tool.
        budget_s: A tool is run again only while its runs so far plus one
            more (as long as its last) stay within this many seconds.
        max_minutes: Tools expected to take longer at this size are skipped.
        params: Peer settings (threshold, permutations, shingle size).
        workdir: Where clusters files go (default ``benchmarks/results/work``).
    """

    repeat: int = 3
    budget_s: float = 30.0
    max_minutes: float = 10.0
    params: PeerParams = field(default_factory=PeerParams)
    workdir: Path = ROOT / "benchmarks" / "results" / "work"


def _median_record(tool: Tool, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The first run's record with every timing and memory figure replaced by its median over ``runs``."""
    record = dict(runs[0])
    n = record["articles"]
    stages = [k for k in record["timings"] if all(k in r["timings"] for r in runs)]
    timings = {k: round(statistics.median(r["timings"][k] for r in runs), 4) for k in stages}
    record.update(
        timings=timings,
        rates={k: round(n / v, 1) for k, v in timings.items() if v > 0},
        runs=len(runs),
        wall_runs=[r["timings"]["wall"] for r in runs],
        outputs_differ=len({r.get("clustered_articles") for r in runs}) > 1,
    )
    for key in ("peak_rss_mb", "tree_peak_rss_mb", "children_peak_rss_mb", "rss_before_mb"):
        if all(key in r for r in runs):
            record[key] = round(statistics.median(r[key] for r in runs), 1)
    return record


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_suite(
    corpus: Path,
    options: SuiteOptions,
    tools: list[Tool] | None = None,
    log: Callable[[str], None] = _log,
) -> list[dict[str, Any]]:
    """Run ``tools`` (default: all feasible) on ``corpus``; one record per tool, skipped ones included.

    Every record holds the key (``suite`` id, ``size``, ``seed``,
    ``generator_version``, ``commit``, ``dirty``, ``machine``, the tool's
    settings), median ``timings`` and ``rates`` (articles per second of each
    stage), median peak memory, ``runs`` and ``quality``.
    """
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    size = int(manifest["articles"])
    todo, skipped = plan(list(tools or parse_tools("all")), size, options.max_minutes)
    key = {
        "suite": suite_id(),
        "size": size,
        "seed": manifest.get("seed"),
        "generator_version": manifest.get("generator_version"),
        "corpus": str(corpus),
        **code_version(),
        "machine": machine(),
    }
    runs: dict[str, list[dict[str, Any]]] = {t.name: [] for t in todo}
    failed: dict[str, dict[str, Any]] = {}
    spent: dict[str, float] = {t.name: 0.0 for t in todo}
    for round_ in range(options.repeat):
        for tool in todo:
            if tool.name in failed or (
                round_ and spent[tool.name] * (1 + 1 / round_) > options.budget_s
            ):
                continue
            log(f"[{round_ + 1}/{options.repeat}] {tool.name} on {size:,} articles...")
            started = time.perf_counter()
            record = tool.run(corpus, options.workdir, options.params)
            spent[tool.name] += time.perf_counter() - started
            if "timings" not in record:
                failed[tool.name] = record
            else:
                runs[tool.name].append(record)
    records = []
    for tool in todo:
        if tool.name in failed:
            records.append({**key, **failed[tool.name]})
            continue
        record = _median_record(tool, runs[tool.name])
        if (corpus / "gold.jsonl").exists():
            record["quality"] = score(record["clusters_file"], corpus / "gold.jsonl")
        records.append({**key, **tool.settings(options.params), **record})
    return records + [{**key, **s} for s in skipped]
