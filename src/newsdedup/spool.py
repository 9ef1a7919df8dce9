"""Token hashes of every article, kept on disk between signing and verifying.

Why: verification needs the tokens of the articles in candidate pairs, but
which articles those are is only known after every article is signed. Holding
all texts costs ~4 KB an article (4 GB at a million); re-reading the input is
impossible for stdin. The spool keeps 5 bytes a token (hash + flags) in two
temporary files and hands back any subset as CSR arrays through a memory map.

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

__all__ = ["TokenSpool", "kept_offsets", "take_rows"]


def kept_offsets(offsets: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """CSR offsets of ``values[keep]``: each row keeps only its kept elements.

    Example:
        >>> kept_offsets(np.array([0, 2, 5]), np.array([True, False, True, True, False])).tolist()
        [0, 1, 3]
    """
    before = np.zeros(len(keep) + 1, np.int64)
    np.cumsum(keep, out=before[1:])
    return before[offsets]


def take_rows(offsets: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Element indices and new offsets selecting ``rows`` of a CSR layout, in that order.

    Example:
        >>> index, new_offsets = take_rows(np.array([0, 2, 2, 5]), np.array([2, 0]))
        >>> index.tolist(), new_offsets.tolist()
        ([2, 3, 4, 0, 1], [0, 3, 5])
    """
    rows = np.asarray(rows, np.int64)
    starts = offsets[rows]
    lengths = offsets[rows + 1] - starts
    new_offsets = np.zeros(len(rows) + 1, np.int64)
    np.cumsum(lengths, out=new_offsets[1:])
    index = np.repeat(starts - new_offsets[:-1], lengths) + np.arange(new_offsets[-1], dtype=np.int64)
    return index, new_offsets


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
        self._maps: tuple[np.ndarray, np.ndarray] | None = None
        self._all_offsets: np.ndarray | None = None

    def __enter__(self) -> TokenSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return sum(len(o) for o in self._offsets) - 1

    def append(self, tokens: np.ndarray, flags: np.ndarray, offsets: np.ndarray) -> None:
        """Add a batch of documents (CSR layout, offsets starting at 0)."""
        if self._maps is not None:
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

    def _open_maps(self) -> tuple[np.ndarray, np.ndarray]:
        if self._maps is None:
            self._tokens.close()
            self._flags.close()
            if self._total == 0:
                self._maps = (np.zeros(0, np.uint32), np.zeros(0, np.uint8))
            else:
                self._maps = (
                    np.memmap(self._tokens.name, np.uint32, "r", shape=(self._total,)),
                    np.memmap(self._flags.name, np.uint8, "r", shape=(self._total,)),
                )
        return self._maps

    def take(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Tokens, flags and offsets of the given documents, in that order (CSR)."""
        tokens, flags = self._open_maps()
        index, out_offsets = take_rows(self.offsets, docs)
        return np.asarray(tokens[index]), np.asarray(flags[index]), out_offsets

    def iter_chunks(self, size: int = 50_000):
        """Yield (first document number, tokens, flags, offsets) over all documents."""
        for lo in range(0, len(self), size):
            docs = np.arange(lo, min(lo + size, len(self)))
            yield (lo, *self.take(docs))

    def close(self) -> None:
        self._maps = None
        for f in (self._tokens, self._flags):
            if not f.closed:
                f.close()
        self._dir.cleanup()
