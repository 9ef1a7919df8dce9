"""Compact bodies and article references of the SQLite layout 2.

Why: an article's body (what verification reads: its token hashes in order,
and which tokens are numbers) took 4 bytes a token plus a bit, 2.5 KB for a
600-word article, and its record, kept whole for ``export``, another 1.5 KB.
Layout 2 stores:

* **the body** as the article's distinct symbols (``hash * 2 + number bit``)
  in sorted order, Elias–Fano coded (about 3.3 bytes each instead of 4),
  then each token as the position of its symbol in that list, packed in
  ``ceil(log2(distinct))`` bits (9 bits for a typical article instead of 33).
  Lossless: the same tokens and flags come back, in order, so verification
  scores exactly as before. About 1.95 KB instead of 2.55 KB for 600 words
  (zlib gains only a fifth on hashes, measured on the benchmark's articles);
* **a reference** (where the article was read from, its source, URL and
  date) instead of the whole record, unless the index keeps texts
  (``--store-text``).

Example:
    >>> import numpy as np
    >>> tokens = np.array([7, 3, 7, 900000, 3], np.uint32)
    >>> flags = np.array([0, 1, 0, 0, 1], np.uint8)
    >>> t, f = decode_body(encode_body(tokens, flags))
    >>> t.tolist(), f.tolist()
    ([7, 3, 7, 900000, 3], [0, 1, 0, 0, 1])
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from .. import _kernels as K
from ..errors import IndexDamaged
from .base import Bodies
from .codec import decode_record, exported_record, split_record

__all__ = [
    "BODY_FORMAT",
    "bodies_of",
    "body_blobs",
    "decode_body",
    "encode_body",
    "exported",
    "record_value",
]

#: First byte of an encoded body (a later format gets another number).
BODY_FORMAT = 1


def _varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _read_varint(blob: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(blob) or shift > 63:
            raise ValueError("a truncated body header")
        byte = blob[at]
        value |= (byte & 0x7F) << shift
        at += 1
        shift += 7
        if byte < 0x80:
            return value, at


def _pack(values: np.ndarray, width: int) -> bytes:
    """``values`` (uint64) as ``width``-bit fields, most significant bit first."""
    if width == 0 or len(values) == 0:
        return b""
    shifts = np.arange(width - 1, -1, -1, dtype=np.uint64)
    bits = ((values.astype(np.uint64)[:, None] >> shifts) & np.uint64(1)).astype(np.uint8)
    return np.packbits(bits.ravel()).tobytes()


def _unpack(blob: bytes, n: int, width: int) -> np.ndarray:
    if width == 0 or n == 0:
        return np.zeros(n, np.uint64)
    bits = np.unpackbits(np.frombuffer(blob, np.uint8), count=n * width).reshape(n, width)
    shifts = np.arange(width - 1, -1, -1, dtype=np.uint64)
    return (bits.astype(np.uint64) << shifts).sum(axis=1, dtype=np.uint64)


def encode_body(tokens: np.ndarray, flags: np.ndarray) -> bytes:
    """Tokens (uint32 hashes) and their number flags as one compact, lossless blob."""
    symbols = (np.asarray(tokens, np.uint64) << np.uint64(1)) | (
        np.asarray(flags, np.uint64) & np.uint64(K.FLAG_NUMBER)
    )
    distinct, positions = np.unique(symbols, return_inverse=True)
    n, u = len(symbols), len(distinct)
    low = max(0, ((int(distinct[-1]) + 1) // u).bit_length() - 1) if u else 0
    width = (u - 1).bit_length() if u else 0
    head = bytes([BODY_FORMAT]) + _varint(n) + _varint(u) + bytes([low, width])
    if not u:
        return head
    high = (distinct >> np.uint64(low)).astype(np.int64) + np.arange(u)
    unary = np.zeros(int(high[-1]) + 1, np.uint8)
    unary[high] = 1
    lows = distinct & np.uint64((1 << low) - 1)
    return head + np.packbits(unary).tobytes() + _pack(lows, low) + _pack(positions, width)


def decode_body(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The tokens (uint32) and number flags (uint8) of :func:`encode_body`.

    Raises:
        ValueError: The blob is not a body of this format (damaged).
    """
    if not isinstance(blob, bytes) or not blob or blob[0] != BODY_FORMAT:
        raise ValueError("not a body of format 1")
    n, at = _read_varint(blob, 1)
    u, at = _read_varint(blob, at)
    if at + 2 > len(blob) or u > n:
        raise ValueError("a body header out of range")
    low, width = blob[at], blob[at + 1]
    at += 2
    if not u:
        if n or at != len(blob):
            raise ValueError("a body of no tokens with data")
        return np.zeros(0, np.uint32), np.zeros(0, np.uint8)
    if low > 33 or width != (u - 1).bit_length():
        raise ValueError("a body header out of range")
    ones = np.flatnonzero(np.unpackbits(np.frombuffer(blob, np.uint8, offset=at)))
    if len(ones) < u:
        raise ValueError("a truncated body")
    unary_bytes = (int(ones[u - 1]) + 8) // 8
    high = ones[:u].astype(np.uint64) - np.arange(u, dtype=np.uint64)
    at += unary_bytes
    low_bytes, pos_bytes = (u * low + 7) // 8, (n * width + 7) // 8
    if at + low_bytes + pos_bytes != len(blob):
        raise ValueError("a body of the wrong length")
    symbols = (high << np.uint64(low)) | _unpack(blob[at : at + low_bytes], u, low)
    positions = _unpack(blob[at + low_bytes :], n, width).astype(np.int64)
    if (positions >= u).any() or int(symbols[-1]) >= 1 << 33:
        raise ValueError("a body value out of range")
    values = symbols[positions]
    return (values >> np.uint64(1)).astype(np.uint32), (values & np.uint64(1)).astype(np.uint8)


def body_blobs(tokens: np.ndarray, flags: np.ndarray, offsets: np.ndarray) -> list[bytes]:
    """The encoded body of each row of a batch (CSR), compiled (``sqlite_kernels``)."""
    from .sqlite_kernels import encode_rows

    data, starts = encode_rows(
        np.ascontiguousarray(tokens, np.uint32),
        np.ascontiguousarray(flags, np.uint8),
        np.ascontiguousarray(offsets, np.int64),
    )
    raw = data.tobytes()
    bounds = starts.tolist()
    return [raw[bounds[i] : bounds[i + 1]] for i in range(len(bounds) - 1)]


def bodies_of(blobs: list[bytes | None], location: str) -> Bodies:
    """Bodies of stored docs (None for a missing one: no tokens), decoded in one compiled call.

    Raises:
        IndexDamaged: A blob is not a body (naming which of the docs asked for).
    """
    from .sqlite_kernels import decode_rows

    if any(b is not None and not isinstance(b, bytes) for b in blobs):
        raise IndexDamaged("a body that is not a blob", path=location)
    parts = [b if b is not None else _EMPTY for b in blobs]
    offsets = np.zeros(len(parts) + 1, np.int64)
    np.cumsum([len(b) for b in parts], out=offsets[1:])
    data = np.frombuffer(b"".join(parts), np.uint8)
    tokens, flags, token_offsets, bad = decode_rows(data, offsets)
    if bad >= 0:
        raise IndexDamaged(f"a malformed body ({len(parts[bad])} bytes)", path=location)
    return Bodies(tokens, flags, token_offsets)


#: The body of an article without tokens.
_EMPTY = bytes([BODY_FORMAT, 0, 0, 0, 0])


def record_value(blob: bytes, keep_text: bool) -> bytes | str:
    """What ``records.record`` holds: the compressed record (a blob), or its reference (JSON text)."""
    reference, record = split_record(blob)
    return record if keep_text else reference


def exported(
    aid: str, value: Any, relation: str, original: str | None, added: float
) -> dict[str, Any]:
    """An export line from ``bodies.record``: the record, or the id and reference (no text).

    Example:
        >>> exported("a", '{"source":"wire"}', "new", None, 0.0)["index"]["text"]
        'not stored'
    """
    if value is None:
        raise ValueError("no record stored")
    if isinstance(value, str):
        reference = json.loads(value)
        if not isinstance(reference, dict):
            raise ValueError("a reference that is not a JSON object")
        out = exported_record({"id": aid, **reference}, relation, original, added)
        out["index"]["text"] = "not stored"
        return out
    return exported_record(decode_record(value), relation, original, added)
