"""Set and vector operations on CSR rows: sorting, intersections, counts, dot products."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def radix_sort(values, scratch, count):
    """Sort ``values[:count]`` (uint32) in place: four 8-bit passes, linear in ``count``.

    A row of a few hundred hashes sorts 4-5 times faster this way than with
    a comparison sort, and verification sorts hundreds of thousands of rows.
    """
    histogram = np.zeros(256, np.int64)
    src, dst = values, scratch
    for shift in range(0, 32, 8):
        histogram[:] = 0
        for i in range(count):
            histogram[(src[i] >> np.uint32(shift)) & np.uint32(0xFF)] += 1
        total = 0
        for b in range(256):
            c = histogram[b]
            histogram[b] = total
            total += c
        for i in range(count):
            b = (src[i] >> np.uint32(shift)) & np.uint32(0xFF)
            dst[histogram[b]] = src[i]
            histogram[b] += 1
        src, dst = dst, src
    # Four passes: the sorted values are back in ``values``.


@njit(cache=True)
def _sorted_row(values, lo, hi, row, scratch, mask):
    """Copy ``values[lo:hi] & mask`` into ``row`` and sort it there; returns its length."""
    count = hi - lo
    for i in range(count):
        row[i] = values[lo + i] & mask
    radix_sort(row, scratch, count)
    return count


@njit(cache=True)
def _longest_row(offsets):
    longest = 0
    for d in range(offsets.shape[0] - 1):
        longest = max(longest, offsets[d + 1] - offsets[d])
    return longest


@njit(cache=True)
def sorted_unique_rows(values, offsets):
    """Sort and de-duplicate every CSR row of uint32 values (row by row, in compiled code)."""
    n = offsets.shape[0] - 1
    out = np.empty(values.shape[0], np.uint32)
    out_offsets = np.empty(n + 1, np.int64)
    longest = _longest_row(offsets)
    row = np.empty(longest, np.uint32)
    scratch = np.empty(longest, np.uint32)
    w = 0
    for d in range(n):
        out_offsets[d] = w
        count = _sorted_row(values, offsets[d], offsets[d + 1], row, scratch, np.uint32(0xFFFFFFFF))
        for i in range(count):
            if i == 0 or row[i] != row[i - 1]:
                out[w] = row[i]
                w += 1
    out_offsets[n] = w
    return out[:w].copy(), out_offsets


@njit(cache=True)
def intersect_sizes(values, offsets, left, right):
    """|S_a ∩ S_b| for pairs of sorted, de-duplicated sets in CSR layout."""
    out = np.empty(left.shape[0], np.int64)
    for q in range(left.shape[0]):
        i = offsets[left[q]]
        i_end = offsets[left[q] + 1]
        j = offsets[right[q]]
        j_end = offsets[right[q] + 1]
        count = 0
        while i < i_end and j < j_end:
            vi = values[i]
            vj = values[j]
            if vi == vj:
                count += 1
                i += 1
                j += 1
            elif vi < vj:
                i += 1
            else:
                j += 1
        out[q] = count
    return out


@njit(cache=True)
def term_counts(tokens, offsets, n_features):
    """Per-document counts of hashed features (token % n_features) as CSR with sorted columns."""
    n = offsets.shape[0] - 1
    mask = np.uint32(n_features - 1)
    indices = np.empty(tokens.shape[0], np.int32)
    counts = np.empty(tokens.shape[0], np.float32)
    indptr = np.empty(n + 1, np.int64)
    longest = _longest_row(offsets)
    row = np.empty(longest, np.uint32)
    scratch = np.empty(longest, np.uint32)
    w = 0
    for d in range(n):
        indptr[d] = w
        count = _sorted_row(tokens, offsets[d], offsets[d + 1], row, scratch, mask)
        for i in range(count):
            if i > 0 and row[i] == row[i - 1]:
                counts[w - 1] += 1.0
            else:
                indices[w] = np.int32(row[i])
                counts[w] = 1.0
                w += 1
    indptr[n] = w
    return indptr, indices[:w].copy(), counts[:w].copy()


@njit(cache=True)
def row_dots(indptr, indices, data, left, right):
    """Dot products of pairs of CSR rows whose column indices are sorted."""
    out = np.empty(left.shape[0], np.float64)
    for q in range(left.shape[0]):
        i = indptr[left[q]]
        i_end = indptr[left[q] + 1]
        j = indptr[right[q]]
        j_end = indptr[right[q] + 1]
        acc = 0.0
        while i < i_end and j < j_end:
            if indices[i] == indices[j]:
                acc += data[i] * data[j]
                i += 1
                j += 1
            elif indices[i] < indices[j]:
                i += 1
            else:
                j += 1
        out[q] = acc
    return out


@njit(cache=True)
def count_document_frequency(tokens, tok_offsets, n_features, df, last_seen, doc_base):
    """Add each document's distinct hashed features (token % n_features) to ``df``.

    ``last_seen[f]`` holds the last document number that counted feature f,
    so each document counts a feature once without sorting.
    """
    mask = np.uint32(n_features - 1)
    for d in range(tok_offsets.shape[0] - 1):
        doc = doc_base + d
        for t in range(tok_offsets[d], tok_offsets[d + 1]):
            f = tokens[t] & mask
            if last_seen[f] != doc:
                last_seen[f] = doc
                df[f] += 1


@njit(cache=True)
def gather_rows(values, offsets, rows):
    """Copy the given CSR rows, in that order, into a new CSR array (no index arrays)."""
    n = rows.shape[0]
    out_offsets = np.empty(n + 1, np.int64)
    total = 0
    for i in range(n):
        out_offsets[i] = total
        total += offsets[rows[i] + 1] - offsets[rows[i]]
    out_offsets[n] = total
    out = np.empty(total, values.dtype)
    for i in range(n):
        lo = offsets[rows[i]]
        w = out_offsets[i]
        for j in range(offsets[rows[i] + 1] - lo):
            out[w + j] = values[lo + j]
    return out, out_offsets
