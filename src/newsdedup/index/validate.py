"""Everything read back from storage is checked here before it reaches a compiled kernel.

Why: stored values drive array indexing in the numba kernels (doc numbers,
roots, token offsets, signature widths). A damaged page, a hand-edited row or
a crafted Redis value must stop the command with one line,
``Error: <index>: damaged (what); run 'newsdedup index check'`` (exit 1), not
read or write out of bounds. Both backends decode through these functions,
so the rules are the same for SQLite and Redis.

Example:
    >>> import numpy as np
    >>> signature_rows([b"\\x01\\x00\\x00\\x00" * 2], 2, "x.db").tolist()
    [[1, 1]]
    >>> signature_rows([b"\\x01\\x00"], 2, "x.db")
    Traceback (most recent call last):
    ...
    newsdedup.errors.IndexDamaged: x.db: damaged (a signature of 2 bytes, expected 8); run 'newsdedup index check'
"""

from __future__ import annotations

import contextlib
import json
import zlib
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from ..errors import IndexDamaged

__all__ = [
    "MAX_DOC",
    "check_docs",
    "check_roots",
    "decoding",
    "manifest_from_json",
    "number_bits",
    "signature_rows",
    "token_blob",
]

#: Doc numbers are positive and below 2**40 (candidate lookups pack a row and a doc in 64 bits).
MAX_DOC = 1 << 40
#: Bounds of the settings a manifest may hold (far beyond any real index; they keep arrays sane).
MAX_PERM = 1 << 16
MAX_FEATURES = 1 << 30

_DECODE_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    OverflowError,
    zlib.error,
    UnicodeDecodeError,
)


@contextlib.contextmanager
def decoding(location: str, what: str) -> Iterator[None]:
    """Turn a failure to decode a stored value into :class:`IndexDamaged` naming ``what``.

    Example:
        >>> with decoding("x.db", "the root of doc 3"):
        ...     int("abc")
        Traceback (most recent call last):
        ...
        newsdedup.errors.IndexDamaged: x.db: damaged (the root of doc 3: invalid literal for int() with base 10: 'abc'); run 'newsdedup index check'
    """
    try:
        yield
    except IndexDamaged:
        raise
    except _DECODE_ERRORS as err:
        raise IndexDamaged(f"{what}: {err}", path=location) from None


def check_docs(docs: np.ndarray, location: str, what: str = "a doc number") -> np.ndarray:
    """``docs`` as int64, each within 1 .. MAX_DOC - 1."""
    docs = np.asarray(docs, np.int64)
    bad = (docs < 1) | (docs >= MAX_DOC)
    if bad.any():
        raise IndexDamaged(f"{what} out of range: {int(docs[bad][0])}", path=location)
    return docs


def check_roots(roots: np.ndarray, location: str) -> np.ndarray:
    """Roots as int64: -1 (an original) or a doc number in range."""
    roots = np.asarray(roots, np.int64)
    bad = (roots != -1) & ((roots < 1) | (roots >= MAX_DOC))
    if bad.any():
        raise IndexDamaged(f"root out of range: {int(roots[bad][0])}", path=location)
    return roots


def signature_rows(blobs: Sequence[Any], width: int, location: str) -> np.ndarray:
    """uint32 (len(blobs) × width) signatures from little-endian blobs of exactly ``4 * width`` bytes."""
    for blob in blobs:
        if not isinstance(blob, (bytes, bytearray, memoryview)) or len(blob) != 4 * width:
            size = len(blob) if isinstance(blob, (bytes, bytearray, memoryview)) else type(blob)
            raise IndexDamaged(f"a signature of {size} bytes, expected {4 * width}", path=location)
    if not blobs:
        return np.zeros((0, width), np.uint32)
    return np.frombuffer(b"".join(blobs), "<u4").astype(np.uint32).reshape(len(blobs), width)


def token_blob(blob: Any, location: str) -> np.ndarray:
    """Token hashes (uint32) from a blob whose length is a multiple of 4."""
    if not isinstance(blob, (bytes, bytearray, memoryview)) or len(blob) % 4:
        size = len(blob) if isinstance(blob, (bytes, bytearray, memoryview)) else type(blob)
        raise IndexDamaged(f"token blob of {size} bytes, not a multiple of 4", path=location)
    return np.frombuffer(blob, "<u4").astype(np.uint32)


def number_bits(blob: Any, n_tokens: int, location: str) -> bytes:
    """The number-flag bits of a document of ``n_tokens`` tokens: exactly ceil(n/8) bytes."""
    if not isinstance(blob, (bytes, bytearray, memoryview)) or len(blob) != (n_tokens + 7) // 8:
        size = len(blob) if isinstance(blob, (bytes, bytearray, memoryview)) else type(blob)
        raise IndexDamaged(f"number bits of {size} bytes for {n_tokens} tokens", path=location)
    return bytes(blob)


def _positive_int(manifest: dict[str, Any], key: str, top: int) -> int:
    value = manifest[key]
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
        raise ValueError(f"{key} must be an integer from 1 to {top}, not {value!r}")
    return value


def manifest_from_json(raw: Any, location: str) -> dict[str, Any]:
    """Parse and validate a stored manifest: JSON object, every key the index reads, sane values.

    Raises:
        IndexDamaged: Naming the first problem found.

    Example:
        >>> manifest_from_json('{"schema": 1}', "x.db")
        Traceback (most recent call last):
        ...
        newsdedup.errors.IndexDamaged: x.db: damaged (manifest: missing 'num_perm'); run 'newsdedup index check'
    """
    with decoding(location, "manifest"):
        if isinstance(raw, (bytes, bytearray)):
            raw = raw.decode("utf-8")
        manifest = json.loads(raw)
        if not isinstance(manifest, dict):
            raise ValueError(f"a JSON {type(manifest).__name__}, not an object")
        for key in ("schema", "num_perm", "word_num_perm", "bands", "rows", "word_bands"):
            if key not in manifest:
                raise ValueError(f"missing {key!r}")
        for key in ("word_rows", "n_features", "config"):
            if key not in manifest:
                raise ValueError(f"missing {key!r}")
        num_perm = _positive_int(manifest, "num_perm", MAX_PERM)
        word_perm = _positive_int(manifest, "word_num_perm", MAX_PERM)
        bands, rows = (_positive_int(manifest, k, MAX_PERM) for k in ("bands", "rows"))
        wbands, wrows = (_positive_int(manifest, k, MAX_PERM) for k in ("word_bands", "word_rows"))
        if bands * rows > num_perm or wbands * wrows > word_perm:
            raise ValueError("LSH bands × rows exceed the signature length")
        n_features = _positive_int(manifest, "n_features", MAX_FEATURES)
        if n_features & (n_features - 1):
            raise ValueError(f"n_features {n_features} is not a power of two")
        if not isinstance(manifest["config"], dict):
            raise ValueError("config is not an object")
        learned = manifest.get("learned")
        if learned is not None and not isinstance(learned, dict):
            raise ValueError("learned is not an object")
        if learned:
            words = learned.get("common_words") or []
            boiler = learned.get("boilerplate") or {}
            if not isinstance(words, list) or not all(
                isinstance(w, int) and 0 <= w < 1 << 32 for w in words
            ):
                raise ValueError("learned common_words are not 32-bit hashes")
            if not isinstance(boiler, dict) or not all(
                isinstance(v, list) and all(isinstance(s, str) for s in v) for v in boiler.values()
            ):
                raise ValueError("learned boilerplate is not lists of lines")
    return manifest
