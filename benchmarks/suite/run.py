"""``python -m benchmarks.suite.run --size 10k``: the whole suite at one size, results appended to JSONL.

Generates (or reuses) the synthetic corpus under ``benchmarks/data/``, runs
newsdedup and every peer feasible at that size, each in its own process and
repeated within a time budget (see :mod:`benchmarks.suite.plan`), appends one
JSON line per tool to ``benchmarks/results/results.jsonl`` and prints the
figures with newsdedup's ratio to each peer. ``python -m benchmarks.suite.render``
then redraws the README's tables and plots from all stored results.

Example:
    $ python -m benchmarks.suite.run --size 10k
    $ python -m benchmarks.suite.run --size 1M --tools newsdedup-w2,newsdedup-scan-w2 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from newsdedup.errors import NewsDedupError

from ..corpus.build import DEFAULT_DATA, parse_size
from ..peers import PEERS
from ..peers.base import PeerParams
from .measure import ROOT
from .plan import DATA_ROOT, SuiteOptions, ensure_corpus, parse_tools, run_suite
from .report import ratio_rows, recall_rows, skipped_lines, text_table, tool_rows

RESULTS = ROOT / "benchmarks" / "results"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.suite.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--size",
        default="10k",
        help="articles in the synthetic corpus: 10k, 100k, 1M (default 10k)",
    )
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument(
        "--corpus", type=Path, help="use this corpus folder instead of generating one"
    )
    parser.add_argument(
        "--tools",
        default="all",
        help="comma-separated tools: newsdedup[-scan][-wN] (library or CLI, N signing processes) "
        f"and peers ({', '.join(PEERS)}); default all",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="most runs per tool; medians are kept (default 3)"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=30.0,
        help="seconds a tool may take in total before it is not repeated (default 30)",
    )
    parser.add_argument(
        "--max-minutes",
        type=float,
        default=10.0,
        help="skip tools expected to take longer than this at the size (default 10)",
    )
    parser.add_argument(
        "--data",
        default=str(DEFAULT_DATA),
        help="folder with bbc/ and reuters21578/ (corpus source)",
    )
    parser.add_argument(
        "--out", type=Path, default=RESULTS, help="results folder (default benchmarks/results)"
    )
    return parser


def print_report(records: list[dict]) -> None:
    """The three tables of one suite: tools, ratios to peers, recall by edit."""
    print(text_table(*tool_rows(records)))
    for line in skipped_lines(records):
        print(f"  {line}")
    print("\nnewsdedup's ratio to each peer (speed: >1 is faster; RSS: <1 is leaner)")
    print(text_table(*ratio_rows(records)))
    print("\nrecall by edit")
    print(text_table(*recall_rows(records)))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        tools = parse_tools(args.tools)
        if args.corpus is not None:
            corpus = args.corpus
            if not (corpus / "manifest.json").is_file():
                raise NewsDedupError(f"no manifest.json in {corpus}")
        else:
            corpus = ensure_corpus(
                parse_size(args.size),
                args.seed,
                args.data,
                DATA_ROOT,
                log=lambda m: print(m, file=sys.stderr),
            )
        options = SuiteOptions(
            repeat=max(1, args.repeat),
            budget_s=args.budget,
            max_minutes=args.max_minutes,
            params=PeerParams(),
            workdir=args.out / "work",
        )
        records = run_suite(corpus, options, tools)
        args.out.mkdir(parents=True, exist_ok=True)
        with (args.out / "results.jsonl").open("a", encoding="utf-8") as out:
            out.writelines(json.dumps(r, sort_keys=True) + "\n" for r in records)
    except NewsDedupError as err:
        print(f"Error: {err}", file=sys.stderr)
        return err.exit_code
    print_report(records)
    commit = records[0].get("commit") if records else None
    print(
        f"\n{len(records)} records ({commit or 'no commit'}{' + changes' if records and records[0].get('dirty') else ''})"
        f" appended to {args.out / 'results.jsonl'}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
