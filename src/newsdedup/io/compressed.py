"""Read JSON Lines compressed with gzip or zstandard (``.jsonl.gz``, ``.jsonl.zst``).

Why streamed: archives of news are shipped compressed and are larger than
memory once inflated; each line is decompressed, decoded and parsed as it
comes, with the very same line parser as plain ``.jsonl`` files, so ids
(``path:line``), warnings and ``--skip-bad`` behave identically.

Example:
    >>> import gzip, tempfile
    >>> from pathlib import Path
    >>> from newsdedup.io import FieldMap, ReadReport
    >>> from newsdedup.io.counters import ReadContext
    >>> path = Path(tempfile.mkdtemp()) / "feed.jsonl.gz"
    >>> _ = path.write_bytes(gzip.compress(b'{"text": "One"}\\n{"id": "b", "text": "Two"}\\n'))
    >>> ctx = ReadContext(FieldMap(), False, 1000, ReadReport())
    >>> [a.id.rsplit("/", 1)[-1] for a in read_jsonl_gz(path, str(path), ctx)]
    ['feed.jsonl.gz:1', 'b']
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from ..models import Article
from .counters import ReadContext
from .records import _jsonl  # the one JSON Lines parser, shared with plain .jsonl
from .remote import open_binary
from .source import Utf8Decoder

__all__ = ["read_jsonl_gz", "read_jsonl_url", "read_jsonl_zst"]


def _gunzip(raw: BinaryIO) -> BinaryIO:
    return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]


def _unzstd(raw: BinaryIO) -> BinaryIO:
    try:
        import zstandard
    except ImportError:
        raise InputError(
            "reading .zst files needs the zstandard package (pip install 'newsdedup[io]')"
        ) from None
    reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)
    return io.BufferedReader(reader, 1 << 20)


def _read(
    path: Path | str, name: str, ctx: ReadContext, inflate: Callable[[BinaryIO], BinaryIO]
) -> Iterator[Article]:
    with open_binary(path, name) as raw, inflate(raw) as handle:
        lines = Utf8Decoder(ctx, name).lines(handle)
        try:
            yield from _jsonl(enumerate(lines, start=1), name, ctx)
        except (OSError, EOFError, zlib.error) as error:
            raise InputError(f"cannot decompress: {_reason(error)}", path=name) from None
        except Exception as error:  # zstandard.ZstdError has no importable base here
            if type(error).__name__ != "ZstdError":
                raise
            raise InputError(f"cannot decompress: {_reason(error)}", path=name) from None


def _reason(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text[:1].lower() + text[1:]


def read_jsonl_gz(path: Path | str, name: str, ctx: ReadContext) -> Iterator[Article]:
    """Yield the articles of a gzip-compressed JSON Lines file (ids ``path:line``)."""
    return _read(path, name, ctx, _gunzip)


def read_jsonl_zst(path: Path | str, name: str, ctx: ReadContext) -> Iterator[Article]:
    """Yield the articles of a zstandard-compressed JSON Lines file (ids ``path:line``)."""
    return _read(path, name, ctx, _unzstd)


def read_jsonl_url(path: Path | str, name: str, ctx: ReadContext) -> Iterator[Article]:
    """Yield the articles of an uncompressed JSON Lines file behind a URL (``s3://...``)."""
    return _read(path, name, ctx, lambda raw: raw)
