"""The records of a JSON Lines input as they were read, for writing them back unchanged.

Why: ``dedup`` drops copies and must hand back the rest *as they were* — the same
keys in the same order, a date still written "2005-01-01" — not the records as
newsdedup understood them. Readers give every JSON Lines article the origin
``path:line``; this module finds that line again, reading each file once, in
order, alongside the second pass over the input.

Example:
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> feed = folder / "feed.jsonl"
    >>> _ = feed.write_text('{"id": "a", "text": "x", "published": "2005-01-01"}\\n\\n{"text": "y", "id": "b"}\\n')
    >>> with RawRecords() as raw:
    ...     raw.line(f"{feed}:3"), raw.line(f"{feed}:1")
    ('{"text": "y", "id": "b"}\\n', None)
"""

from __future__ import annotations

import json
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from .source import bom_encoding

__all__ = ["RawRecords", "passthrough_record"]

#: Files whose lines are records, one each, kept byte for byte.
LINE_FORMATS = (".jsonl", ".ndjson")


class RawRecords:
    """Finds the raw line behind an origin ``path:line``, for files read front to back.

    Lines must be asked for in increasing order per file (the order readers
    yield them); a line already passed, an origin that is not a JSON Lines
    file, or a file in UTF-16/32 (its lines are not ``\n``-separated bytes)
    gives ``None`` and the caller writes the parsed record instead.

    Args:
        aliases: Where the lines of a named origin really are, e.g.
            ``{"<stdin>": "/tmp/copy.jsonl"}`` for a saved copy of stdin.
    """

    def __init__(self, aliases: dict[str, str] | None = None) -> None:
        self._aliases = dict(aliases or {})
        self._path: str | None = None
        self._handle: IO[bytes] | None = None
        self._number = 0

    def __enter__(self) -> RawRecords:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
        self._handle, self._path, self._number = None, None, 0

    def line(self, origin: str | None) -> str | None:
        """The line at ``origin`` (with its newline), or ``None`` when it cannot be had."""
        path, _, number = (origin or "").rpartition(":")
        path = self._aliases.get(path, path)
        if not number.isdigit() or not path.lower().endswith(LINE_FORMATS):
            return None
        if path != self._path:
            self.close()
            try:
                self._handle = Path(path).open("rb")  # noqa: SIM115 (kept open across calls)
            except OSError:
                return None
            self._path = path
            if bom_encoding(self._handle.peek(4)[:4]):
                self._handle.close()
                self._handle = None
        if self._handle is None:  # a UTF-16/32 file: no byte-for-byte lines
            return None
        return self._advance(int(number))

    def _advance(self, wanted: int) -> str | None:
        assert self._handle is not None
        while self._number < wanted:
            raw = self._handle.readline()
            if not raw:
                return None
            self._number += 1
            if self._number == wanted:
                text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
                return text if text.endswith("\n") else text + "\n"
        return None


def passthrough_record(raw: str | None, fallback: dict[str, Any], **added: Any) -> str:
    """One output line: the raw record unchanged, or with ``added`` fields appended.

    Example:
        >>> passthrough_record('{"id": "b", "published": "2005-01-01"}\\n', {}, duplicate_of="a")
        '{"id": "b", "published": "2005-01-01", "duplicate_of": "a"}\\n'
        >>> passthrough_record(None, {"id": "c"})
        '{"id": "c"}\\n'
    """
    if raw is not None and not added:
        return raw
    record: dict[str, Any] = fallback
    if raw is not None:
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            record = parsed
    return json.dumps({**record, **added}, ensure_ascii=False) + "\n"
