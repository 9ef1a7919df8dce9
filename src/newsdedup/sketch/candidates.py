"""Signatures → candidate pairs, by LSH banding over numpy arrays.

Why not ``datasketch.MinHashLSH`` here: for a batch scan it keeps a Python
dict entry per (band, article), about 8.5 KB an article (8 GB at a million).
Banding the signature matrix directly gives the same candidates — articles
that agree on every row of at least one band — with one sort per band and
16 bytes an article. The band and row counts still come from datasketch's
optimal-parameter routine, so both index the same way; the live index
(``newsdedup.index``) does use ``MinHashLSH``.

Example:
    >>> import numpy as np
    >>> sigs = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [7, 7, 7, 7]], np.uint32)
    >>> a, b = candidate_pairs(sigs, bands=2, rows=2)
    >>> list(zip(a.tolist(), b.tolist()))
    [(0, 1)]
"""

from __future__ import annotations

import functools

import numpy as np

from .. import _kernels as K

__all__ = [
    "KNOWN_LSH_PARAMS",
    "MIN_SHINGLE_ESTIMATE",
    "MIN_WORD_ESTIMATE",
    "all_band_keys",
    "candidate_pairs",
    "lsh_params",
    "merge_pairs",
    "worth_verifying",
]

#: Estimated k-gram Jaccard (share of equal signature slots) from which an
#: LSH candidate is verified. A collision in one 3-row band alone gives about
#: 3/128 = 0.02; copies worth reporting, down to a dispatch quoted in a text
#: three times longer, estimate 0.2 and above.
MIN_SHINGLE_ESTIMATE = 0.1
#: Estimated word-set Jaccard from which a candidate of the rewrite pass is
#: verified. Rewrites share half their words and more; unrelated articles on
#: one subject, 15-30% (fewer once the corpus' common words are left out).
MIN_WORD_ESTIMATE = 0.25

#: datasketch's answers for the default settings (the scan's Jaccard search, 0.3 with
#: weights 0.3/0.7 over 128 permutations, the rewrite search, 0.4 over 64, and the OCR
#: pass, 0.5 with weights 0.3/0.7 over 32), so that a run with the defaults need not
#: import datasketch, which imports scipy.integrate (over a second). The tests check
#: every entry against datasketch, and that the defaults are all here.
KNOWN_LSH_PARAMS: dict[tuple[float, int, tuple[float, float]], tuple[int, int]] = {
    (0.3, 128, (0.3, 0.7)): (42, 3),
    (0.4, 64, (0.5, 0.5)): (16, 4),
    (0.5, 32, (0.3, 0.7)): (10, 3),
    (0.5, 128, (0.5, 0.5)): (25, 5),
}


@functools.lru_cache(maxsize=32)
def lsh_params(
    threshold: float, num_perm: int, weights: tuple[float, float] = (0.5, 0.5)
) -> tuple[int, int]:
    """(bands, rows) minimising weighted false positives and negatives (datasketch's routine).

    Example:
        >>> lsh_params(0.5, 128)
        (25, 5)
    """
    known = KNOWN_LSH_PARAMS.get((threshold, num_perm, (weights[0], weights[1])))
    if known is not None:
        return known
    from datasketch.lsh import _optimal_param

    return _optimal_param(threshold, num_perm, weights[0], weights[1])


def candidate_pairs(
    signatures: np.ndarray,
    bands: int,
    rows: int,
    max_bucket: int = 64,
    ids: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of rows that share all ``rows`` values of at least one band.

    Args:
        signatures: uint32 (n × num_perm).
        bands, rows: LSH banding (bands * rows <= num_perm).
        max_bucket: Larger buckets are linked as chain + star, not all pairs.
        ids: Only these rows take part, and pairs are reported as row numbers
            (default: every row). The matrix is not copied.

    Returns:
        Two int64 arrays ``a < b`` of unique pairs, sorted.
    """
    rows_of = (
        np.arange(signatures.shape[0], dtype=np.int64) if ids is None else np.asarray(ids, np.int64)
    )
    if len(rows_of) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    signatures = np.ascontiguousarray(signatures)
    chunks = []
    for b in range(bands):
        keys = K.band_keys(signatures, rows_of, b, rows)
        order = np.argsort(keys)
        sorted_keys = keys[order]
        dup = sorted_keys[1:] == sorted_keys[:-1]
        if not dup.any():
            continue
        cap = max(1024, 4 * int(dup.sum()) + 64)
        while True:
            out_a = np.empty(cap, np.int64)
            out_b = np.empty(cap, np.int64)
            filled = K.bucket_pairs(rows_of[order], sorted_keys, max_bucket, out_a, out_b, 0)
            if filled >= 0:
                break
            cap *= 4
        chunks.append(_pack(out_a[:filled], out_b[:filled]))
        if sum(len(c) for c in chunks) > 4_000_000:
            chunks = [np.unique(np.concatenate(chunks))]
    if not chunks:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return _unpack(np.unique(np.concatenate(chunks)))


def all_band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """The 64-bit key of every band of every signature (n × bands), as the banding uses them."""
    signatures = np.ascontiguousarray(signatures, np.uint32)
    every_row = np.arange(signatures.shape[0], dtype=np.int64)
    keys = np.empty((signatures.shape[0], bands), np.uint64)
    for b in range(bands):
        keys[:, b] = K.band_keys(signatures, every_row, b, rows)
    return keys


def merge_pairs(*pair_sets: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Union of several (a, b) pair arrays, de-duplicated and sorted."""
    packed = [_pack(a, b) for a, b in pair_sets if len(a)]
    if not packed:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return _unpack(np.unique(np.concatenate(packed)))


def _pack(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    lo = np.minimum(a, b).astype(np.uint64)
    hi = np.maximum(a, b).astype(np.uint64)
    return (lo << np.uint64(32)) | hi


def _unpack(packed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (packed >> np.uint64(32)).astype(np.int64), (packed & np.uint64(0xFFFFFFFF)).astype(
        np.int64
    )


def worth_verifying(
    shingle_estimate: np.ndarray,
    word_estimate: np.ndarray | None = None,
    same_text: np.ndarray | None = None,
) -> np.ndarray:
    """Which candidate pairs to verify, from their signature estimates alone: the pre-filter.

    Shared LSH bands are a coarse test: most word-set candidates and many
    k-gram ones are unrelated articles. Their signatures, read without their
    tokens, estimate the similarity well enough to drop them before the
    exact measures. Batch scan and the live index call this one rule.

    Why fixed floors rather than margins below each verify threshold: the
    live index cannot estimate containment (it keeps no lengths beside the
    signatures of stored articles), and a floor low enough for a copy
    quoted in a much longer text keeps everything a threshold could accept.
    On the 10k suite corpus the floors verify 0.3% more pairs than margins
    of 0.2 below the near and partial thresholds did, and give the same
    clusters. The word floor is the same whether or not common words were
    left out of the word sets: without them more unrelated pairs pass, which
    costs verification time and never a rewrite.

    Args:
        shingle_estimate: Estimated k-gram Jaccard of each pair.
        word_estimate: Estimated word-set Jaccard, when there is a rewrite pass.
        same_text: Pairs known to have the same text (always verified).

    Example:
        >>> worth_verifying(np.array([0.5, 0.05, 0.05]), np.array([0.0, 0.3, 0.1])).tolist()
        [True, True, False]
    """
    keep = np.asarray(shingle_estimate) >= MIN_SHINGLE_ESTIMATE
    if word_estimate is not None:
        keep |= np.asarray(word_estimate) >= MIN_WORD_ESTIMATE
    if same_text is not None:
        keep |= same_text
    return keep
