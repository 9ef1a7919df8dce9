"""Read articles from record files: JSON, JSON Lines, CSV, and JSON Lines on stdin.

Why line by line: JSONL and CSV can be far larger than memory and may be a
live stream (``tail -f feed.jsonl | newsdedup ...``), so they are decoded
and parsed one line or row at a time and each article is yielded as soon as
it is read. A ``.json`` file is one document and is parsed whole.

Example:
    >>> import io
    >>> from newsdedup.io import FieldMap, ReadReport
    >>> ctx = ReadContext(FieldMap(), False, 1000, ReadReport())
    >>> [a.id for a in read_stdin(io.StringIO('{"id": "x", "text": "T"}\\n\\n{"text": "U"}\\n'), ctx)]
    ['x', '<stdin>:3']
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from ..errors import InputError
from ..models import Article
from .counters import ReadContext
from .fields import article_from_record
from .source import Utf8Decoder, is_binary, open_input, read_text

__all__ = ["STDIN_NAME", "read_csv", "read_json", "read_jsonl", "read_stdin"]

#: How standard input is named in ids and messages.
STDIN_NAME = "<stdin>"

_INVALID = object()

# Articles are long; the csv module's default 128 kB field limit is not.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_json(path: Path, name: str, ctx: ReadContext) -> Iterator[Article]:
    """Yield the articles of a ``.json`` file: one object, or an array of objects.

    A single object without an id gets the path as id; array items get
    ``path#index`` (from 0).
    """
    text = read_text(path, name, ctx)
    if text is None:
        return
    document = _parse_json(text, name, None, ctx)
    if document is _INVALID:
        return
    if isinstance(document, dict):
        yield from _articles([(name, document)], ctx)
    elif isinstance(document, list):
        yield from _articles(
            ((f"{name}#{index}", item) for index, item in enumerate(document)), ctx
        )
    else:
        ctx.bad("expected a JSON object or an array of objects", name)


def read_jsonl(path: Path, name: str, ctx: ReadContext) -> Iterator[Article]:
    """Yield the articles of a JSON Lines file, one object per line (blank lines ignored)."""
    with open_input(path, name) as handle:
        if is_binary(handle):
            ctx.skip("binary file, skipped", name)
            return
        lines = Utf8Decoder(ctx, name).lines(handle)
        yield from _jsonl(enumerate(lines, start=1), name, ctx)


def read_stdin(stream: TextIO, ctx: ReadContext) -> Iterator[Article]:
    """Yield articles from JSON Lines on ``stream`` as each line arrives.

    Lines are read with ``readline`` so nothing waits for the end of the
    stream; ids default to ``<stdin>:line``. When the stream has a binary
    ``buffer`` (``sys.stdin`` does), bytes are decoded here, so invalid
    UTF-8 is a warning rather than a crash.
    """
    binary = getattr(stream, "buffer", None)
    if binary is not None and hasattr(binary, "readline"):
        lines: Iterator[str] = Utf8Decoder(ctx, STDIN_NAME).lines(binary)
    else:
        lines = iter(stream.readline, "")
    yield from _jsonl(_numbered(lines), STDIN_NAME, ctx)


def _numbered(lines: Iterator[str]) -> Iterator[tuple[int, str]]:
    # Fed by readline, never read(): each line is handled as soon as it is complete.
    for number, line in enumerate(lines, start=1):
        yield number, line.lstrip("\ufeff") if number == 1 else line


def read_csv(path: Path, name: str, ctx: ReadContext) -> Iterator[Article]:
    """Yield the articles of a CSV file with a header row (quoted newlines allowed).

    Each row's origin is ``path:line`` with the line where the row starts.
    """
    with open_input(path, name) as handle:
        if is_binary(handle):
            ctx.skip("binary file, skipped", name)
            return
        lines = _RecordLines(Utf8Decoder(ctx, name).lines(handle))
        # strict: a closing quote must end its field, so an unterminated quote
        # that swallows the next rows is an error instead of one giant field.
        reader = csv.reader(lines, strict=True)
        header = _csv_header(reader, name, ctx)
        if header is not None:
            yield from _articles(_csv_records(reader, lines, header, name, ctx), ctx)


def _jsonl(lines: Iterable[tuple[int, str]], name: str, ctx: ReadContext) -> Iterator[Article]:
    seen_content = False
    for number, line in lines:
        if not line.strip():
            continue
        seen_content = True
        record = _parse_json(line, name, number, ctx)
        if record is not _INVALID:
            yield from _articles([(f"{name}:{number}", record)], ctx)
    if not seen_content:
        ctx.skip("empty file, skipped", name)


def _parse_json(text: str, name: str, line: int | None, ctx: ReadContext) -> Any:
    """The decoded JSON value, or ``_INVALID`` after reporting why it is not JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = line if line is not None else error.lineno
        ctx.bad(f"invalid JSON: {error.msg} (column {error.colno})", name, where)
    except RecursionError:
        ctx.bad("invalid JSON: nested too deeply", name, line)
    return _INVALID


def _articles(records: Iterable[tuple[str, Any]], ctx: ReadContext) -> Iterator[Article]:
    for origin, record in records:
        try:
            article = article_from_record(record, ctx.fields, origin, ctx.report)
        except InputError as error:
            ctx.bad_error(error)
            continue
        yield article


def _csv_header(reader: Any, name: str, ctx: ReadContext) -> list[str] | None:
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
    except csv.Error as error:
        ctx.bad(f"invalid CSV: {error}", name, reader.line_num)
        return None
    if header is None:
        ctx.skip("empty file, skipped", name)
        return None
    header = [cell.strip() for cell in header]
    if ctx.fields.text not in header:
        ctx.bad(f"CSV header has no {ctx.fields.text!r} column", name, reader.line_num)
        return None
    return header


#: A broken row spanning at most this many lines has the lines after its first
#: read again as rows; a longer one is skipped whole (re-reading is bounded).
REREAD_LINES = 1000


class _RecordLines:
    """The lines under a csv reader, numbered, with the current record's lines kept.

    After a row with broken quoting, the lines it swallowed are pushed back
    and read again, so one stray quote costs one row, not the rest of the file.
    """

    def __init__(self, lines: Iterator[str]) -> None:
        self._source = enumerate(lines, start=1)
        self._again: list[tuple[int, str]] = []  # pushed back, in reverse order
        self.record: list[tuple[int, str]] = []

    def __iter__(self) -> _RecordLines:
        return self

    def __next__(self) -> str:
        item = self._again.pop() if self._again else next(self._source)
        if len(self.record) <= REREAD_LINES:
            self.record.append(item)
        return item[1]

    def start_record(self) -> None:
        self.record = []

    def first_line(self) -> int:
        return self.record[0][0] if self.record else 0

    def reread_after_first(self) -> None:
        if 1 < len(self.record) <= REREAD_LINES:
            self._again.extend(reversed(self.record[1:]))


def _csv_records(
    reader: Any, lines: _RecordLines, header: list[str], name: str, ctx: ReadContext
) -> Iterator[tuple[str, Any]]:
    while True:
        lines.start_record()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            start = lines.first_line()
            lines.reread_after_first()
            ctx.bad(f"invalid CSV (broken quoting?): {error}", name, start)
            continue
        start = lines.first_line()
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            ctx.bad(f"row has {len(row)} fields but the header has {len(header)}", name, start)
            continue
        yield f"{name}:{start}", dict(zip(header, row))
