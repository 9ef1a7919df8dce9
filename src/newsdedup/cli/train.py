"""``train``: a relation model from labelled pairs, with its cross-validated figures."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import _common as c

if TYPE_CHECKING:  # numpy: imported when the command runs, not for --help
    from ..judge.model import RelationModel


def _table(model: RelationModel) -> str:
    cv = model.cross_validation
    lines = [
        f"relation model: threshold {model.threshold:.2f}, trained on {model.training['pairs']} "
        f"labelled pairs ({model.training['copies']} copies)",
        f"cross-validated ({cv['folds']} grouped folds, seed {cv['seed']}; each fold's bar chosen "
        f"on its training pairs, at most {cv['max_false_positive']:.0%} of any kind of non-copy "
        "flagged):",
        f"  precision {cv['precision']:.3f}  recall {cv['recall']:.3f}  f1 {cv['f1']:.3f}  "
        f"non-copies flagged {cv['false_positive_rate']:.3f}",
        "",
        f"  {'kind':<20} {'pairs':>6} {'flagged':>8}",
    ]
    for kind, row in cv["kinds"].items():
        lines.append(f"  {kind:<20} {row['pairs']:>6} {row['flagged']:>8.3f}")
    return "\n".join(lines) + "\n"


def _summary(model: RelationModel) -> dict[str, Any]:
    return {
        "threshold": model.threshold,
        "training": model.training,
        "cross_validation": model.cross_validation,
    }


@c.command
def train(
    gold_pairs: Annotated[
        str,
        typer.Argument(
            help='Labelled pairs, JSON lines: {"a": {article}, "b": {article}, "label": 1 '
            'or 0, "kind": optional name to report by, "group": optional fold group}.',
            show_default=False,
        ),
    ],
    output: Annotated[
        str,
        typer.Option("--output", "-o", help="Write the model here (JSON).", show_default=False),
    ],
    folds: Annotated[int, typer.Option(help="Cross-validation folds (grouped).", min=2)] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the fold assignment.")] = 0,
    max_false_positive: Annotated[
        float,
        typer.Option(
            help="Highest share of any kind of non-copy the chosen threshold may flag.",
            min=0.0,
            max=1.0,
        ),
    ] = 0.03,
    format: Annotated[
        c.Format, typer.Option("--format", "-f", help="Report format (table or json).")
    ] = c.Format.table,
) -> None:
    """Train a relation model on labelled pairs and print its cross-validated figures.

    The model decides the pairs below the near and partial bars; use it with
    --relation-model on scan, pairs, dedup, compare and index.

    Example:

        newsdedup train gold_pairs.jsonl -o model.json

        newsdedup scan articles/ --relation-model model.json
    """
    from ..judge.train import train as train_model

    model = train_model(gold_pairs, folds=folds, seed=seed, max_fp=max_false_positive)
    model.save(output)
    if format is c.Format.table:
        sys.stdout.write(_table(model))
    else:
        sys.stdout.write(json.dumps(_summary(model), indent=1) + "\n")
