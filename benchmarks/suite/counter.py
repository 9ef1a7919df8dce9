"""``python -m benchmarks.suite.counter``: real newspaper reuse (COUNTER, Urdu), cross-validated.

COUNTER pairs a news-agency dispatch with a newspaper story labelled WD
(wholly derived), PD (partly derived) or ND (not derived: same topic and
day, written independently). A pair is *flagged* when the detector relates
the two texts as copies (exact, near, partial or rewrite; a template is not
a copy).

Every figure is cross-validated: the relation model is trained as the
shipped one is (:mod:`benchmarks.suite.relation_model`: synthetic pairs
plus COUNTER dev, grouped 5-fold with a fixed seed), and each COUNTER pair
is judged by the model of the fold that left it out, at that fold's own
threshold (the "defaults"). Two ways:

* **pairwise**: each pair compared on its own, IDF from COUNTER's 600 texts;
* **scan**: the 600 texts scanned together at defaults, once per fold model;
  a pair counts as flagged only if the scan proposed *and* related it (the
  candidate search must find it too), and cross-pair matches are counted.

Also a precision/recall curve over the model threshold (WD copies against
ND, PD left out, out-of-fold probabilities), and the shipped model's own
figures on COUNTER dev (in-sample, for reference only: the model was
trained on these pairs).

One JSON line is appended to ``benchmarks/results/counter.jsonl``.

Example:
    $ PYTHONPATH=src:. python -m benchmarks.suite.counter
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from newsdedup.batch.pipeline import Detector
from newsdedup.config import DetectorConfig
from newsdedup.judge.model import load_model
from newsdedup.judge.train import TrainingSet, cross_validate
from newsdedup.judge.verify import is_flagged, relation_codes

from ..corpus.counter import DEFAULT_COUNTER, LABELS, MISSING_REASON, CounterPair, load_counter
from ..corpus.gold_pairs import counter_pairs, synthetic_pairs
from .measure import ROOT, code_version
from .relation_model import FOLDS, MAX_FALSE_POSITIVE, SEED

__all__ = ["pr_curve", "run", "scan_flags"]

CURVE = (0.2, 0.3, 0.4, 0.5, 0.6, 0.63, 0.7, 0.8, 0.9)


def _rates(flagged: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    return {lab: round(float(flagged[labels == lab].mean()), 4) for lab in LABELS}


def pr_curve(
    ts: TrainingSet, rows: np.ndarray, probability: np.ndarray, config: DetectorConfig
) -> list[dict[str, float]]:
    """Precision and recall of WD against ND, and the PD rate, at each threshold of :data:`CURVE`."""
    labels = ts.kinds[rows]
    out = []
    for t in CURVE:
        s = ts.scores.take(rows)
        s.probability = np.where(s.exact, 1.0, probability[rows])
        cfg = replace(config, verify=replace(config.verify, relation_threshold=t))
        flagged = is_flagged(relation_codes(s, cfg, load_model()))
        tp = int(np.sum(flagged & (labels == "WD")))
        fp = int(np.sum(flagged & (labels == "ND")))
        out.append(
            {
                "threshold": t,
                "precision": round(tp / max(tp + fp, 1), 4),
                "recall": round(tp / max(int(np.sum(labels == "WD")), 1), 4),
                **{f"flag_{lab}": v for lab, v in _rates(flagged, labels).items()},
            }
        )
    return out


def scan_flags(
    pairs: list[CounterPair], fold_of_pair: np.ndarray, models: list
) -> tuple[np.ndarray, int]:
    """Flags of each pair from scans of all texts, each fold's pairs judged by its own model."""
    articles = [a for p in pairs for a in (p.source, p.story)]
    flagged = np.zeros(len(pairs), bool)
    cross = 0
    number = {p.source.id: i for i, p in enumerate(pairs)} | {
        p.story.id: i for i, p in enumerate(pairs)
    }
    with tempfile.TemporaryDirectory() as tmp:
        for k, model in enumerate(models):
            path = Path(tmp) / f"fold{k}.json"
            model.save(path)
            config = DetectorConfig.from_options(relation_model=str(path))
            result = Detector(config).run(articles)
            for m in result.matches:
                if not m.relation.is_duplicate:
                    continue
                i, j = number[m.a], number[m.b]
                if i == j and fold_of_pair[i] == k:
                    flagged[i] = True
                elif i != j and fold_of_pair[i] == k:
                    cross += 1
    return flagged, cross


def run(data: Path, counter: Path, with_scan: bool = True) -> dict[str, Any]:
    """All COUNTER figures (see the module docstring)."""
    started = time.perf_counter()
    pairs = load_counter(counter)
    syn = TrainingSet.from_pairs(synthetic_pairs(data))
    cts = TrainingSet.from_pairs(counter_pairs(counter))
    ts = TrainingSet.join([syn, cts])
    config = DetectorConfig()
    cv = cross_validate(ts, FOLDS, SEED, MAX_FALSE_POSITIVE, config)
    rows = np.arange(len(syn.labels), len(ts.labels))
    labels = ts.kinds[rows]
    shipped = load_model()
    s = cts.scores.take(np.arange(len(rows)))
    s.probability = np.where(s.exact, 1.0, shipped.probability(cts.rows))
    in_sample = is_flagged(relation_codes(s, config, shipped))
    record: dict[str, Any] = {
        "suite": "counter",
        "code": code_version(),
        "pairs": {lab: int(np.sum(labels == lab)) for lab in LABELS},
        "cv": {"folds": FOLDS, "seed": SEED, "thresholds": cv["figures"]["thresholds"]},
        "pairwise": _rates(cv["flagged"][rows], labels),
        "curve": pr_curve(ts, rows, cv["probability"], config),
        "shipped_in_sample": _rates(in_sample, labels),
        "recorded_in_model": {
            lab: shipped.cross_validation.get("kinds", {}).get(lab, {}).get("flagged")
            for lab in LABELS
        },
    }
    if with_scan:
        flagged, cross = scan_flags(pairs, cv["fold"][rows], cv["models"])
        record["scan"] = _rates(flagged, labels)
        record["scan_cross_pair_matches"] = cross
    record["seconds"] = round(time.perf_counter() - started, 1)
    return record


def render(record: dict[str, Any]) -> str:
    """The record as Markdown tables."""
    lines = [
        "| COUNTER dev (cross-validated) | WD | PD | ND |",
        "| --- | --- | --- | --- |",
    ]
    for name, key in (
        ("pairwise (IDF from the 600 texts)", "pairwise"),
        ("scan of the 600 texts", "scan"),
        ("shipped model, in-sample (reference only)", "shipped_in_sample"),
    ):
        if key in record:
            r = record[key]
            lines.append(f"| {name} | {r['WD']:.3f} | {r['PD']:.3f} | {r['ND']:.3f} |")
    if "scan_cross_pair_matches" in record:
        lines.append(f"\nScan: {record['scan_cross_pair_matches']} matches across different pairs.")
    lines += [
        "",
        "| threshold | precision (WD vs ND) | recall (WD) | PD flagged | ND flagged |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in record["curve"]:
        lines.append(
            f"| {row['threshold']:.2f} | {row['precision']:.3f} | {row['recall']:.3f} "
            f"| {row['flag_PD']:.3f} | {row['flag_ND']:.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(Path(DEFAULT_COUNTER).parent))
    parser.add_argument("--counter", default=str(DEFAULT_COUNTER))
    parser.add_argument("--no-scan", action="store_true", help="pairwise figures only")
    args = parser.parse_args(argv)
    counter = Path(args.counter)
    if not counter.is_dir():
        print("skipped: " + MISSING_REASON.format(path=counter))
        return 0
    record = run(Path(args.data), counter, not args.no_scan)
    print(render(record))
    out = ROOT / "benchmarks" / "results" / "counter.jsonl"
    with out.open("a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
    print(f"\nappended to {out.relative_to(ROOT)} ({record['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
