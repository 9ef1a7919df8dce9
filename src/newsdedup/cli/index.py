"""``newsdedup index ...``: the live index from the command line (a thin layer over ``LiveIndex``).

Every command opens a store (``--db`` file, or ``--redis`` URL with
``--prefix``), makes one library call and renders it. ``add`` and ``query``
stream: each article's line is written and flushed as soon as its batch is
done, so ``tail -f feed.jsonl | newsdedup index add -`` answers as lines arrive.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import ConfigError
from ..io import ReadReport
from . import _common as c

if TYPE_CHECKING:  # imported when used: the index pulls in numba, --help must not wait for it
    from ..index import IndexStore, LiveIndex

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
        help="Use a Redis index instead of the file, e.g. redis://127.0.0.1:6379/0; a Redis "
        "Cluster as redis+cluster://host:port[,host:port...] (any of its nodes; each index "
        "is one slot, so it lives on one node).",
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


@dataclass(frozen=True)
class IndexLocation:
    """Where the index lives: a SQLite file, or a Redis server and key prefix."""

    db: Db = "newsdedup.db"
    redis: RedisUrl = None
    prefix: Prefix = "newsdedup"
    wait: Wait = 120.0

    def store(
        self,
        create: bool,
        read_only: bool = False,
        manifest: bool = True,
        store_text: bool | None = None,
    ) -> IndexStore:
        """The backend; ``read_only`` opens an SQLite file read-only (no writing, no waiting).

        ``store_text`` (SQLite): keep whole article records; None follows the index.
        """
        if not math.isfinite(self.wait) or self.wait < 0:
            raise ConfigError(f"--wait must be a number of seconds, 0 or more; not {self.wait}")
        if self.redis:
            from ..index import RedisStore

            return RedisStore(
                self.redis, prefix=self.prefix, wait_seconds=self.wait, manifest=manifest
            )
        from ..index import SQLiteStore

        return SQLiteStore(
            self.db,
            create=create,
            wait_seconds=self.wait,
            read_only=read_only,
            manifest=manifest,
            store_text=store_text,
        )


#: Detection settings of the index commands default to None: "the index's own"
#: (the defaults for a new index).
IndexDetection = Annotated[c.DetectionOptions, c.UNSET]


@contextlib.contextmanager
def _opened(
    location: IndexLocation,
    create: bool,
    detection: c.DetectionOptions | None = None,
    read_only: bool = False,
    store_text: bool | None = None,
) -> Iterator[LiveIndex]:
    """The index at ``location``, with the given detection settings over its own."""
    store = location.store(create, read_only, store_text=store_text)
    try:
        from ..index import LiveIndex

        index = LiveIndex.open(store, create=create, **(detection.settings() if detection else {}))
    except BaseException:
        store.close()
        raise
    with index:
        yield index


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


@dataclass(frozen=True)
class StreamOptions:
    """How ``add`` and ``query`` batch their input and write their answers."""

    format: FormatOpt = VerdictFormat.text
    only_new: OnlyNew = False
    batch_size: BatchSize = 2000
    max_wait: MaxWait = 1.0
    quiet: c.Quiet = False


def _run_stream(
    index: LiveIndex,
    paths: list[str],
    inputs: c.InputOptions,
    store: bool,
    options: StreamOptions,
) -> None:
    if options.batch_size < 1 or not (0 <= options.max_wait < math.inf):
        raise ConfigError("--batch-size must be at least 1 and --max-wait not negative")
    report = ReadReport()
    counts: Counter[str] = Counter()
    stored = 0
    started = time.perf_counter()
    try:
        for article, verdict in index.stream(
            inputs.articles(paths, report, unique_ids=False),
            store=store,
            batch_size=options.batch_size,
            max_wait=options.max_wait,
        ):
            counts[verdict.verdict] += 1
            stored += verdict.stored
            if options.only_new:
                if verdict.is_new:
                    sys.stdout.write(c.json_line(article.to_dict()))
            elif options.format is VerdictFormat.jsonl:
                sys.stdout.write(c.json_line(verdict.to_dict()))
            else:
                sys.stdout.write(verdict.line() + "\n")
            sys.stdout.flush()
    finally:
        c.print_read_report(report, options.quiet)
        if not options.quiet and (counts or sys.exc_info()[0] is None):
            kinds = ", ".join(
                f"{counts[k]} {k}"
                for k in ("new", "exact", "near", "partial", "rewrite", "seen")
                if counts[k]
            )
            c.stderr.print(
                f"{sum(counts.values())} articles: {kinds or 'none'}; {stored} stored; "
                f"{time.perf_counter() - started:.2f} s"
            )


StoreText = Annotated[
    bool,
    typer.Option(
        "--store-text",
        help="Keep each article's whole record in a new SQLite index (for 'export'); without it the index keeps "
        "a reference (origin file and line, source, URL, date); texts add about half to its size. Recorded: "
        "later adds follow it.",
        rich_help_panel="Index",
    ),
]


@index_app.command()
@c.command
def add(
    paths: c.Paths,
    *,
    location: IndexLocation,
    detection: IndexDetection,
    inputs: c.InputOptions,
    stream: StreamOptions,
    store_text: StoreText = False,
) -> None:
    """Check each article against the index, say whether it is new or a copy of which original, and store it.

    Re-adding an id stores nothing ('seen'); the same text under a new id is an 'exact' copy. Each batch is one
    transaction: a crash loses at most the batch in flight.

    Example:

        newsdedup index add feed.jsonl --db news.db

        tail -f feed.jsonl | newsdedup index add - --db news.db --only-new > fresh.jsonl

        newsdedup index add wire.rss --redis redis://127.0.0.1:6379/0 --prefix wire --format jsonl

        newsdedup index add feed.jsonl --db archive.db --store-text
    """
    with _opened(location, True, detection, store_text=store_text or None) as index:
        _run_stream(index, paths, inputs, True, stream)


@index_app.command()
@c.command
def query(
    paths: c.Paths,
    *,
    location: IndexLocation,
    detection: IndexDetection,
    inputs: c.InputOptions,
    stream: StreamOptions,
) -> None:
    """The same check as 'add', without storing anything.

    Example:

        newsdedup index query draft.json --db news.db

        newsdedup index query incoming/ --db news.db --only-new > fresh.jsonl
    """
    with _opened(location, False, detection, read_only=True) as index:
        _run_stream(index, paths, inputs, False, stream)


@index_app.command()
@c.command
def stats(
    *,
    location: IndexLocation,
    format: Annotated[StatsFormat, typer.Option("--format", "-f")] = StatsFormat.text,
) -> None:
    """How many articles the index holds, by relation, their dates, its size and configuration.

    Example:

        newsdedup index stats --db news.db

        newsdedup index stats --redis redis://127.0.0.1:6379/0 --format json
    """
    with _opened(location, False, read_only=True) as index:
        data = index.stats()
    if format is StatsFormat.json:
        sys.stdout.write(json.dumps(data.to_dict(), ensure_ascii=False) + "\n")
        return
    detail = ", ".join(
        f"{k} {data.relations[k]:,}"
        for k in ("new", "exact", "near", "partial", "rewrite")
        if data.relations.get(k)
    )
    redis_note = f" ({data.bytes_note})" if data.bytes_note else ""
    rows = [
        ("index", f"{data.location} ({data.backend})"),
        ("articles", f"{data.articles:,}" + (f"  ({detail})" if detail else "")),
        ("oldest", _when(data.oldest)),
        ("newest", _when(data.newest)),
        ("size", f"{data.bytes / 1e6:,.1f} MB{redis_note}"),
        (
            "config",
            f"{data.fingerprint}; LSH {data.bands}x{data.rows}, words "
            f"{data.word_bands}x{data.word_rows}",
        ),
        ("created", data.created or "-"),
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
    try:
        return timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})
    except OverflowError:
        raise ConfigError(f"--older-than {text} is longer than any date can go back") from None


@index_app.command()
@c.command
def prune(
    *,
    location: IndexLocation,
    older_than: Annotated[
        str, typer.Option("--older-than", help="Age, e.g. 30d, 12h, 2w.", show_default=False)
    ],
    quiet: c.Quiet = False,
) -> None:
    """Delete articles published (or, without a date, added) longer ago than --older-than.

    Example:

        newsdedup index prune --older-than 30d --db news.db
    """
    age = parse_age(older_than)
    with _opened(location, False) as index:
        removed = index.prune(age)
    if not quiet:
        c.stderr.print(f"removed {removed} article(s) older than {older_than}")


@index_app.command()
@c.command
def export(*, location: IndexLocation, output: c.OutputOpt = "-") -> None:
    """Write every stored article as JSON lines: its record plus 'index' (relation, original, added).

    An SQLite index made without --store-text keeps no texts: its lines hold the id and the reference (origin
    file and line, source, URL, date) and 'index': {'text': 'not stored'}.

    Example:

        newsdedup index export --db news.db -o archive.jsonl

        newsdedup index export --db old.db | newsdedup index add - --db new.db --num-perm 256
    """
    with _opened(location, False, read_only=True) as index, c.output_stream(output) as out:
        for record in index.export():
            out.write(c.json_line(record))


@index_app.command()
@c.command
def remove(
    ids: Annotated[
        list[str], typer.Argument(help="Ids of the articles to delete.", show_default=False)
    ],
    *,
    location: IndexLocation,
    quiet: c.Quiet = False,
) -> None:
    """Delete articles by id (ids not in the index are ignored).

    Example:

        newsdedup index remove a1 a2 --db news.db
    """
    with _opened(location, False) as index:
        removed = index.remove(ids)
    if not quiet:
        c.stderr.print(f"removed {removed} of {len(set(ids))} article(s)")


# The maintenance commands (check, migrate) live in their own module; importing it registers them.
from . import index_admin as index_admin  # noqa: E402
