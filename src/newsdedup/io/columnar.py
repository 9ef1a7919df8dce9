"""Read articles from Parquet files, one record batch at a time.

Why batches: a Parquet file of a million articles holds gigabytes of text;
reading it a row group at a time keeps memory flat. Each row becomes a
record handled exactly like a JSON object (same field names, same checks,
same messages), with ``path#row`` (from 0) as its origin and fallback id.
Timestamps are passed on as ISO 8601 text, so dates parse as in JSON.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pyarrow as pa, pyarrow.parquet as pq
    >>> from newsdedup.io import FieldMap, ReadReport
    >>> from newsdedup.io.counters import ReadContext
    >>> path = Path(tempfile.mkdtemp()) / "news.parquet"
    >>> pq.write_table(pa.table({"id": ["a", None], "text": ["One", "Two"]}), path)
    >>> ctx = ReadContext(FieldMap(), False, 1000, ReadReport())
    >>> [a.id.rsplit("/", 1)[-1] for a in read_parquet(path, str(path), ctx)]
    ['a', 'news.parquet#1']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..models import Article
from .counters import ReadContext
from .records import _articles  # the one record → article conversion, shared with JSON
from .remote import open_binary

__all__ = ["read_parquet"]

#: Rows converted to Python objects at a time.
BATCH_ROWS = 2048


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def read_parquet(path: Path | str, name: str, ctx: ReadContext) -> Iterator[Article]:
    """Yield the articles of a Parquet file (rows in file order; ids default to ``path#row``)."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(
            "reading Parquet needs the pyarrow package (pip install 'newsdedup[io]')", path=name
        ) from None
    with open_binary(path, name) as handle:
        try:
            parquet = pq.ParquetFile(handle)
        except Exception as error:  # pyarrow raises ArrowInvalid, OSError...
            raise InputError(f"not a readable Parquet file: {error}", path=name) from None
        if ctx.fields.text not in parquet.schema_arrow.names:
            ctx.bad(f"Parquet file has no {ctx.fields.text!r} column", name)
            return
        row = 0
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
            records = []
            for record in batch.to_pylist():
                records.append(
                    (f"{name}#{row}", {k: _plain(v) for k, v in record.items() if v is not None})
                )
                row += 1
            yield from _articles(records, ctx)
        if row == 0:
            ctx.skip("empty file, skipped", name)
