"""What every command shares: error handling, options, inputs, outputs, progress.

Commands stay thin: parse options, make one library call, render. Library
errors become one line ``Error: <message>`` on stderr with the error's exit
code; nothing is ever printed as a traceback.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, TextIO, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from ..config import DetectorConfig
from ..errors import NewsDedupError
from ..io import FieldMap, ReadReport, atomic_writer, read_articles

F = TypeVar("F", bound=Callable[..., Any])

#: Exit codes (also in the README): 0 ok, 1 runtime error (output, index),
#: 2 bad input, option or configuration, 3 backend unreachable, 130 interrupted.
EXIT_INTERRUPTED = 130

stderr = Console(stderr=True, highlight=False, soft_wrap=True)


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class ShingleKind(str, Enum):
    word = "word"
    char = "char"


def error(message: str) -> None:
    stderr.print(f"[bold red]Error:[/bold red] {escape(message)}")


def warn(message: str) -> None:
    stderr.print(f"[yellow]Warning:[/yellow] {escape(message)}")


def handle_errors(command: F) -> F:
    """Turn library errors into ``Error: ...`` and an exit code, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except NewsDedupError as err:
            error(str(err))
            raise typer.Exit(err.exit_code) from None
        except KeyboardInterrupt:
            error("interrupted")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:
            # The reader went away (`newsdedup pairs ... | head`): not an error.
            with contextlib.suppress(OSError):
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            raise typer.Exit(0) from None
        except MemoryError:
            error("out of memory; try fewer --workers or a smaller input")
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


# --- options shared by several commands -------------------------------------------------

Paths = Annotated[
    list[str],
    typer.Argument(
        help="Files or folders of articles (.txt .md .html .json .jsonl .csv "
        ".xml/.rss/.atom feeds); '-' reads JSON lines from stdin.",
        show_default=False,
    ),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
OutputOpt = Annotated[
    str,
    typer.Option("--output", "-o", help="Write the report here (atomically) instead of stdout."),
]
IdField = Annotated[
    str, typer.Option(help="Field holding the id (JSON, JSON lines, CSV).", rich_help_panel="Input")
]
TextField = Annotated[
    str, typer.Option(help="Field holding the body text.", rich_help_panel="Input")
]
TitleField = Annotated[
    str, typer.Option(help="Field holding the headline.", rich_help_panel="Input")
]
DateField = Annotated[
    str, typer.Option(help="Field holding the publication date.", rich_help_panel="Input")
]
SourceField = Annotated[
    str, typer.Option(help="Field holding the outlet or feed name.", rich_help_panel="Input")
]
SkipBad = Annotated[
    bool,
    typer.Option(
        "--skip-bad",
        help="Skip malformed records (counted and reported) instead of stopping at the first.",
        rich_help_panel="Input",
    ),
]
MaxArticleMb = Annotated[
    float, typer.Option(help="Skip articles larger than this many MB.", rich_help_panel="Input")
]
Threshold = Annotated[
    float,
    typer.Option(
        help="Jaccard similarity the LSH candidate search is tuned for.",
        rich_help_panel="Detection",
    ),
]
NearOpt = Annotated[
    float,
    typer.Option(
        "--near", help="Shingle Jaccard from which a pair is 'near'.", rich_help_panel="Detection"
    ),
]
PartialOpt = Annotated[
    float,
    typer.Option(
        "--partial",
        help="Share of the shorter article found in the longer one from which a pair is 'partial'.",
        rich_help_panel="Detection",
    ),
]
RewriteOpt = Annotated[
    float,
    typer.Option(
        "--rewrite-cosine",
        help="TF-IDF cosine from which a reworded pair is 'rewrite'.",
        rich_help_panel="Detection",
    ),
]
TemplateOpt = Annotated[
    float,
    typer.Option(
        "--template-figures",
        help="Share of the shorter text that may differ "
        "only in figures before a match counts as a "
        "'template' (same report, new numbers).",
        rich_help_panel="Detection",
    ),
]
NoRewrite = Annotated[
    bool,
    typer.Option(
        "--no-rewrites", help="Skip the search for reworded copies.", rich_help_panel="Detection"
    ),
]
ShingleOpt = Annotated[
    ShingleKind,
    typer.Option(
        "--shingle", help="Shingle on words, or on characters.", rich_help_panel="Detection"
    ),
]
ShingleSize = Annotated[
    int,
    typer.Option(
        "--shingle-size",
        "-k",
        help="Words (or characters) per shingle.",
        rich_help_panel="Detection",
    ),
]
NumPerm = Annotated[int, typer.Option(help="MinHash permutations.", rich_help_panel="Detection")]
Seed = Annotated[int, typer.Option(help="MinHash seed.", rich_help_panel="Detection")]
Workers = Annotated[
    int,
    typer.Option(
        "--workers", "-j", help="Processes used to sign articles.", rich_help_panel="Performance"
    ),
]
Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bar, summary or warnings on stderr.")
]


def detector_config(
    *,
    threshold: float | None = None,
    near: float | None = None,
    partial: float | None = None,
    rewrite_cosine: float | None = None,
    template_figures: float | None = None,
    no_rewrites: bool = False,
    shingle: ShingleKind | None = None,
    shingle_size: int | None = None,
    num_perm: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
) -> DetectorConfig:
    """Map CLI options onto a :class:`DetectorConfig` (None keeps the default)."""
    kind = shingle.value if shingle is not None else None
    size = shingle_size
    if kind == "char" and size is None:
        size = 7
    return DetectorConfig.from_options(
        threshold=threshold,
        near_jaccard=near,
        partial_containment=partial,
        rewrite_cosine=rewrite_cosine,
        template_figures=template_figures,
        rewrite_pass=False if no_rewrites else None,
        shingle_kind=kind,
        shingle_size=size,
        num_perm=num_perm,
        seed=seed,
        workers=workers,
    )


def field_map(
    id_field: str, text_field: str, title_field: str, date_field: str, source_field: str
) -> FieldMap:
    return FieldMap(
        id=id_field, text=text_field, title=title_field, date=date_field, source=source_field
    )


def print_read_report(report: ReadReport, quiet: bool, limit: int = 20) -> None:
    """Warnings about the input (empty, binary, skipped records), at most ``limit`` of them."""
    if quiet:
        return
    for message in report.warnings[:limit]:
        warn(message)
    if len(report.warnings) > limit:
        warn(f"... and {len(report.warnings) - limit} more")


@contextlib.contextmanager
def output_stream(path: str | None) -> Iterator[TextIO]:
    """stdout, or a file written atomically (nothing is left behind on error)."""
    if path in (None, "-"):
        yield sys.stdout
        sys.stdout.flush()
        return
    with atomic_writer(path) as handle:
        yield handle


@contextlib.contextmanager
def progress_bar(quiet: bool) -> Iterator[Callable[[str, int], None] | None]:
    """A progress callback drawing on stderr, or None when quiet or not a terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import (
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    labels = {"sign": "Reading and signing articles", "verify": "Verifying candidate pairs"}
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, n: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(labels.get(stage, stage), total=None, rate="")
            bar.advance(tasks[stage], n)
            task = bar.tasks[tasks[stage]]
            if task.elapsed:
                bar.update(tasks[stage], rate=f"{task.completed / task.elapsed:,.0f}/s")

        yield update


def articles_from(
    paths: list[str], fields: FieldMap, skip_bad: bool, max_article_mb: float, report: ReadReport
):
    """Stream articles from the given inputs (see ``newsdedup.io.read_articles``)."""
    return read_articles(
        paths,
        fields=fields,
        skip_bad=skip_bad,
        max_article_bytes=int(max_article_mb * 1_000_000),
        report=report,
    )


def json_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class DetectOptions:
    """The options every detecting command takes, parsed once."""

    config: DetectorConfig
    fields: FieldMap
    skip_bad: bool
    max_article_mb: float
    quiet: bool

    def articles(self, paths: list[str], report: ReadReport):
        return articles_from(paths, self.fields, self.skip_bad, self.max_article_mb, report)


DEFAULTS = DetectorConfig()

#: Options that change what counts as a match (``compare`` takes these too).
MATCH_OPTIONS: list[tuple[str, Any, Any]] = [
    ("near", NearOpt, DEFAULTS.verify.near_jaccard),
    ("partial", PartialOpt, DEFAULTS.verify.partial_containment),
    ("rewrite_cosine", RewriteOpt, DEFAULTS.verify.rewrite_cosine),
    ("template_figures", TemplateOpt, DEFAULTS.verify.template_figures),
    ("shingle", ShingleOpt, ShingleKind(DEFAULTS.shingle.kind)),
    ("shingle_size", ShingleSize, None),
]
_SHARED_OPTIONS: list[tuple[str, Any, Any]] = [
    ("threshold", Threshold, DEFAULTS.lsh.threshold),
    *MATCH_OPTIONS,
    ("no_rewrites", NoRewrite, False),
    ("num_perm", NumPerm, DEFAULTS.sign.num_perm),
    ("seed", Seed, DEFAULTS.sign.seed),
    ("workers", Workers, DEFAULTS.sign.workers),
    ("id_field", IdField, "id"),
    ("text_field", TextField, "text"),
    ("title_field", TitleField, "title"),
    ("date_field", DateField, "published"),
    ("source_field", SourceField, "source"),
    ("skip_bad", SkipBad, False),
    ("max_article_mb", MaxArticleMb, 10.0),
    ("quiet", Quiet, False),
]
_FIELD_OPTIONS = ("id_field", "text_field", "title_field", "date_field", "source_field")


def detection_options(command: F) -> F:
    """Add the shared detection, input and output options to a command.

    The command declares ``options: DetectOptions`` last; Typer sees the
    individual options (their help lives here, once) and the command gets
    them parsed into one object.
    """
    signature = inspect.signature(command, eval_str=True)
    own = [p for name, p in signature.parameters.items() if name != "options"]
    shared = [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
        )
        for name, annotation, default in _SHARED_OPTIONS
    ]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name, _, _ in _SHARED_OPTIONS}
        fields = field_map(*(values.pop(name) for name in _FIELD_OPTIONS))
        skip_bad, max_mb, quiet = (
            values.pop("skip_bad"),
            values.pop("max_article_mb"),
            values.pop("quiet"),
        )
        options = DetectOptions(detector_config(**values), fields, skip_bad, max_mb, quiet)
        return command(*args, options=options, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=own + shared)  # type: ignore[attr-defined]
    return handle_errors(wrapper)  # type: ignore[return-value]
