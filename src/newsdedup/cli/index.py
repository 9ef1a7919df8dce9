"""``newsdedup index ...``: the live index from the command line (a thin layer over ``LiveIndex``).

Every command opens a store (``--db`` file, or ``--redis`` URL with
``--prefix``), makes one library call and renders it. ``add`` and ``query``
stream: each article's line is written and flushed as soon as its batch is
done, so ``tail -f feed.jsonl | newsdedup index add -`` answers as lines arrive.
"""

from __future__ import annotations

import functools
import inspect
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import Annotated, Any, TypeVar

import typer

from ..errors import ConfigError
from ..index import IndexStore, LiveIndex, SQLiteStore
from ..io import ReadReport, read_articles
from . import _common as c

F = TypeVar("F", bound=Callable[..., Any])

index_app = typer.Typer(
    name="index",
    help="A persistent index of the articles seen, to deduplicate a live feed (SQLite file, or Redis).",
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


class VerdictFormat(str, Enum):
    text = "text"
    jsonl = "jsonl"


class StatsFormat(str, Enum):
    text = "text"
    json = "json"


Db = Annotated[
    str,
    typer.Option("--db", envvar="NEWSDEDUP_DB", help="SQLite index file.", rich_help_panel="Index"),
]
RedisUrl = Annotated[
    str | None,
    typer.Option(
        "--redis",
        envvar="NEWSDEDUP_REDIS",
        show_default=False,
        help="Use a Redis index instead of the file, e.g. redis://127.0.0.1:6379/0.",
        rich_help_panel="Index",
    ),
]
Prefix = Annotated[
    str,
    typer.Option(
        "--prefix",
        help="Key prefix of the index in Redis (one per index).",
        rich_help_panel="Index",
    ),
]
Wait = Annotated[
    float,
    typer.Option(
        "--wait",
        help="Seconds a writer waits for another one before giving up.",
        rich_help_panel="Index",
    ),
]

_STORE_OPTIONS: list[tuple[str, Any, Any]] = [
    ("db", Db, "newsdedup.db"),
    ("redis", RedisUrl, None),
    ("prefix", Prefix, "newsdedup"),
    ("wait", Wait, 120.0),
]

# Detection settings default to None: "the index's own" (the defaults for a new index).
_CONFIG_OPTIONS: list[tuple[str, Any]] = [
    ("threshold", c.Threshold),
    ("near", c.NearOpt),
    ("partial", c.PartialOpt),
    ("rewrite_cosine", c.RewriteOpt),
    ("template_figures", c.TemplateOpt),
    ("no_rewrites", c.NoRewrite),
    ("shingle", c.ShingleOpt),
    ("shingle_size", c.ShingleSize),
    ("num_perm", c.NumPerm),
    ("seed", c.Seed),
    ("workers", c.Workers),
]
_INPUT_OPTIONS: list[tuple[str, Any, Any]] = [
    ("id_field", c.IdField, "id"),
    ("text_field", c.TextField, "text"),
    ("title_field", c.TitleField, "title"),
    ("date_field", c.DateField, "published"),
    ("source_field", c.SourceField, "source"),
    ("skip_bad", c.SkipBad, False),
    ("max_article_mb", c.MaxArticleMb, 10.0),
]


def _open_store(values: dict[str, Any], create: bool) -> IndexStore:
    if values["redis"]:
        from ..index import RedisStore

        return RedisStore(values["redis"], prefix=values["prefix"], wait_seconds=values["wait"])
    return SQLiteStore(values["db"], create=create, wait_seconds=values["wait"])


def _config_overrides(values: dict[str, Any]) -> dict[str, Any]:
    shingle = values.pop("shingle")
    kind = shingle.value if shingle is not None else None
    size = values.pop("shingle_size")
    return {
        "threshold": values.pop("threshold"),
        "near_jaccard": values.pop("near"),
        "partial_containment": values.pop("partial"),
        "rewrite_cosine": values.pop("rewrite_cosine"),
        "template_figures": values.pop("template_figures"),
        "rewrite_pass": False if values.pop("no_rewrites") else None,
        "shingle_kind": kind,
        "shingle_size": 7 if kind == "char" and size is None else size,
        "num_perm": values.pop("num_perm"),
        "seed": values.pop("seed"),
        "workers": values.pop("workers"),
    }


def _with_options(
    command: F, extra: list[tuple[str, Any, Any]], create: bool, detection: bool
) -> F:
    """Give ``command`` the store (and detection, input) options; it receives ``index`` (and ``read``)."""
    signature = inspect.signature(command, eval_str=True)
    shared = _STORE_OPTIONS + (
        [(n, a, None) for n, a in _CONFIG_OPTIONS] + _INPUT_OPTIONS if detection else []
    )
    added = shared + extra  # extra options are the command's own, declared here with their help
    own = [
        p
        for name, p in signature.parameters.items()
        if name not in ("index", "read") and name not in {n for n, _, _ in added}
    ]
    params = [
        inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=d, annotation=a)
        for n, a, d in added
    ]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name, _, _ in shared}
        overrides = _config_overrides(values) if detection else {}
        store = _open_store(values, create)
        try:
            index = LiveIndex.open(store, create=create, **overrides)
        except BaseException:
            store.close()
            raise
        with index:
            if detection:
                kwargs["read"] = functools.partial(_read, values)
            return command(*args, index=index, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=own + params)  # type: ignore[attr-defined]
    return c.handle_errors(wrapper)  # type: ignore[return-value]


def _read(values: dict[str, Any], paths: list[str], report: ReadReport):
    fields = c.field_map(
        values["id_field"],
        values["text_field"],
        values["title_field"],
        values["date_field"],
        values["source_field"],
    )
    return read_articles(
        paths,
        fields=fields,
        skip_bad=values["skip_bad"],
        max_article_bytes=int(values["max_article_mb"] * 1_000_000),
        report=report,
        unique_ids=False,
    )


OnlyNew = Annotated[
    bool,
    typer.Option(
        "--only-new", help="Write only the new articles, as JSON lines (a filter for pipelines)."
    ),
]
FormatOpt = Annotated[
    VerdictFormat, typer.Option("--format", "-f", help="One line per article: text, or JSON.")
]
BatchSize = Annotated[
    int,
    typer.Option(
        "--batch-size",
        help="Articles per transaction at most (bigger batches touch each LSH page once for more articles).",
        rich_help_panel="Performance",
    ),
]
MaxWait = Annotated[
    float,
    typer.Option(
        "--max-wait",
        help="Seconds an article waits for its batch to fill before the batch is processed anyway.",
        rich_help_panel="Performance",
    ),
]
_STREAM_OPTIONS: list[tuple[str, Any, Any]] = [
    ("format", FormatOpt, VerdictFormat.text),
    ("only_new", OnlyNew, False),
    ("batch_size", BatchSize, 2000),
    ("max_wait", MaxWait, 1.0),
    ("quiet", c.Quiet, False),
]


def _run_stream(
    index: LiveIndex,
    paths: list[str],
    read,
    store: bool,
    fmt: VerdictFormat,
    only_new: bool,
    batch_size: int,
    max_wait: float,
    quiet: bool,
) -> None:
    if batch_size < 1 or max_wait < 0:
        raise ConfigError("--batch-size must be at least 1 and --max-wait not negative")
    report = ReadReport()
    counts: Counter[str] = Counter()
    stored = 0
    started = time.perf_counter()
    try:
        for article, verdict in index.stream(
            read(paths, report), store=store, batch_size=batch_size, max_wait=max_wait
        ):
            counts[verdict.verdict] += 1
            stored += verdict.stored
            if only_new:
                if verdict.is_new:
                    sys.stdout.write(c.json_line(article.to_dict()))
            elif fmt is VerdictFormat.jsonl:
                sys.stdout.write(c.json_line(verdict.to_dict()))
            else:
                sys.stdout.write(verdict.line() + "\n")
            sys.stdout.flush()
    finally:
        c.print_read_report(report, quiet)
        if not quiet and (counts or sys.exc_info()[0] is None):
            kinds = ", ".join(
                f"{counts[k]} {k}"
                for k in ("new", "exact", "near", "partial", "rewrite", "seen")
                if counts[k]
            )
            c.stderr.print(
                f"{sum(counts.values())} articles: {kinds or 'none'}; {stored} stored; "
                f"{time.perf_counter() - started:.2f} s"
            )


def add(
    paths: c.Paths,
    *,
    index: LiveIndex,
    read,
    format: VerdictFormat,
    only_new: bool,
    batch_size: int,
    max_wait: float,
    quiet: bool,
) -> None:
    """Check each article against the index, say whether it is new or a copy of which original, and store it.

    Re-adding an id stores nothing ('seen'); the same text under a new id is an 'exact' copy. Each batch is one
    transaction: a crash loses at most the batch in flight.

    Example:

        newsdedup index add feed.jsonl --db news.db

        tail -f feed.jsonl | newsdedup index add - --db news.db --only-new > fresh.jsonl

        newsdedup index add wire.rss --redis redis://127.0.0.1:6379/0 --prefix wire --format jsonl
    """
    _run_stream(index, paths, read, True, format, only_new, batch_size, max_wait, quiet)


def query(
    paths: c.Paths,
    *,
    index: LiveIndex,
    read,
    format: VerdictFormat,
    only_new: bool,
    batch_size: int,
    max_wait: float,
    quiet: bool,
) -> None:
    """The same check as 'add', without storing anything.

    Example:

        newsdedup index query draft.json --db news.db

        newsdedup index query incoming/ --db news.db --only-new > fresh.jsonl
    """
    _run_stream(index, paths, read, False, format, only_new, batch_size, max_wait, quiet)


def stats(*, index: LiveIndex, format: StatsFormat) -> None:
    """How many articles the index holds, by relation, their dates, its size and configuration.

    Example:

        newsdedup index stats --db news.db

        newsdedup index stats --redis redis://127.0.0.1:6379/0 --format json
    """
    data = index.stats()
    if format is StatsFormat.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        return
    relations = data.get("relations") or {}
    detail = ", ".join(
        f"{k} {relations[k]:,}"
        for k in ("new", "exact", "near", "partial", "rewrite")
        if relations.get(k)
    )
    rows = [
        ("index", f"{data['location']} ({data['backend']})"),
        ("articles", f"{data['articles']:,}" + (f"  ({detail})" if detail else "")),
        ("oldest", _when(data.get("oldest"))),
        ("newest", _when(data.get("newest"))),
        (
            "size",
            f"{data['bytes'] / 1e6:,.1f} MB"
            + (" (whole Redis server)" if data["backend"] == "redis" else ""),
        ),
        (
            "config",
            f"{data['fingerprint']}; LSH {data['bands']}x{data['rows']}, words "
            f"{data['word_bands']}x{data['word_rows']}",
        ),
        ("created", data.get("created") or "-"),
    ]
    for name, value in rows:
        sys.stdout.write(f"{name:<9} {value}\n")


def _when(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_age(text: str) -> timedelta:
    """``30d``, ``12h``, ``90m``, ``2w``, ``45s`` → a timedelta.

    Example:
        >>> parse_age("30d").days, parse_age("1.5h").total_seconds()
        (30, 5400.0)
    """
    match = _AGE.match(text)
    if not match:
        raise ConfigError(
            f"--older-than must be a number and a unit (s, m, h, d, w), e.g. 30d; not {text!r}"
        )
    return timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})


def prune(*, index: LiveIndex, older_than: str, quiet: bool) -> None:
    """Delete articles published (or, without a date, added) longer ago than --older-than.

    Example:

        newsdedup index prune --older-than 30d --db news.db
    """
    age = parse_age(older_than)
    removed = index.prune(age)
    if not quiet:
        c.stderr.print(f"removed {removed} article(s) older than {older_than}")


def export(*, index: LiveIndex, output: str) -> None:
    """Write every stored article as JSON lines: its record plus 'index' (relation, original, added).

    Example:

        newsdedup index export --db news.db -o archive.jsonl

        newsdedup index export --db old.db | newsdedup index add - --db new.db --num-perm 256
    """
    with c.output_stream(output) as out:
        for record in index.export():
            out.write(c.json_line(record))


def remove(
    ids: Annotated[
        list[str], typer.Argument(help="Ids of the articles to delete.", show_default=False)
    ],
    *,
    index: LiveIndex,
    quiet: bool,
) -> None:
    """Delete articles by id (ids not in the index are ignored).

    Example:

        newsdedup index remove a1 a2 --db news.db
    """
    removed = index.remove(ids)
    if not quiet:
        c.stderr.print(f"removed {removed} of {len(set(ids))} article(s)")


_QUIET = [("quiet", c.Quiet, False)]
index_app.command()(_with_options(add, _STREAM_OPTIONS, create=True, detection=True))
index_app.command()(_with_options(query, _STREAM_OPTIONS, create=False, detection=True))
index_app.command()(
    _with_options(
        stats,
        [("format", Annotated[StatsFormat, typer.Option("--format", "-f")], StatsFormat.text)],
        create=False,
        detection=False,
    )
)
index_app.command()(
    _with_options(
        prune,
        [
            (
                "older_than",
                Annotated[
                    str,
                    typer.Option(
                        "--older-than", help="Age, e.g. 30d, 12h, 2w.", show_default=False
                    ),
                ],
                ...,
            )
        ]
        + _QUIET,
        create=False,
        detection=False,
    )
)
index_app.command()(
    _with_options(export, [("output", c.OutputOpt, "-")], create=False, detection=False)
)
index_app.command()(_with_options(remove, _QUIET, create=False, detection=False))
