"""What every command shares: options, inputs, outputs, progress (errors: ``_errors``).

Commands stay thin: parse options, make one library call, render. Library
errors become one line ``Error: <message>`` on stderr with the error's exit
code; nothing is ever printed as a traceback (see :mod:`._errors`).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import math
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, fields, is_dataclass
from typing import (
    Annotated,
    Any,
    TextIO,
    TypeVar,
    cast,
    get_args,
    get_origin,
    get_type_hints,
)

from ..config import DetectorConfig
from ..errors import ConfigError
from ..io import FieldMap, ReadReport, atomic_writer, read_articles
from ..io.writers import check_distinct_outputs
from ..models import Article
from ._errors import EXIT_INTERRUPTED as EXIT_INTERRUPTED  # re-exported: commands use c.*
from ._errors import error as error
from ._errors import handle_errors as handle_errors
from ._errors import stderr as stderr
from ._errors import warn as warn
from ._options import *  # noqa: F403 (re-exported: commands use c.Paths, c.Threshold, ...)
from ._options import (
    DateField,
    DayFirst,
    ExcludeOpt,
    Format,
    IdField,
    IncludeOpt,
    MaxArticleMb,
    NearOpt,
    NoOcr,
    NoRewrite,
    NoWindows,
    NumPerm,
    PartialOpt,
    RelationModelOpt,
    RelationThresholdOpt,
    RewriteOpt,
    Seed,
    ShingleKind,
    ShingleOpt,
    ShingleSize,
    SkipBad,
    SourceField,
    TemplateOpt,
    TextField,
    Threshold,
    TitleField,
    Workers,
)

R = TypeVar("R")


def print_read_report(report: ReadReport, quiet: bool, limit: int = 20) -> None:
    """Warnings about the input (empty, binary, skipped records), at most ``limit`` of them."""
    if quiet:
        return
    for message in report.warnings[:limit]:
        warn(message)
    if len(report.warnings) > limit:
        warn(f"... and {len(report.warnings) - limit} more")


def output_format(chosen: Format | None, output: str | None) -> Format:
    """The format to write: the one chosen, else ``table`` for a terminal and ``plain`` otherwise.

    Why: a boxed table sized to a terminal is noise in a pipe or a file,
    where nothing should be cut or wrapped; ``--format table`` still forces it.

    Raises:
        ConfigError: ``html`` to a terminal (a page is for a file: use -o).
    """
    to_terminal = output in (None, "-") and sys.stdout.isatty()
    if chosen is Format.html and to_terminal:
        raise ConfigError("--format html writes a page, not terminal text: use -o report.html")
    if chosen is not None:
        return chosen
    return Format.table if to_terminal else Format.plain


@contextlib.contextmanager
def output_stream(path: str | None) -> Iterator[TextIO]:
    """stdout, a FIFO or device written directly, or a file written atomically.

    See :func:`newsdedup.io.atomic_writer`: nothing is left behind on error
    or interrupt, and a symlink is followed to the file it names.
    """
    with atomic_writer("-" if path is None else path) as handle:
        yield cast(TextIO, handle)  # opened in text mode ("w")


def distinct_outputs(*paths: str | None) -> None:
    """Refuse (exit 2) two output options naming the same file."""
    check_distinct_outputs(*paths)


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


def json_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


# --- option groups: shared options declared once, as typed dataclasses ----------------------

DEFAULTS = DetectorConfig()


@dataclass(frozen=True)
class MatchOptions:
    """What counts as a match (``compare`` takes these, the detecting commands more).

    Field names are the option names (``--rewrite-cosine``); the only
    option→config mapping is :meth:`DetectorConfig.from_options`, which
    takes these names as they are (``None`` keeps the default).
    """

    near: NearOpt = DEFAULTS.verify.near_jaccard
    partial: PartialOpt = DEFAULTS.verify.partial_containment
    rewrite_cosine: RewriteOpt = DEFAULTS.verify.rewrite_cosine
    template_figures: TemplateOpt = DEFAULTS.verify.template_figures
    shingle: ShingleOpt = ShingleKind.word
    shingle_size: ShingleSize = None
    relation_model: RelationModelOpt = None
    relation_threshold: RelationThresholdOpt = None

    def settings(self) -> dict[str, Any]:
        """The options as :meth:`DetectorConfig.from_options` takes them."""
        values = asdict(self)
        values["shingle"] = self.shingle.value if self.shingle is not None else None
        return values

    def config(self) -> DetectorConfig:
        return DetectorConfig.from_options(**self.settings())


@dataclass(frozen=True)
class DetectionOptions(MatchOptions):
    """Every detection setting: what counts as a match, and how candidates are found and signed."""

    threshold: Threshold = DEFAULTS.lsh.threshold
    no_rewrites: NoRewrite = False
    no_ocr: NoOcr = False
    no_windows: NoWindows = False
    num_perm: NumPerm = DEFAULTS.sign.num_perm
    seed: Seed = DEFAULTS.sign.seed
    workers: Workers = DEFAULTS.sign.workers

    def __post_init__(self) -> None:
        if self.workers is not None and self.workers > max_workers():
            raise ConfigError(
                f"--workers {self.workers} is more than this machine can use "
                f"(at most {max_workers()}: 4 per usable CPU)"
            )


def max_workers() -> int:
    """The most worker processes worth starting: 4 per usable CPU (more only adds start-up and memory).

    Example:
        >>> max_workers() >= 4
        True
    """
    from ..workers import usable_cpus  # lazy: it loads the featurizer

    return 4 * usable_cpus()


@dataclass(frozen=True)
class FieldOptions:
    """Which record fields hold the id, text, title, date and source, and how dates are read."""

    id_field: IdField = "id"
    text_field: TextField = "text"
    title_field: TitleField = "title"
    date_field: DateField = "published"
    source_field: SourceField = "source"
    day_first: DayFirst = None

    def fields(self) -> FieldMap:
        return FieldMap(
            id=self.id_field,
            text=self.text_field,
            title=self.title_field,
            date=self.date_field,
            source=self.source_field,
            day_first=self.day_first,
        )


@dataclass(frozen=True)
class InputOptions(FieldOptions):
    """How the inputs are read: their fields, and what to do with bad or huge records."""

    skip_bad: SkipBad = False
    max_article_mb: MaxArticleMb = 10.0
    include: IncludeOpt = None
    exclude: ExcludeOpt = None

    def __post_init__(self) -> None:
        # nan and inf pass a float option's parsing; int(inf * 1e6) would raise OverflowError.
        mb = self.max_article_mb
        if mb is not None and not (math.isfinite(mb) and mb > 0):
            raise ConfigError(
                f"--max-article-mb must be a positive number, not {self.max_article_mb}"
            )

    def articles(
        self,
        paths: list[str],
        report: ReadReport,
        *,
        unique_ids: bool = True,
        stdin: TextIO | None = None,
    ) -> Iterator[Article]:
        """Stream articles from the given inputs (see ``newsdedup.io.read_articles``).

        ``stdin`` is read for ``-`` instead of standard input (still named ``<stdin>``).
        """
        return read_articles(
            paths,
            fields=self.fields(),
            skip_bad=self.skip_bad,
            max_article_bytes=max(1, int(self.max_article_mb * 1_000_000)),
            report=report,
            unique_ids=unique_ids,
            stdin=stdin,
            include=self.include or (),
            exclude=self.exclude or (),
        )


#: Marks an option group whose options all default to None ("unset"), e.g.
#: ``Annotated[DetectionOptions, UNSET]``: the index keeps its own settings.
UNSET = "unset"


def _option_group(annotation: Any) -> tuple[type | None, bool]:
    """The option dataclass a parameter is annotated with (or None), and whether it is UNSET."""
    unset = False
    if get_origin(annotation) is Annotated:
        annotation, *extras = get_args(annotation)
        unset = UNSET in extras
    if isinstance(annotation, type) and is_dataclass(annotation):
        return annotation, unset
    return None, False


def command(function: Callable[..., R]) -> Callable[..., R]:
    """Make ``function`` a CLI command: shared options expanded, errors as one line.

    A parameter annotated with an option dataclass (:class:`DetectionOptions`,
    :class:`InputOptions`, ...) appears to Typer as that dataclass' fields,
    each an ordinary ``Annotated`` option whose help is written once, above;
    the function receives the dataclass, built from the parsed values.
    Every command of the CLI is declared with this decorator.

    Example:
        >>> @command
        ... def show(*, inputs: FieldOptions) -> None:
        ...     print(inputs.fields().text)
        >>> list(inspect.signature(show).parameters)[:2]
        ['id_field', 'text_field']
        >>> show(**{f.name: f.default for f in fields(FieldOptions)})
        text
    """
    signature = inspect.signature(function, eval_str=True)
    parameters: list[inspect.Parameter] = []
    groups: dict[str, tuple[type, list[str]]] = {}
    for name, parameter in signature.parameters.items():
        group, unset = _option_group(parameter.annotation)
        if group is None:
            parameters.append(parameter)
            continue
        hints = get_type_hints(group, include_extras=True)
        members = fields(group)
        groups[name] = (group, [f.name for f in members])
        parameters += [
            inspect.Parameter(
                f.name,
                inspect.Parameter.KEYWORD_ONLY,
                default=None if unset else f.default,
                annotation=hints[f.name],
            )
            for f in members
        ]

    @functools.wraps(function)
    def parsed(*args: Any, **kwargs: Any) -> R:
        for name, (group, names) in groups.items():
            kwargs[name] = group(**{n: kwargs.pop(n) for n in names})
        return function(*args, **kwargs)

    cli: Any = handle_errors(parsed)
    cli.__signature__ = signature.replace(parameters=parameters)
    return cast("Callable[..., R]", cli)
