"""Containment-aware candidates: long articles signed by windows, so a dispatch quoted inside is found.

Why: LSH on whole-article signatures finds pairs by Jaccard. A dispatch
that is a quarter of an article quoting it whole (the outlet's own
paragraphs before and after) has a Jaccard of 0.25 with it and is missed
about half the time, however certain its containment (1.0) is.

How, for nothing in hashing: a long article's shingles are signed in 8
consecutive chunks; its signature is the element-wise minimum of theirs
(MinHash of a union is the minimum of the MinHashes, so it is bit for bit
the whole-text signature), and so is the signature of any run of chunks.
Windows of half the article (3, overlapping by half) and, for articles
long enough, of a quarter (7) are banded with the whole-article signatures
of every article: a dispatch that is 25–50% of an article lies within one
half-window (Jaccard ≥ 0.5 with it), one of 12–25% within a quarter-window.
Only the band keys of the windows are kept (4 bytes a band), the same
bands as the main pass uses, up to :data:`WINDOW_BANDS` of them.

This is the batch form of what LSH Ensemble does for an index (partition by
size, tune the banding per partition for containment); :func:`window_pairs`
serves the batch detector, and :func:`window_band_keys` is what an index
would have to store per window.

Example:
    >>> import numpy as np
    >>> from newsdedup.config import SignConfig
    >>> from newsdedup.sketch.sign import Signer
    >>> signer = Signer(SignConfig(num_perm=16), 1)
    >>> tokens = np.arange(1, 1001, dtype=np.uint32); offsets = np.array([0, 1000])
    >>> whole, windows, owners = chunked_signatures(signer, tokens, offsets, min_window=200)
    >>> bool((whole == signer.sign_tokens(tokens, offsets)).all()), windows.shape[0], owners.tolist()[:2]
    (True, 10, [0, 0])
"""

from __future__ import annotations

import numpy as np

from .. import _kernels as K
from .candidates import _pack, _unpack
from .sign import Signer

__all__ = [
    "CHUNKS",
    "WINDOW_BANDS",
    "chunked_signatures",
    "fold_keys",
    "window_band_keys",
    "window_pairs",
]

#: Chunks a long article is signed in.
CHUNKS = 8
#: Windows as (first chunk, chunks) at each scale: halves overlapping by half, then quarters.
_SCALES = (
    tuple((s, 4) for s in range(0, 5, 2)),
    tuple((s, 2) for s in range(0, 7)),
)
#: Most bands of the main banding the windows are indexed with.
WINDOW_BANDS = 21


def _chunk_layout(lengths: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Token (start, length) of each of the CHUNKS chunks of documents of ``lengths`` tokens.

    Chunk j covers shingles [j·s/8, (j+1)·s/8) of a document of s shingles,
    so its tokens overlap the next chunk's by k - 1 and every shingle is in
    exactly one chunk.
    """
    shingles = lengths - k + 1
    bounds = np.rint(np.arange(CHUNKS + 1)[None, :] * shingles[:, None] / CHUNKS).astype(np.int64)
    starts = bounds[:, :-1]
    sizes = np.diff(bounds, axis=1) + k - 1
    return starts.ravel(), sizes.ravel()


def chunked_signatures(
    signer: Signer, tokens: np.ndarray, offsets: np.ndarray, min_window: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whole-document signatures plus window signatures of the long documents.

    Args:
        signer: The main signer (k-gram shingles).
        tokens, offsets: The batch's tokens (CSR).
        min_window: Shingles a window must hold at least: documents of fewer
            than twice as many get no windows, and quarter-windows need four times.

    Returns:
        (signatures (n × p), window signatures (w × p), owner row of each window).
    """
    k = signer.k
    lengths = np.diff(offsets)
    shingles = np.maximum(lengths - k + 1, 1)
    long = np.flatnonzero(shingles >= 2 * min_window)
    short = np.flatnonzero(shingles < 2 * min_window)
    p = signer.config.num_perm
    whole = np.empty((len(lengths), p), np.uint32)
    if len(short):
        sub, sub_offsets = K.gather_rows(tokens, offsets, short)
        whole[short] = signer.sign_tokens(sub, sub_offsets)
    if not len(long):
        return whole, np.zeros((0, p), np.uint32), np.zeros(0, np.int64)
    starts, sizes = _chunk_layout(lengths[long], k)
    starts = starts + np.repeat(offsets[long], CHUNKS)
    chunk_offsets = np.zeros(len(sizes) + 1, np.int64)
    np.cumsum(sizes, out=chunk_offsets[1:])
    index = np.repeat(starts - chunk_offsets[:-1], sizes) + np.arange(chunk_offsets[-1])
    chunks = signer.sign_tokens(tokens[index], chunk_offsets).reshape(len(long), CHUNKS, p)
    whole[long] = chunks.min(axis=1)
    windows, owners = [], []
    for scale, spans in enumerate(_SCALES):
        wide = shingles[long] >= (2 << scale) * min_window
        if not wide.any():
            continue
        for first, size in spans:
            windows.append(chunks[wide, first : first + size].min(axis=1))
            owners.append(long[wide])
    return whole, np.concatenate(windows), np.concatenate(owners)


def fold_keys(keys: np.ndarray) -> np.ndarray:
    """64-bit band keys folded to 32 bits (what is stored per window)."""
    return ((keys >> np.uint64(32)) ^ (keys & np.uint64(0xFFFFFFFF))).astype(np.uint32)


def window_band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """32-bit keys of the first ``min(bands, WINDOW_BANDS)`` bands of each signature (n × b)."""
    signatures = np.ascontiguousarray(signatures, np.uint32)
    every = np.arange(signatures.shape[0], dtype=np.int64)
    used = min(bands, WINDOW_BANDS)
    keys = np.empty((signatures.shape[0], used), np.uint32)
    for b in range(used):
        keys[:, b] = fold_keys(K.band_keys(signatures, every, b, rows))
    return keys


def window_pairs(
    doc_keys: np.ndarray,
    window_keys: np.ndarray,
    owners: np.ndarray,
    ids: np.ndarray,
    max_bucket: int = 64,
) -> tuple[np.ndarray, np.ndarray]:
    """(document, other document) pairs where one's whole signature meets a window of the other.

    Args:
        doc_keys: (n × b) window band keys of every document's whole signature.
        window_keys: (w × b) keys of every window; ``owners`` their documents.
        ids: The documents taking part (windows of others are left out).

    Returns:
        Two int64 arrays ``a < b`` of unique pairs, sorted.
    """
    n = doc_keys.shape[0]
    ids = np.asarray(ids, np.int64)
    taking = np.zeros(n, bool)
    taking[ids] = True
    wins = np.flatnonzero(taking[owners]) if len(owners) else np.zeros(0, np.int64)
    if not len(wins) or len(ids) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    nodes = np.concatenate([ids, n + wins])
    owner_of = np.concatenate([ids, owners[wins]])
    found = []
    for band in range(min(doc_keys.shape[1], window_keys.shape[1])):
        keys = np.concatenate([doc_keys[ids, band], window_keys[wins, band]]).astype(np.uint64)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        dup = sorted_keys[1:] == sorted_keys[:-1]
        if not dup.any():
            continue
        cap = max(1024, 4 * int(dup.sum()) + 64)
        while True:
            out_a, out_b = np.empty(cap, np.int64), np.empty(cap, np.int64)
            filled = K.bucket_pairs(order, sorted_keys, max_bucket, out_a, out_b, 0)
            if filled >= 0:
                break
            cap *= 4
        a, b = out_a[:filled], out_b[:filled]
        one_window = (nodes[a] >= n) != (nodes[b] >= n)
        a, b = owner_of[a[one_window]], owner_of[b[one_window]]
        keep = a != b
        found.append(np.unique(_pack(a[keep], b[keep])))
    if not found:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return _unpack(np.unique(np.concatenate(found)))
