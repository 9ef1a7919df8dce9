"""Input files → a DataFrame of articles, read on the executors by newsdedup's own readers.

Why not ``spark.read.json``: the single-machine readers decide what an
article is (field names, ids like ``path:line``, dates, size limit, UTF-8
repair) and what is malformed, with one-line messages. Running those very
readers inside the tasks — one task per file, files in the order ``scan``
reads them — gives the same articles, ids and messages. Problems travel
back as rows; the driver raises the first one (by input order), or with
``skip_bad`` prints them as warnings, exactly as ``scan`` would.

Example:
    >>> rows = list(read_partition(iter([(0, "/no/such/file.jsonl", "file.jsonl")]), _Options()))
    >>> rows[0][2], rows[0][-1]
    ('e', 'file.jsonl: no such file or directory')
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from ..errors import InputError, NoArticlesError
from ..io.counters import ReadContext, ReadReport
from ..io.fields import FieldMap
from ..io.passthrough import RawRecords, passthrough_record
from ..io.reader import _repeated, _too_large, reader_for
from ..io.remote import is_url
from ..io.walk import format_of, iter_input_files
from ..models import Article

__all__ = ["INGEST_SCHEMA", "read_inputs", "read_partition"]

INGEST_SCHEMA = (
    "file int, seq long, kind string, id string, text string, title string, source string, "
    "published double, origin string, record string, message string"
)


@dataclass(frozen=True)
class _Options:
    fields: FieldMap = field(default_factory=FieldMap)
    skip_bad: bool = False
    max_article_bytes: int = 10_000_000
    keep_records: bool = False


def _article_row(
    file_no: int, seq: int, a: Article, raw: RawRecords | None, opened: str, name: str
) -> tuple:
    record = None
    if raw is not None:  # dedup's output: the record as it was read (JSON lines byte for byte)
        origin = a.origin or ""
        if origin.startswith(name + ":"):
            origin = opened + origin[len(name) :]  # the executor opens the absolute path
        record = passthrough_record(raw.line(origin), a.to_dict()).rstrip("\n")
    when = a.published.timestamp() if a.published else None
    return (file_no, seq, "a", a.id, a.text, a.title, a.source, when, a.origin, record, None)


def read_partition(files: Iterator[tuple[int, str, str]], options: _Options) -> Iterator[tuple]:
    """Rows (``INGEST_SCHEMA``) of the files of one task: articles, warnings ('w'), an error ('e').

    Each file comes as (number, path to open, name as given): ids and messages use the name.
    """
    for file_no, path, name in files:
        report = ReadReport()
        ctx = ReadContext(options.fields, options.skip_bad, options.max_article_bytes, report)
        seq = 0
        raw = RawRecords() if options.keep_records else None
        try:
            kind = format_of(Path(name)) or "jsonl"
            source = path if is_url(path) else Path(path)
            for article in reader_for(path, kind)(cast(Path, source), name, ctx):
                if not _too_large(article, ctx):
                    yield _article_row(file_no, seq, article, raw, path, name)
                    seq += 1
        except InputError as error:
            yield (file_no, seq, "e", *[None] * 7, str(error))
        finally:
            if raw is not None:
                raw.close()
        for n, message in enumerate(report.warnings):
            yield (file_no, seq + n, "w", *[None] * 7, message)
        if report.skipped:
            yield (file_no, seq, "s", *[None] * 7, str(report.skipped))


def _problems(rows: Any, report: ReadReport) -> None:
    """Raise the first error in input order; count skips and keep warnings in ``report``."""
    notes = sorted(rows.where("kind != 'a'").select("file", "seq", "kind", "message").collect())
    for note in notes:
        if note["kind"] == "e":
            raise InputError(note["message"])
        if note["kind"] == "w":
            report.warnings.append(note["message"])
        else:
            report.skipped += int(note["message"])


def _repeated_ids(articles: Any, ctx: ReadContext) -> list[tuple[int, int]]:
    """(file, seq) of every repeat of an earlier id: scan's rule and message (raise or skip)."""
    from pyspark.sql import functions as F

    ids = articles.groupBy("id").count().where(F.col("count") > 1).select("id")
    repeats = sorted(
        articles.join(ids, "id").select("file", "seq", "id", "origin").collect(),
        key=lambda r: (r["file"], r["seq"]),
    )
    first_seen: dict[str, str] = {}
    dropped = []
    for row in repeats:
        if _repeated(Article(row["id"], "", origin=row["origin"]), first_seen, ctx):
            dropped.append((row["file"], row["seq"]))
        else:
            first_seen[row["id"]] = row["origin"] or row["id"]
    return dropped


def read_inputs(
    spark: Any,
    paths: Sequence[str],
    *,
    fields: FieldMap = FieldMap(),  # noqa: B008 (frozen)
    skip_bad: bool = False,
    max_article_bytes: int = 10_000_000,
    report: ReadReport | None = None,
    keep_records: bool = False,
) -> Any:
    """Articles (idx, id, text, title, source, published, record) of files, folders and URLs.

    Raises:
        InputError: A path is missing, standard input is asked for, or
            (without ``skip_bad``) a record is malformed or an id repeats.
        NoArticlesError: No article at all.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    report = report if report is not None else ReadReport()
    if any(str(p) == "-" for p in paths):
        raise InputError("the Spark engine cannot read standard input ('-'); give files or URLs")
    files = [str(f) for f in iter_input_files(list(paths))]
    if not files:
        raise NoArticlesError(f"no articles found in {', '.join(map(str, paths))}")
    report.files = len(files)
    options = _Options(fields, skip_bad, max_article_bytes, keep_records)
    located = [(n, f if is_url(f) else os.path.abspath(f), f) for n, f in enumerate(files)]
    numbered = spark.sparkContext.parallelize(located, len(files))
    rows = spark.createDataFrame(
        numbered.mapPartitions(lambda part: read_partition(part, options)), INGEST_SCHEMA
    ).persist(StorageLevel.MEMORY_AND_DISK)
    _problems(rows, report)
    articles = rows.where("kind = 'a'")
    ctx = ReadContext(fields, skip_bad, max_article_bytes, report)
    dropped = _repeated_ids(articles, ctx)
    if dropped:
        gone = spark.createDataFrame(dropped, "file int, seq long")
        articles = articles.join(gone, ["file", "seq"], "left_anti")
    ordered = articles.orderBy("file", "seq").select(
        "id", "text", "title", "source", "published", "record"
    )
    indexed = ordered.rdd.zipWithIndex().map(lambda pair: (pair[1], *pair[0]))
    out = spark.createDataFrame(
        indexed,
        "idx long, id string, text string, title string, source string, published double, "
        "record string",
    ).persist(StorageLevel.MEMORY_AND_DISK)
    report.articles = out.count()
    rows.unpersist()
    if report.articles == 0:
        raise NoArticlesError(f"no articles found in {', '.join(map(str, paths))}")
    return out.withColumn("published", F.col("published"))
