"""``evaluate``: score a clustering against a gold clustering (the metrics of ``newsdedup.evaluate.metrics``)."""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated

import typer

from . import _common as c


class ReportFormat(str, Enum):
    table = "table"
    json = "json"


@c.command
def evaluate(
    predicted: Annotated[
        str,
        typer.Argument(
            help="Predicted clusters: the JSON of 'newsdedup scan --format json', "
            'or JSON lines of {"id", "cluster"}.',
            show_default=False,
        ),
    ],
    gold: Annotated[
        str,
        typer.Argument(
            help='Gold clusters: JSON lines of {"id", "cluster"}, optionally with '
            '"original", "edit", "touched" and "kind".',
            show_default=False,
        ),
    ],
    format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ReportFormat.table,
    output: c.OutputOpt = "-",
) -> None:
    """Score predicted clusters against gold: pairwise and B-cubed precision/recall/F1, adjusted Rand index.

    Articles absent from a file are clusters of their own. With gold records
    that name their original and edits, recall is also broken down by edit;
    with a "kind" per record, false merges are counted per kind.

    Example:

        newsdedup scan feed.jsonl --format json -o clusters.json

        newsdedup evaluate clusters.json gold.jsonl

        newsdedup evaluate clusters.json gold.jsonl --format json -o scores.json
    """
    from ..evaluate.metrics import evaluate_files, format_report  # numpy: not for --help

    report = evaluate_files(predicted, gold)
    text = json.dumps(report, indent=2) if format is ReportFormat.json else format_report(report)
    with c.output_stream(output) as out:
        out.write(text + "\n")
