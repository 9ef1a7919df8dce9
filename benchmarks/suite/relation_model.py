"""``python -m benchmarks.suite.relation_model``: train the relation model newsdedup ships.

Training data (:mod:`benchmarks.corpus.gold_pairs`): synthetic pairs made
with their own seed (copies by edit, templates, same-event and unrelated
articles) and COUNTER's development half (WD copies, ND not, PD reported
only). Figures are from grouped 5-fold cross-validation with a fixed seed
(:func:`newsdedup.judge.train.fit`); the same call with the same data gives
the same model and figures, which ``tests/test_relation_model.py`` checks.

Example:
    $ PYTHONPATH=src:. python -m benchmarks.suite.relation_model            # writes the shipped model
    $ PYTHONPATH=src:. python -m benchmarks.suite.relation_model -o m.json  # elsewhere
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsdedup.errors import NewsDedupError
from newsdedup.judge.model import RelationModel
from newsdedup.judge.train import fit

from ..corpus.counter import DEFAULT_COUNTER
from ..corpus.gold_pairs import TRAIN_SEED, UNITS, training_set

__all__ = ["FOLDS", "MAX_FALSE_POSITIVE", "SEED", "SHIPPED", "train_shipped"]

SHIPPED = (
    Path(__file__).resolve().parents[2] / "src" / "newsdedup" / "judge" / "relation_model.json"
)
FOLDS = 5
SEED = 0
MAX_FALSE_POSITIVE = 0.03


def train_shipped(data: str | Path, counter: str | Path = DEFAULT_COUNTER) -> RelationModel:
    """The shipped model, trained and cross-validated on the benchmark pairs."""
    ts = training_set(data, counter)
    summary = {
        "data": {
            "synthetic": {"seed": TRAIN_SEED, "units": dict(UNITS)},
            "counter": "counter-dev (odd-numbered pairs): WD = copy, ND = not, PD = reported only",
        },
        "command": "PYTHONPATH=src:. python -m benchmarks.suite.relation_model",
    }
    return fit(ts, FOLDS, SEED, MAX_FALSE_POSITIVE, summary=summary)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(Path(DEFAULT_COUNTER).parent))
    parser.add_argument("--counter", default=str(DEFAULT_COUNTER))
    parser.add_argument("-o", "--output", default=str(SHIPPED))
    args = parser.parse_args(argv)
    try:
        model = train_shipped(args.data, args.counter)
        model.save(args.output)
    except NewsDedupError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 2
    cv = model.cross_validation
    print(f"wrote {args.output}: threshold {model.threshold:.2f}")
    print(
        f"cross-validated ({cv['folds']} folds): precision {cv['precision']:.3f} "
        f"recall {cv['recall']:.3f} f1 {cv['f1']:.3f}"
    )
    for kind, row in cv["kinds"].items():
        print(f"  {kind:<16} {row['pairs']:>4} pairs  flagged {row['flagged']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
