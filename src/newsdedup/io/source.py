"""Open input files safely: OS errors, binary and empty files, and UTF-8 decoding.

Why one place: every reader must turn ``PermissionError`` into a one-line
:class:`InputError`, skip binary files, accept a UTF-8 byte-order mark and
survive invalid UTF-8 with a single warning per file. Line-based readers
decode line by line so memory stays bounded.

Example:
    >>> import io
    >>> from newsdedup.io import FieldMap, ReadReport
    >>> report = ReadReport()
    >>> ctx = ReadContext(FieldMap(), False, 100, report)
    >>> list(Utf8Decoder(ctx, "a.txt").lines(io.BytesIO(b"\\xef\\xbb\\xbfok\\nbad \\xff\\n")))
    ['ok\\n', 'bad \\ufffd\\n']
    >>> report.warnings
    ['a.txt:2: invalid UTF-8, decoded with replacement characters']
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from .counters import ReadContext, too_large_message

__all__ = ["Utf8Decoder", "is_binary", "open_input", "os_reason", "read_bytes", "read_text"]

#: How much of a file is checked for NUL bytes.
SNIFF_BYTES = 8192


def os_reason(error: OSError) -> str:
    """A short lower-case reason for an OS error (no path, no traceback).

    Example:
        >>> os_reason(FileNotFoundError(2, "No such file or directory"))
        'no such file or directory'
    """
    if isinstance(error, FileNotFoundError):
        return "no such file or directory"
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    return (error.strerror or str(error) or type(error).__name__).lower()


def open_input(path: Path, name: str) -> BinaryIO:
    """Open ``path`` for binary reading.

    Raises:
        InputError: The file cannot be opened (missing, permission denied...).
    """
    try:
        return open(path, "rb", buffering=max(SNIFF_BYTES, 65536))
    except OSError as error:
        raise InputError(os_reason(error), path=name) from None


def is_binary(handle: BinaryIO) -> bool:
    """Whether the first bytes of an open file hold a NUL byte (without consuming them)."""
    peek = getattr(handle, "peek", None)
    head = peek(SNIFF_BYTES)[:SNIFF_BYTES] if peek else b""
    return b"\0" in head


class Utf8Decoder:
    """Decode one file's bytes as UTF-8, warning once if they are invalid.

    A byte-order mark is dropped; invalid bytes become U+FFFD.
    """

    def __init__(self, ctx: ReadContext, name: str) -> None:
        self._ctx = ctx
        self._name = name
        self._warned = False

    def decode(self, raw: bytes, line: int | None = None) -> str:
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            if not self._warned:
                self._warned = True
                self._ctx.note(
                    "invalid UTF-8, decoded with replacement characters", self._name, line
                )
            return raw.decode("utf-8-sig", errors="replace")

    def lines(self, handle: BinaryIO) -> Iterator[str]:
        """Yield the decoded lines of ``handle`` as each is complete, line endings kept.

        Iterating the file (not calling ``readline``) keeps the loop in C; only
        the first line can start with a byte-order mark.
        """
        number = 0
        for number, raw in enumerate(handle, start=1):
            if number == 1:
                yield self.decode(raw, number)
                continue
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                yield self.decode(raw, number)


def read_bytes(
    path: Path, name: str, ctx: ReadContext, *, one_article: bool = False
) -> bytes | None:
    """Read a whole file, or return ``None`` after a warning when it must be skipped.

    Args:
        one_article: The file is a single article, so a file over
            ``ctx.max_article_bytes`` is skipped before it is read.

    Raises:
        InputError: The file cannot be opened or read.
    """
    with open_input(path, name) as handle:
        if one_article:
            size = os.fstat(handle.fileno()).st_size
            if size > ctx.max_article_bytes:
                ctx.skip(too_large_message(size, ctx.max_article_bytes), name)
                return None
        if is_binary(handle):
            ctx.skip("binary file, skipped", name)
            return None
        try:
            raw = handle.read()
        except OSError as error:
            raise InputError(os_reason(error), path=name) from None
    if not raw.strip() or raw.strip() == b"\xef\xbb\xbf":
        ctx.skip("empty file, skipped", name)
        return None
    return raw


def read_text(path: Path, name: str, ctx: ReadContext, *, one_article: bool = False) -> str | None:
    """Like :func:`read_bytes`, decoded as UTF-8 (see :class:`Utf8Decoder`)."""
    raw = read_bytes(path, name, ctx, one_article=one_article)
    if raw is None:
        return None
    text = Utf8Decoder(ctx, name).decode(raw)
    if not text.strip():
        ctx.skip("empty file, skipped", name)
        return None
    return text
