"""``python -m benchmarks.suite.realnoise``: scanned and wrapped copies of *real* Reuters dispatches.

Why: the synthetic generator's OCR and long-wrapper edits are what the
detector was tuned on, so its figures there are optimistic. This check is
built apart from the generator: real Reuters-21578 dispatches (not the
sentence bank), its own noiser (each character independently, at a rate
drawn from 1–4%: the issue's look-alikes ``l``/``1``/``i``, ``o``/``0``/``e``,
``m`` → ``rn``, and lost spaces and commas) and its own wrapper (the whole
dispatch between paragraphs of other, random dispatches, 25–40% of the final
article's words, headed by another dispatch's title).

The corpus: ``--dispatches`` sampled dispatches of 120 words or more, one
scanned copy and one wrapped copy of each, plus ``--distractors`` other
dispatches. Reported: the share of scanned and of wrapped copies put in the
cluster of their dispatch, the relation given to the wrapped ones, and how
many clusters join two different sampled dispatches (false merges; Reuters'
own re-sends can cause a few).

Example:
    $ PYTHONPATH=src:. python -m benchmarks.suite.realnoise --dispatches 300
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

from newsdedup import Article, Detector
from newsdedup.config import DetectorConfig

from ..corpus.build import DEFAULT_DATA
from ..corpus.loaders import iter_reuters

__all__ = ["build", "main", "scan_text", "score", "wrap_text"]

#: The issue's OCR errors: a character and what it may be misread as ("" = lost).
MISREADS = {
    "l": ("1", "i"),
    "1": ("l",),
    "i": ("l", "1"),
    "o": ("0", "e"),
    "0": ("o",),
    "e": ("o",),
    "m": ("rn",),
    " ": ("",),
    ",": ("",),
}


def scan_text(text: str, rng: random.Random, rate: float) -> str:
    """Each character that has a look-alike (or is a space or comma) misread with probability ``rate × 3``.

    About a third of a text's characters have a misreading, so ``rate`` is
    the share of all characters misread.
    """
    return "".join(
        rng.choice(MISREADS[ch]) if ch in MISREADS and rng.random() < 3 * rate else ch
        for ch in text
    )


def wrap_text(dispatch: str, others: list[Article], rng: random.Random, share: float) -> str:
    """The dispatch whole, between paragraphs of ``others``, making up ``share`` of the words."""
    words = len(dispatch.split())
    outside = words * (1.0 - share) / share
    paragraphs: list[str] = []
    for other in others:
        for paragraph in other.text.split("\n"):
            if len(paragraph.split()) >= 8:
                paragraphs.append(" ".join(paragraph.split()))
        if sum(len(p.split()) for p in paragraphs) >= outside:
            break
    chosen, total = [], 0
    for p in paragraphs:
        if total >= outside:
            break
        chosen.append(p)
        total += len(p.split())
    cut = max(1, round(len(chosen) * rng.uniform(0.3, 0.7)))
    return "\n\n".join([*chosen[:cut], dispatch, *chosen[cut:]])


def build(data: Path, dispatches: int, distractors: int, seed: int) -> tuple[list[Article], dict]:
    """The articles and, per sampled dispatch id, the ids of its scanned and wrapped copies."""
    rng = random.Random(seed)
    pool = [a for a in iter_reuters(data / "reuters21578") if len(a.text.split()) >= 120]
    rng.shuffle(pool)
    sampled, rest = pool[:dispatches], pool[dispatches : dispatches + distractors + 40 * dispatches]
    articles = [Article(a.id, a.text, title=a.title, published=a.published) for a in sampled]
    articles += [Article(a.id, a.text, title=a.title) for a in rest[:distractors]]
    wrappers = rest[distractors:]
    copies: dict[str, dict[str, str]] = {}
    for i, a in enumerate(sampled):
        scanned = scan_text(a.text, rng, rng.uniform(0.01, 0.04))
        others = wrappers[(i * 40) % len(wrappers) :][:40]
        wrapped = wrap_text(a.text, others, rng, rng.uniform(0.25, 0.40))
        articles.append(Article(f"{a.id}-scan", scanned, title=scan_text(a.title or "", rng, 0.02)))
        articles.append(Article(f"{a.id}-wrap", wrapped, title=others[0].title))
        copies[a.id] = {"scan": f"{a.id}-scan", "wrap": f"{a.id}-wrap"}
    return articles, copies


def score(articles: list[Article], copies: dict, config: DetectorConfig) -> dict:
    """Found-rates of the scanned and wrapped copies, relations of the wrapped, false merges."""
    started = time.perf_counter()
    result = Detector(config).run(articles)
    seconds = time.perf_counter() - started
    cluster_of, relation = {}, {}
    for n, c in enumerate(result.clusters):
        cluster_of[c.original] = n
        for m in c.members:
            cluster_of[m.id] = n
            relation[m.id] = m.relation.value
    found = Counter()
    relations = Counter()
    for base, kinds in copies.items():
        for kind, cid in kinds.items():
            if base in cluster_of and cluster_of.get(cid) == cluster_of[base]:
                found[kind] += 1
                if kind == "wrap":
                    relations[relation.get(cid, relation.get(base, "original"))] += 1
    bases_per_cluster = Counter(cluster_of[b] for b in copies if b in cluster_of)
    n = len(copies)
    return {
        "dispatches": n,
        "articles": len(articles),
        "scan_found": round(found["scan"] / n, 4),
        "wrap_found": round(found["wrap"] / n, 4),
        "wrap_relations": dict(relations),
        "clusters_joining_dispatches": sum(1 for v in bases_per_cluster.values() if v > 1),
        "seconds": round(seconds, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.suite.realnoise")
    parser.add_argument("--dispatches", type=int, default=300)
    parser.add_argument("--distractors", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, help="append the JSON record to this file")
    args = parser.parse_args(argv)
    if not (args.data / "reuters21578").is_dir():
        print(f"Error: no reuters21578 folder under {args.data}", file=sys.stderr)
        return 2
    articles, copies = build(args.data, args.dispatches, args.distractors, args.seed)
    record = score(articles, copies, DetectorConfig())
    record["seed"] = args.seed
    print(json.dumps(record))
    if args.out:
        with args.out.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
