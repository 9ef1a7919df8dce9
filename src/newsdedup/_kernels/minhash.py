"""Shingles, MinHash signatures and LSH banding, over token hashes in CSR layout."""

from __future__ import annotations

import numpy as np
from numba import njit

from .hashing import U32, fmix32, fmix64


@njit(cache=True, inline="always")
def _shingle_at(tokens, i, lo, hi, k, mult):
    acc = np.uint64(0)
    for j in range(k):
        if i + j < hi:
            acc += np.uint64(tokens[i + j]) * mult[j]
    return (acc >> np.uint64(32)) ^ (acc & U32)


@njit(cache=True)
def _n_shingles(n_tokens, k):
    if n_tokens == 0:
        return 0
    if n_tokens < k:
        return 1
    return n_tokens - k + 1


@njit(cache=True)
def shingle_batch(tokens, tok_offsets, k, mult):
    """32-bit hashes of every k-gram of tokens, per document (CSR out).

    A document shorter than k yields one shingle of all its tokens; an empty
    one yields none.
    """
    n_docs = tok_offsets.shape[0] - 1
    out_offsets = np.empty(n_docs + 1, np.int64)
    total = 0
    for d in range(n_docs):
        out_offsets[d] = total
        total += _n_shingles(tok_offsets[d + 1] - tok_offsets[d], k)
    out_offsets[n_docs] = total
    out = np.empty(total, np.uint32)
    for d in range(n_docs):
        lo = tok_offsets[d]
        hi = tok_offsets[d + 1]
        base = out_offsets[d]
        for s in range(out_offsets[d + 1] - base):
            out[base + s] = np.uint32(_shingle_at(tokens, lo + s, lo, hi, k, mult))
    return out, out_offsets


@njit(cache=True, inline="always")
def _permute_into(sig, mixed, h, perm_a, perm_b):
    """datasketch's affine32 step for one pre-mixed hash: sig = min(sig, a * h + b mod 2**32)."""
    for p in range(perm_a.shape[0]):
        mixed[p] = perm_a[p] * h + perm_b[p]
    for p in range(perm_a.shape[0]):
        if mixed[p] < sig[p]:
            sig[p] = mixed[p]


@njit(cache=True)
def sign_batch(tokens, tok_offsets, k, mult, perm_a, perm_b):
    """MinHash signatures of the k-gram shingle sets of a batch of documents.

    Bit-identical to ``datasketch.MinHash(scheme="affine32")`` fed the same
    32-bit shingle hashes: each hash is pre-mixed with fmix32, then permuted
    as ``a * h + b mod 2**32`` and the minimum kept per permutation.
    """
    n_docs = tok_offsets.shape[0] - 1
    num_perm = perm_a.shape[0]
    sigs = np.full((n_docs, num_perm), np.uint32(0xFFFFFFFF), np.uint32)
    mixed = np.empty(num_perm, np.uint32)
    for d in range(n_docs):
        lo = tok_offsets[d]
        hi = tok_offsets[d + 1]
        sig = sigs[d]
        for s in range(_n_shingles(hi - lo, k)):
            _permute_into(
                sig,
                mixed,
                np.uint32(fmix32(_shingle_at(tokens, lo + s, lo, hi, k, mult))),
                perm_a,
                perm_b,
            )
    return sigs


@njit(cache=True)
def sign_hashes(hashes, offsets, perm_a, perm_b):
    """MinHash signatures of arbitrary 32-bit hash sets given in CSR layout."""
    n_docs = offsets.shape[0] - 1
    num_perm = perm_a.shape[0]
    sigs = np.full((n_docs, num_perm), np.uint32(0xFFFFFFFF), np.uint32)
    mixed = np.empty(num_perm, np.uint32)
    for d in range(n_docs):
        sig = sigs[d]
        for s in range(offsets[d], offsets[d + 1]):
            _permute_into(sig, mixed, np.uint32(fmix32(np.uint64(hashes[s]))), perm_a, perm_b)
    return sigs


@njit(cache=True)
def band_keys(sigs, rows_of, band, rows):
    """64-bit key of one band (a hash of its ``rows`` values) for the given signature rows."""
    keys = np.empty(rows_of.shape[0], np.uint64)
    lo = band * rows
    for i in range(rows_of.shape[0]):
        d = rows_of[i]
        acc = np.uint64(band + 1) * np.uint64(0x9E3779B97F4A7C15)
        for r in range(rows):
            acc = fmix64(acc ^ np.uint64(sigs[d, lo + r]))
        keys[i] = acc
    return keys


@njit(cache=True)
def bucket_pairs(order, sorted_keys, max_bucket, out_a, out_b, start):
    """Emit candidate pairs for runs of equal keys (documents given by ``order``).

    Buckets up to ``max_bucket`` give all pairs; larger ones give a chain
    (each member with the next) plus a star to their first members, which
    keeps every member connected to the bucket without n² pairs. Returns the
    new fill level of ``out_a``/``out_b``; -1 if they are too small.
    """
    n = order.shape[0]
    w = start
    i = 0
    cap = out_a.shape[0]
    while i < n:
        j = i + 1
        while j < n and sorted_keys[j] == sorted_keys[i]:
            j += 1
        size = j - i
        if size > 1:
            if size <= max_bucket:
                need = size * (size - 1) // 2
            else:
                need = (size - 1) * 2 + 8 * size
            if w + need > cap:
                return -1
            if size <= max_bucket:
                for x in range(i, j):
                    for y in range(x + 1, j):
                        out_a[w] = order[x]
                        out_b[w] = order[y]
                        w += 1
            else:
                anchors = min(8, size)
                for x in range(i, j - 1):
                    out_a[w] = order[x]
                    out_b[w] = order[x + 1]
                    w += 1
                for x in range(i + anchors, j):
                    for y in range(i, i + anchors):
                        out_a[w] = order[y]
                        out_b[w] = order[x]
                        w += 1
        i = j
    return w


@njit(cache=True)
def estimated_jaccard(sigs, left, right):
    """Share of equal MinHash slots for pairs of rows: the signature estimate of Jaccard."""
    out = np.empty(left.shape[0], np.float64)
    p = sigs.shape[1]
    for q in range(left.shape[0]):
        a = sigs[left[q]]
        b = sigs[right[q]]
        same = 0
        for i in range(p):
            if a[i] == b[i]:
                same += 1
        out[q] = same / p
    return out
