"""Open input files safely: OS errors, binary and empty files, and decoding.

Why one place: every reader must turn ``PermissionError`` into a one-line
:class:`InputError`, skip binary files, accept a UTF-8 byte-order mark and
survive invalid UTF-8 with a single warning per file. Text is UTF-8, or
UTF-16 / UTF-32 when the file starts with their byte-order mark (Windows
tools write those; their NUL bytes must not make the file look binary).
Line-based readers decode line by line so memory stays bounded.

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

import codecs
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from .counters import ReadContext, too_large_message

__all__ = [
    "Utf8Decoder",
    "bom_encoding",
    "is_binary",
    "open_input",
    "os_reason",
    "read_bytes",
    "read_text",
]

#: How much of a file is checked for NUL bytes.
SNIFF_BYTES = 8192

#: Byte-order marks of the wide encodings, longest first (UTF-32 LE starts like UTF-16 LE).
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def bom_encoding(head: bytes) -> str | None:
    """``"utf-16"`` or ``"utf-32"`` when ``head`` starts with that byte-order mark.

    Example:
        >>> bom_encoding("Été".encode("utf-16")), bom_encoding(b"plain")
        ('utf-16', None)
    """
    for bom, encoding in _WIDE_BOMS:
        if head.startswith(bom):
            return encoding
    return None


def _peek(handle: BinaryIO) -> bytes:
    peek = getattr(handle, "peek", None)
    return peek(SNIFF_BYTES)[:SNIFF_BYTES] if peek else b""


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
    """Whether the first bytes of an open file hold a NUL byte (without consuming them).

    Text in UTF-16 or UTF-32 with a byte-order mark is not binary.
    """
    head = _peek(handle)
    return b"\0" in head and bom_encoding(head) is None


class Utf8Decoder:
    """Decode one file's bytes as UTF-8, warning once if they are invalid.

    A byte-order mark is dropped; invalid bytes become U+FFFD.
    """

    def __init__(self, ctx: ReadContext, name: str) -> None:
        self._ctx = ctx
        self._name = name
        self._warned = False

    def decode(self, raw: bytes, line: int | None = None) -> str:
        encoding = (bom_encoding(raw) if line in (None, 1) else None) or "utf-8-sig"
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            self._warn(encoding, line)
            return raw.decode(encoding, errors="replace")

    def _warn(self, encoding: str, line: int | None) -> None:
        if not self._warned:
            self._warned = True
            shown = "UTF-8" if encoding == "utf-8-sig" else encoding.upper()
            self._ctx.note(
                f"invalid {shown}, decoded with replacement characters", self._name, line
            )

    def lines(self, handle: BinaryIO) -> Iterator[str]:
        """Yield the decoded lines of ``handle`` as each is complete, line endings kept.

        Iterating the file (not calling ``readline``) keeps the loop in C; only
        the first line can start with a byte-order mark. A UTF-16 or UTF-32
        file is decoded as a stream instead (its line breaks are not single
        ``\n`` bytes).
        """
        wide = bom_encoding(_peek(handle))
        if wide is not None:
            yield from self._wide_lines(handle, wide)
            return
        number = 0
        for number, raw in enumerate(handle, start=1):
            if number == 1:
                yield self.decode(raw, number)
                continue
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                yield self.decode(raw, number)

    def _wide_lines(self, handle: BinaryIO, encoding: str) -> Iterator[str]:
        text = io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="")
        for number, line in enumerate(text, start=1):
            if "\ufffd" in line:
                self._warn(encoding, number)
            yield line


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
    if not raw.strip() or raw.strip() == b"\xef\xbb\xbf" or _only_a_wide_bom(raw):
        ctx.skip("empty file, skipped", name)
        return None
    return raw


def _only_a_wide_bom(raw: bytes) -> bool:
    encoding = bom_encoding(raw)
    return encoding is not None and not raw.decode(encoding, errors="replace").strip()


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
