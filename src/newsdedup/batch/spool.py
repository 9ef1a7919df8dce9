"""Token hashes of every article, kept on disk between signing and verifying.

Why: verification needs the tokens of the articles in candidate pairs, but
which articles those are is only known after every article is signed. Holding
all texts costs ~4 KB an article (4 GB at a million); re-reading the input is
impossible for stdin. The spool keeps 5 bytes a token (hash + flags) in two
temporary files and reads back any subset as CSR arrays. It reads with
``pread`` rather than a memory map, so the pages it touched do not stay in
the process's resident memory.

Example:
    >>> import numpy as np
    >>> with TokenSpool() as spool:
    ...     spool.append(np.array([1, 2, 3], np.uint32), np.zeros(3, np.uint8), np.array([0, 2, 3]))
    ...     tokens, flags, offsets = spool.take(np.array([1]))
    >>> tokens.tolist(), offsets.tolist()
    ([3], [0, 1])
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

__all__ = ["TokenSpool", "kept_offsets"]


def kept_offsets(offsets: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """CSR offsets of ``values[keep]``: each row keeps only its kept elements.

    Example:
        >>> kept_offsets(np.array([0, 2, 5]), np.array([True, False, True, True, False])).tolist()
        [0, 1, 3]
    """
    before = np.zeros(len(keep) + 1, np.int64)
    np.cumsum(keep, out=before[1:])
    return before[offsets]


def _read_exactly(fd: int, into: memoryview, offset: int) -> None:
    while len(into):
        got = os.preadv(fd, [into], offset)
        if got <= 0:
            raise OSError(f"token spool ended early at byte {offset}")
        into, offset = into[got:], offset + got


class TokenSpool:
    """Append-only store of per-document token arrays, readable by document number.

    Args:
        directory: Where the temporary files go (default: the system's temp dir).
    """

    def __init__(self, directory: str | None = None) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="newsdedup-spool-", dir=directory)
        self._tokens = open(os.path.join(self._dir.name, "tokens.u32"), "wb")
        self._flags = open(os.path.join(self._dir.name, "flags.u8"), "wb")
        self._offsets = [np.zeros(1, np.int64)]
        self._total = 0
        self._readers: tuple[int, int] | None = None
        self._all_offsets: np.ndarray | None = None

    def __enter__(self) -> TokenSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return sum(len(o) for o in self._offsets) - 1

    def append(self, tokens: np.ndarray, flags: np.ndarray, offsets: np.ndarray) -> None:
        """Add a batch of documents (CSR layout, offsets starting at 0)."""
        if self._readers is not None:
            raise RuntimeError("the spool is closed for writing once read")
        self._tokens.write(np.ascontiguousarray(tokens, np.uint32).tobytes())
        self._flags.write(np.ascontiguousarray(flags, np.uint8).tobytes())
        self._offsets.append(np.asarray(offsets[1:], np.int64) + self._total)
        self._total += int(offsets[-1])

    @property
    def offsets(self) -> np.ndarray:
        """Token offsets of all documents (n + 1 entries)."""
        if self._all_offsets is None or len(self._all_offsets) != len(self) + 1:
            self._all_offsets = np.concatenate(self._offsets)
        return self._all_offsets

    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def _open_for_reading(self) -> tuple[int, int]:
        if self._readers is None:
            self._tokens.close()
            self._flags.close()
            self._readers = (
                os.open(self._tokens.name, os.O_RDONLY),
                os.open(self._flags.name, os.O_RDONLY),
            )
        return self._readers

    def take(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Tokens, flags and offsets of the given documents, in that order (CSR)."""
        tokens_fd, flags_fd = self._open_for_reading()
        docs = np.asarray(docs, np.int64)
        offs = self.offsets
        starts = offs[docs]
        lengths = offs[docs + 1] - starts
        out_offsets = np.zeros(len(docs) + 1, np.int64)
        np.cumsum(lengths, out=out_offsets[1:])
        tokens = np.empty(out_offsets[-1], np.uint32)
        flags = np.empty(out_offsets[-1], np.uint8)
        token_view, flag_view = tokens.data.cast("B"), flags.data
        for start, length, at in zip(starts.tolist(), lengths.tolist(), out_offsets[:-1].tolist()):
            if length:
                _read_exactly(tokens_fd, token_view[4 * at : 4 * (at + length)], 4 * start)
                _read_exactly(flags_fd, flag_view[at : at + length], start)
        return tokens, flags, out_offsets

    def iter_chunks(self, size: int = 50_000):
        """Yield (first document number, tokens, flags, offsets) over all documents."""
        for lo in range(0, len(self), size):
            docs = np.arange(lo, min(lo + size, len(self)))
            yield (lo, *self.take(docs))

    def close(self) -> None:
        if self._readers is not None:
            for fd in self._readers:
                os.close(fd)
            self._readers = None
        for f in (self._tokens, self._flags):
            if not f.closed:
                f.close()
        self._dir.cleanup()
