"""Compiled encoder and decoder of layout-2 bodies, a whole batch per call.

Why compiled: the format (see ``sqlite_codec.py``, whose numpy functions
state what these compute, and the tests check they agree) is bit-level; in
numpy each article costs some twenty array calls, a millisecond under load,
against a few microseconds here. ``index add`` encodes every article it
stores and verification decodes every candidate body it scores.

Example:
    >>> import numpy as np
    >>> data, offsets = encode_rows(np.array([5, 9, 5], np.uint32), np.zeros(3, np.uint8),
    ...                             np.array([0, 3], np.int64))
    >>> tokens, flags, token_offsets, bad = decode_rows(data, offsets)
    >>> tokens.tolist(), token_offsets.tolist(), bad
    ([5, 9, 5], [0, 3], -1)
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import _kernels  # noqa: F401  (first: chooses numba's cache folder)

__all__ = ["decode_rows", "encode_rows"]

_FORMAT = 1


@njit(cache=True)
def _bit_length(value):
    n = 0
    while value > 0:
        value >>= 1
        n += 1
    return n


@njit(cache=True)
def _pack(buf, at, values, mask, width):
    """Write ``values & mask`` as ``width``-bit fields from byte ``at``, most significant bit first.

    Returns the byte after the last one written (the section ends byte-aligned).
    A 64-bit accumulator takes whole values, not bits: a byte is written per 8 bits.
    """
    acc = np.int64(0)
    held = 0
    for i in range(len(values)):
        acc = (acc << width) | (values[i] & mask)
        held += width
        while held >= 8:
            held -= 8
            buf[at] = np.uint8((acc >> held) & 0xFF)
            at += 1
        acc &= (np.int64(1) << held) - 1
    if held:
        buf[at] = np.uint8((acc << (8 - held)) & 0xFF)
        at += 1
    return at


@njit(cache=True)
def _unpack(data, at, out, width):
    """Read ``len(out)`` fields of ``width`` bits from byte ``at`` (the caller checked the length)."""
    acc = np.int64(0)
    held = 0
    mask = (np.int64(1) << width) - 1
    for i in range(len(out)):
        while held < width:
            acc = (acc << 8) | np.int64(data[at])
            at += 1
            held += 8
        held -= width
        out[i] = (acc >> held) & mask
        acc &= (np.int64(1) << held) - 1


@njit(cache=True)
def _varint(buf, at, value):
    while value >= 0x80:
        buf[at] = np.uint8((value & 0x7F) | 0x80)
        value >>= 7
        at += 1
    buf[at] = np.uint8(value)
    return at + 1


@njit(cache=True)
def _radix_order(values):
    """The order that sorts ``values`` (non-negative, below 2**36): four 9-bit passes.

    Why not ``np.argsort``: a row of 600 symbols sorts 5-8 times faster this
    way, and every stored article is sorted once.
    """
    n = len(values)
    order = np.arange(n)
    scratch = np.empty(n, np.int64)
    histogram = np.zeros(513, np.int64)
    for shift in range(0, 36, 9):
        histogram[:] = 0
        for i in range(n):
            histogram[((values[order[i]] >> shift) & 511) + 1] += 1
        for b in range(512):
            histogram[b + 1] += histogram[b]
        for i in range(n):
            digit = (values[order[i]] >> shift) & 511
            scratch[histogram[digit]] = order[i]
            histogram[digit] += 1
        order, scratch = scratch, order
    return order


@njit(cache=True)
def _encode_row(tokens, flags, lo, hi, buf, at):
    n = hi - lo
    symbols = np.empty(n, np.int64)
    for i in range(n):
        symbols[i] = (np.int64(tokens[lo + i]) << 1) | np.int64(flags[lo + i] & 1)
    order = _radix_order(symbols)
    distinct = np.empty(n, np.int64)
    position = np.empty(n, np.int64)
    u = 0
    for i in range(n):
        value = symbols[order[i]]
        if u == 0 or value != distinct[u - 1]:
            distinct[u] = value
            u += 1
        position[order[i]] = u - 1
    low = max(0, _bit_length((distinct[u - 1] + 1) // u) - 1) if u else 0
    width = _bit_length(u - 1) if u else 0
    buf[at] = _FORMAT
    at = _varint(buf, at + 1, n)
    at = _varint(buf, at, u)
    buf[at] = low
    buf[at + 1] = width
    at += 2
    if u == 0:
        return at
    bit = at * 8
    for i in range(u):  # Elias-Fano high parts: one set bit per value, at (value >> low) + i
        b = bit + (distinct[i] >> low) + i
        buf[b >> 3] |= np.uint8(0x80 >> (b & 7))
    bit += (distinct[u - 1] >> low) + u
    at = (bit + 7) // 8
    at = _pack(buf, at, distinct[:u], (np.int64(1) << low) - 1, low)
    return _pack(buf, at, position, (np.int64(1) << width) - 1, width)


@njit(cache=True)
def encode_rows(tokens, flags, offsets):
    """Every row's body, concatenated, and where each starts (``len(offsets)`` bounds)."""
    rows = len(offsets) - 1
    buf = np.zeros(int(9 * (offsets[rows] - offsets[0]) + 32 * rows + 8), np.uint8)
    out = np.zeros(rows + 1, np.int64)
    at = 0
    for r in range(rows):
        at = _encode_row(tokens, flags, offsets[r], offsets[r + 1], buf, at)
        out[r + 1] = at
    return buf[:at].copy(), out


@njit(cache=True)
def _header(data, lo, hi):
    """(tokens, distinct, low, width, first data byte) of a body; tokens = -1 when malformed."""
    if hi - lo < 5 or data[lo] != _FORMAT:
        return -1, 0, 0, 0, 0
    at = lo + 1
    values = np.zeros(2, np.int64)
    for k in range(2):
        shift = 0
        while True:
            if at >= hi or shift > 35:
                return -1, 0, 0, 0, 0
            byte = np.int64(data[at])
            values[k] |= (byte & 0x7F) << shift
            at += 1
            shift += 7
            if byte < 0x80:
                break
    if at + 2 > hi:
        return -1, 0, 0, 0, 0
    n, u, low, width = values[0], values[1], np.int64(data[at]), np.int64(data[at + 1])
    if u > n or low > 33 or width != _bit_length(u - 1 if u else 0):
        return -1, 0, 0, 0, 0
    return n, u, low, width, at + 2


@njit(cache=True)
def decode_rows(data, offsets):
    """Tokens, flags and token offsets of concatenated bodies; the first malformed row, or -1."""
    rows = len(offsets) - 1
    counts = np.zeros(rows + 1, np.int64)
    for r in range(rows):
        n, _, _, width, _ = _header(data, offsets[r], offsets[r + 1])
        if n < 0 or n * width > 8 * (offsets[r + 1] - offsets[r]) or n >= 1 << 24:
            return np.zeros(0, np.uint32), np.zeros(0, np.uint8), counts, r
        counts[r + 1] = counts[r] + n
    tokens = np.zeros(counts[rows], np.uint32)
    flags = np.zeros(counts[rows], np.uint8)
    for r in range(rows):
        lo, hi = offsets[r], offsets[r + 1]
        n, u, low, width, at = _header(data, lo, hi)
        if u == 0:
            if at != hi:
                return tokens, flags, counts, r
            continue
        distinct = np.empty(u, np.int64)
        bit, end, found = at * 8, hi * 8, 0
        while found < u and bit < end:  # Elias-Fano high parts
            if (data[bit >> 3] >> (7 - (bit & 7))) & 1:
                distinct[found] = np.int64(bit - at * 8 - found) << low
                found += 1
            bit += 1
        bit = (bit + 7) // 8 * 8
        if found < u or ((bit + u * low + 7) // 8 * 8 + n * width + 7) // 8 != hi:
            return tokens, flags, counts, r
        lows = np.empty(u, np.int64)
        _unpack(data, bit // 8, lows, low)
        positions = np.empty(n, np.int64)
        _unpack(data, (bit + u * low + 7) // 8, positions, width)
        for i in range(u):
            distinct[i] |= lows[i]
        for i in range(n):
            p = positions[i]
            if p >= u or distinct[p] >= (np.int64(1) << 33):
                return tokens, flags, counts, r
            tokens[counts[r] + i] = np.uint32(distinct[p] >> 1)
            flags[counts[r] + i] = np.uint8(distinct[p] & 1)
    return tokens, flags, counts, -1
