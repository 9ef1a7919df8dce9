"""``scan``, ``pairs`` and ``dedup``: the batch detector from the command line."""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Annotated, TextIO

import typer

from ..errors import ConfigError
from ..io import ReadReport, atomic_writer
from ..io.passthrough import RawRecords, passthrough_record
from ..io.records import STDIN_NAME
from ..io.render import summary_line
from ..models import Article, Result
from . import _common as c

#: Longest title kept for the table's title column (the table cuts it further).
_TITLE_CHARS = 200


def _labelled(articles: Iterable[Article], labels: dict) -> Iterator[Article]:
    """The articles, passed through, each one's title and date noted for the table."""
    for article in articles:
        if article.title or article.published:
            title = article.title[:_TITLE_CHARS] if article.title else None
            labels[article.id] = (title, article.published)
        yield article


def _detect(
    paths: list[str],
    detection: c.DetectionOptions,
    inputs: c.InputOptions,
    quiet: bool,
    stdin: TextIO | None = None,
    labels: dict | None = None,
) -> tuple[Result, float]:
    from .._kernels.warm import compile_with_helper
    from ..batch.pipeline import Detector  # numpy, scipy, numba: not for --help

    # First run only: compiles the kernels on two processes, and says so.
    compile_with_helper(None if quiet else lambda note: c.stderr.print(note, style="dim"))
    report = ReadReport()
    started = time.perf_counter()
    with c.progress_bar(quiet) as progress:
        try:
            articles: Iterable[Article] = inputs.articles(paths, report, stdin=stdin)
            if labels is not None:
                articles = _labelled(articles, labels)
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
    format: c.FormatOpt = None,
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

        newsdedup scan wires/ --format html -o review.html
    """
    fmt = c.output_format(format, output)
    if fmt is c.Format.html:
        with _rereadable(paths) as copy:
            stdin = copy.open() if copy else None
            result, seconds = _detect(paths, detection, inputs, quiet, stdin=stdin)
            again = copy.open() if copy else None
            _write_review_page(paths, detection, inputs, result, output, again)
    else:
        labels: dict | None = {} if fmt in (c.Format.table, c.Format.plain) else None
        result, seconds = _detect(paths, detection, inputs, quiet, labels=labels)
        from ..io.render import write_clusters

        with c.output_stream(output) as out:
            write_clusters(result, fmt.value, out, labels)
    if not quiet:
        c.stderr.print(summary_line(result, seconds))


@c.command
def pairs(
    paths: c.Paths,
    format: c.FormatOpt = None,
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
    fmt = c.output_format(format, output)
    if fmt is c.Format.html:
        raise ConfigError("--format html is a review page of clusters: use it with scan or compare")
    result, seconds = _detect(paths, detection, inputs, quiet)
    from ..io.render import write_matches

    with c.output_stream(output) as out:
        write_matches(result.matches, fmt.value, out)
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


def _write_review_page(
    paths: list[str],
    detection: c.DetectionOptions,
    inputs: c.InputOptions,
    result: Result,
    output: str,
    stdin: TextIO | None = None,
) -> None:
    """Read the clustered articles again and write the review page of the result."""
    from ..io.review_page import review_data, write_review_page

    wanted = {i for cl in result.clusters for i in (cl.original, *(m.id for m in cl.members))}
    read = inputs.articles(paths, ReadReport(), stdin=stdin)
    articles = {a.id: a for a in read if a.id in wanted}
    data = review_data(result, articles, detection.config())
    with c.output_stream(output) as out:
        write_review_page(data, out)


def _write_dedup(
    paths: list[str],
    inputs: c.InputOptions,
    result: Result,
    outputs: tuple[str, str | None],
    stdin: _StdinCopy | None,
) -> int:
    """Write what ``dedup_plan`` keeps (JSON Lines records byte for byte) and, optionally, the rest."""
    from ..api import dedup_plan

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
