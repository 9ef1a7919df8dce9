"""``scan``, ``pairs`` and ``dedup``: the batch detector from the command line."""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, TextIO

import typer

from ..api import dedup_plan
from ..batch.pipeline import Detector
from ..io import ReadReport, atomic_writer
from ..io.passthrough import RawRecords, passthrough_record
from ..io.records import STDIN_NAME
from ..io.render import summary_line, write_clusters, write_matches
from ..models import Result
from . import _common as c


def _detect(
    paths: list[str],
    detection: c.DetectionOptions,
    inputs: c.InputOptions,
    quiet: bool,
    stdin: TextIO | None = None,
) -> tuple[Result, float]:
    report = ReadReport()
    started = time.perf_counter()
    with c.progress_bar(quiet) as progress:
        try:
            articles = inputs.articles(paths, report, stdin=stdin)
            result = Detector(detection.config(), progress).run(articles)
        finally:
            c.print_read_report(report, quiet)
    if not quiet:
        for message in result.warnings:
            c.warn(message)
    return result, time.perf_counter() - started


@c.command
def scan(
    paths: c.Paths,
    format: c.FormatOpt = c.Format.table,
    output: c.OutputOpt = "-",
    quiet: c.Quiet = False,
    *,
    detection: c.DetectionOptions,
    inputs: c.InputOptions,
) -> None:
    """Find clusters of copies: each original with its exact, near, partial and rewritten copies.

    Example:

        newsdedup scan seeds/

        newsdedup scan feed.jsonl --format json -o clusters.json --workers 2
    """
    result, seconds = _detect(paths, detection, inputs, quiet)
    with c.output_stream(output) as out:
        write_clusters(result, format.value, out)
    if not quiet:
        c.stderr.print(summary_line(result, seconds))


@c.command
def pairs(
    paths: c.Paths,
    format: c.FormatOpt = c.Format.table,
    output: c.OutputOpt = "-",
    quiet: c.Quiet = False,
    *,
    detection: c.DetectionOptions,
    inputs: c.InputOptions,
) -> None:
    """List every confirmed pair with its relation, scores and reason (templated look-alikes included).

    Example:

        newsdedup pairs wires/ --format csv -o pairs.csv
    """
    result, seconds = _detect(paths, detection, inputs, quiet)
    with c.output_stream(output) as out:
        write_matches(result.matches, format.value, out)
    if not quiet:
        c.stderr.print(summary_line(result, seconds))


@dataclass
class _StdinCopy:
    """Standard input saved to a file, so that ``dedup`` can read it twice."""

    path: str
    opened: contextlib.ExitStack

    def open(self) -> TextIO:
        """A fresh stream of the copy, read as ``-``: ids and messages still say ``<stdin>``."""
        return self.opened.enter_context(open(self.path, encoding="utf-8"))


@contextlib.contextmanager
def _rereadable(paths: list[str]) -> Iterator[_StdinCopy | None]:
    """A copy of standard input's bytes when ``-`` is among the inputs (else None)."""
    if "-" not in paths:
        yield None
        return
    with (
        tempfile.TemporaryDirectory(prefix="newsdedup-stdin-") as tmp,
        contextlib.ExitStack() as opened,
    ):
        copy = f"{tmp}/stdin.jsonl"
        with open(copy, "wb") as handle:
            shutil.copyfileobj(getattr(sys.stdin, "buffer", sys.stdin), handle)
        yield _StdinCopy(copy, opened)


def _write_dedup(
    paths: list[str],
    inputs: c.InputOptions,
    result: Result,
    outputs: tuple[str, str | None],
    stdin: _StdinCopy | None,
) -> int:
    """Write what ``dedup_plan`` keeps (JSON Lines records byte for byte) and, optionally, the rest."""
    output, removed = outputs
    plan = dedup_plan(result)
    aliases = {STDIN_NAME: stdin.path} if stdin else {}
    kept = 0
    with contextlib.ExitStack() as stack:
        kept_out = stack.enter_context(c.output_stream(output))
        removed_out = stack.enter_context(atomic_writer(removed)) if removed else None
        raw = stack.enter_context(RawRecords(aliases))
        for article in inputs.articles(paths, ReadReport(), stdin=stdin.open() if stdin else None):
            removal = plan.get(article.id)
            if removal is None:
                kept_out.write(passthrough_record(raw.line(article.origin), article.to_dict()))
                kept += 1
            elif removed_out is not None:
                line = raw.line(article.origin)
                removed_out.write(passthrough_record(line, article.to_dict(), **removal.to_dict()))
    return kept


@c.command
def dedup(
    paths: c.Paths,
    output: c.OutputOpt = "-",
    removed: Annotated[
        str | None,
        typer.Option(
            "--removed",
            help="Also write the removed copies here, each with the id "
            "it duplicates, its relation and scores.",
        ),
    ] = None,
    quiet: c.Quiet = False,
    *,
    detection: c.DetectionOptions,
    inputs: c.InputOptions,
) -> None:
    """Write one article per cluster (the original) plus every article without copies, as JSON lines.

    Example:

        newsdedup dedup feed.jsonl -o kept.jsonl --removed removed.jsonl
    """
    c.distinct_outputs(output, removed)
    with _rereadable(paths) as stdin:
        first = stdin.open() if stdin else None
        result, seconds = _detect(paths, detection, inputs, quiet, first)
        kept = _write_dedup(paths, inputs, result, (output, removed), stdin)
    if not quiet:
        c.stderr.print(f"{summary_line(result, seconds)}; kept {kept}, removed {result.duplicates}")
