"""One entry point that reads articles from any mix of files, folders and stdin.

Why a single streaming generator: the detector and the index consume
articles one at a time, so input of any size flows through in bounded
memory; the rules every format shares (unique ids, the size limit, "no
articles at all" is an error) are applied here once.

Example:
    >>> import io
    >>> report = ReadReport()
    >>> stream = io.StringIO('{"id": "a", "text": "One"}\\n{"id": "b", "text": "Two"}\\n')
    >>> [a.id for a in read_articles(["-"], stdin=stream, report=report)]
    ['a', 'b']
    >>> report.summary()
    'read 2 articles from 1 file'
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TextIO, cast

from ..errors import ConfigError, InputError, NoArticlesError
from ..models import Article
from .columnar import read_parquet
from .compressed import read_jsonl_gz, read_jsonl_url, read_jsonl_zst
from .counters import ReadContext, ReadReport, too_large_message
from .feeds import read_feed
from .fields import FieldMap
from .html import read_html
from .plain import read_plain
from .records import STDIN_NAME, read_csv, read_json, read_jsonl, read_stdin
from .remote import is_url
from .select import Selection, check_glob
from .walk import check_inputs, format_of, iter_input_files

__all__ = ["read_articles"]

Reader = Callable[[Path, str, ReadContext], Iterator[Article]]

_READERS: dict[str, Reader] = {
    "plain": read_plain,
    "html": read_html,
    "json": read_json,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "feed": read_feed,
    "parquet": read_parquet,
    "jsonl.gz": read_jsonl_gz,
    "jsonl.zst": read_jsonl_zst,
}


def read_articles(
    paths: Sequence[str | os.PathLike[str]],
    *,
    fields: FieldMap = FieldMap(),  # noqa: B008 (a frozen, immutable default)
    skip_bad: bool = False,
    max_article_bytes: int = 10_000_000,
    report: ReadReport | None = None,
    stdin: TextIO | None = None,
    unique_ids: bool = True,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> Iterator[Article]:
    """Stream the articles of files, folders (recursive) and ``-`` (JSON Lines on stdin).

    Paths are checked when this is called; files are read lazily as the
    result is iterated.

    Args:
        paths: Files (``.txt .md .html .htm .json .jsonl .ndjson .csv .xml
            .rss .atom``), folders, or ``-`` for standard input.
        fields: Record field names for JSON, JSONL, CSV and stdin.
        skip_bad: Skip malformed records, bad feeds and duplicate ids with
            a warning instead of raising.
        max_article_bytes: Larger articles are skipped with a warning.
        report: Filled in with counters and warnings while reading.
        stdin: Stream read for ``-`` (default ``sys.stdin``).
        unique_ids: Treat a repeated id as bad input. The live index passes
            False: it answers a repeated id itself (``seen``), and an endless
            stream must not remember every id it has read.
        include, exclude: Globs choosing the files read inside folders (see
            :mod:`newsdedup.io.select`, which also says which files are
            skipped: unknown types and documentation, each with a warning).

    Returns:
        An iterator of articles in input order.

    Raises:
        InputError: A path is missing or unreadable, or (without
            ``skip_bad``) a record is malformed or an id repeats.
        NoArticlesError: Iteration ended without a single article (raised
            at once when ``paths`` is empty).
        ConfigError: ``max_article_bytes`` is not positive, or a glob is bad.

    Example:
        >>> import io
        >>> next(read_articles(["-"], stdin=io.StringIO('{"text": "Hi"}'))).id
        '<stdin>:1'
    """
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not paths:
        raise NoArticlesError("no input paths given")
    if max_article_bytes < 1:
        raise ConfigError("max_article_bytes must be positive")
    if sum(1 for p in paths if str(p) == "-") > 1:
        raise InputError("standard input ('-') can be read only once")
    globs = ([check_glob(g) for g in include], [check_glob(g) for g in exclude])
    check_inputs(p for p in paths if str(p) != "-")
    ctx = ReadContext(
        fields, skip_bad, max_article_bytes, report if report is not None else ReadReport()
    )
    return _stream(paths, ctx, stdin, unique_ids, globs)


def _stream(
    paths: Sequence[str | os.PathLike[str]],
    ctx: ReadContext,
    stdin: TextIO | None,
    unique_ids: bool = True,
    globs: tuple[list[str], list[str]] = ([], []),
) -> Iterator[Article]:
    first_seen: dict[str, str] = {}
    yielded = 0
    left_out: list[str] = []
    for article in _read_all(paths, ctx, stdin, globs, left_out):
        if _too_large(article, ctx) or (unique_ids and _repeated(article, first_seen, ctx)):
            continue
        if unique_ids:
            first_seen[article.id] = article.origin or article.id
        yielded += 1
        ctx.report.articles += 1
        yield article
    if yielded == 0 and left_out:
        raise NoArticlesError(f"no articles found: {'; '.join(left_out)}")
    if yielded == 0:
        raise NoArticlesError(f"no articles found in {_describe(paths)}{_why(ctx.report)}")
    ctx.report.warnings.extend(left_out)


def _read_all(
    paths: Sequence[str | os.PathLike[str]],
    ctx: ReadContext,
    stdin: TextIO | None,
    globs: tuple[list[str], list[str]],
    left_out: list[str],
) -> Iterator[Article]:
    for given in paths:
        if str(given) == "-":
            ctx.report.files += 1
            yield from read_stdin(stdin if stdin is not None else sys.stdin, ctx)
            continue
        selection = Selection(*globs)
        skip = lambda p, why: ctx.skip(f"{why}, skipped", str(p))  # noqa: E731
        for path in iter_input_files([given], skip, selection):
            ctx.report.files += 1
            kind = format_of(Path(str(path)))
            if kind is not None:  # always true: iter_input_files yields known types only
                # A URL stays a str: reader_for gives it a reader that opens URLs.
                yield from reader_for(path, kind)(cast(Path, path), str(path), ctx)
        left_out.extend(selection.messages(str(given)))


def reader_for(path: object, kind: str) -> Reader:
    """The reader of a file of a known kind; URLs hold Parquet or JSON Lines (plain or compressed).

    Raises:
        InputError: A URL names a file of another kind.
    """
    if is_url(path) and kind == "jsonl":
        return read_jsonl_url
    if is_url(path) and kind not in ("parquet", "jsonl.gz", "jsonl.zst"):
        raise InputError(
            "only Parquet and JSON lines (.jsonl, .jsonl.gz, .jsonl.zst) are read from URLs",
            path=str(path),
        )
    return _READERS[kind]


def _too_large(article: Article, ctx: ReadContext) -> bool:
    limit = ctx.max_article_bytes
    if len(article.text) * 4 <= limit:  # a character is at most 4 UTF-8 bytes
        return False
    size = len(article.text.encode("utf-8", errors="surrogatepass"))
    if size <= limit:
        return False
    ctx.skip(too_large_message(size, limit), article.origin or article.id)
    return True


def _repeated(article: Article, first_seen: dict[str, str], ctx: ReadContext) -> bool:
    earlier = first_seen.get(article.id)
    if earlier is None:
        return False
    shown = article.id if len(article.id) <= 80 else article.id[:77] + "..."
    ctx.bad(f"duplicate id {shown!r} (first seen at {earlier})", article.origin or article.id)
    return True


def _why(report: ReadReport) -> str:
    """The first reason something was left out, so "no articles" is never a mystery.

    Example:
        >>> r = ReadReport()
        >>> r.warn("article is 12.0 MB, over the 10.0 MB limit; skipped", "big.txt")
        >>> _why(r)
        ' (big.txt: article is 12.0 MB, over the 10.0 MB limit; skipped)'
    """
    if not report.warnings:
        return ""
    more = len(report.warnings) - 1
    return f" ({report.warnings[0]}{f'; {more} more warnings' if more else ''})"


def _describe(paths: Sequence[str | os.PathLike[str]]) -> str:
    names = [STDIN_NAME if str(p) == "-" else str(p) for p in paths]
    if len(names) > 3:
        return f"{', '.join(names[:3])} and {len(names) - 3} more"
    return ", ".join(names)
