"""``python -m benchmarks.suite.reuters_titles``: Reuters-21578 dispatches that share a title.

Why: the corpus holds real recurring reports (the same title and wording on
another day, other data) and real re-sends and corrections (the same title
within hours). Every pair of consecutive dispatches (by publication time)
with the same title is judged as a scan would (IDF from all the dispatches
of these pairs) and counted by publication gap and relation: re-sends within
a day should be duplicates, reports a day or more apart whose data changed
should be templates. Nobody labelled these pairs: the table says what the
detector does, and a person reads the examples it prints.

Example:
    $ PYTHONPATH=src:. python -m benchmarks.suite.reuters_titles --examples 5
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

from newsdedup.config import DetectorConfig
from newsdedup.judge.features import pair_scores
from newsdedup.judge.verify import RELATION_NAMES, relation_codes

from ..corpus.loaders import data_root, iter_reuters

__all__ = ["judge", "same_title_pairs"]


def same_title_pairs(articles: list) -> list[tuple[int, int]]:
    """Consecutive dispatches (by time) of each title held by two or more dated dispatches."""
    by_title: dict[str, list[int]] = collections.defaultdict(list)
    for n, a in enumerate(articles):
        if a.title and a.published is not None:
            by_title[a.title.strip().upper()].append(n)
    pairs = []
    for members in by_title.values():
        members.sort(key=lambda n: articles[n].published)
        pairs += list(zip(members, members[1:]))
    return pairs


def judge(articles: list, pairs: list[tuple[int, int]]) -> list[tuple[float, str]]:
    """(gap in hours, relation) of each pair, scored as a scan scores them."""
    used = sorted({n for p in pairs for n in p})
    at = {n: i for i, n in enumerate(used)}
    scores = pair_scores([articles[n] for n in used], [(at[a], at[b]) for a, b in pairs])
    codes = relation_codes(scores, DetectorConfig())
    gaps = [
        abs((articles[b].published - articles[a].published).total_seconds()) / 3600
        for a, b in pairs
    ]
    return [(g, RELATION_NAMES[int(c)]) for g, c in zip(gaps, codes)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reuters", default=str(data_root() / "reuters21578"))
    parser.add_argument("--examples", type=int, default=0, help="print N titles per cell")
    args = parser.parse_args(argv)
    if not Path(args.reuters).is_dir():
        print(f"skipped: Reuters-21578 not found at {args.reuters}")
        return 0
    articles = list(iter_reuters(args.reuters))
    pairs = same_title_pairs(articles)
    table: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    for (a, _), (gap, relation) in zip(pairs, judge(articles, pairs)):
        table[("under 24 h" if gap < 24 else "24 h or more", relation)].append(articles[a].title)
    print(f"{len(pairs)} consecutive same-title pairs\n")
    print("| gap | relation | pairs |\n| --- | --- | ---: |")
    for (gap, relation), titles in sorted(table.items()):
        print(f"| {gap} | {relation} | {len(titles)} |")
    for (gap, relation), titles in sorted(table.items()):
        for title in titles[: args.examples]:
            print(f"  {gap}, {relation}: {title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
