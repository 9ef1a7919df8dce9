"""Compiled inner loops (numba) for the hot path: tokenise, shingle, sign, compare.

Why compiled: signing a million articles means ~6e8 token hashes and ~8e10
permutation steps. Python-level loops manage ~300 articles/s, numpy ~20k/s;
these loops run the same arithmetic at several times that, on one core, with
bounded memory. Every kernel has a pure-Python twin in the module that uses
it, and tests check they agree.

All kernels take flat arrays plus offsets (CSR layout): item ``i`` of a batch
is ``data[offsets[i]:offsets[i + 1]]``. Hashes are unsigned and wrap modulo
2**32 or 2**64 on purpose.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Character classes of the tokenizer (see tokenize.py for how they are built).
SEP = 0  # separator: spaces, punctuation, symbols
WORD = 1  # letter or mark that belongs to a word
SINGLE = 2  # a character of a script written without spaces: a token by itself
APOS = 3  # apostrophe: elision or separator
SKIP = 4  # diacritic or zero-width character: dropped, does not split a word
JOIN = 5  # , . : - / : part of a number when between two digits, else separator
DIGIT = 6  # a digit: word character that marks the token as a number

FNV_OFFSET = np.uint64(0xCBF29CE484222325)
FNV_PRIME = np.uint64(0x100000001B3)
U32 = np.uint64(0xFFFFFFFF)
SPACE_TOKEN = np.uint32(0x9E3779B9)  # the token that stands for a run of separators in char mode

FLAG_NUMBER = np.uint8(1)


@njit(cache=True, inline="always")
def fmix64(h):
    """MurmurHash3's 64-bit finaliser: an avalanching bijection."""
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


@njit(cache=True, inline="always")
def fmix32(h):
    """MurmurHash3's 32-bit finaliser, as datasketch's affine32 scheme pre-mixes (on uint64 holding 32 bits)."""
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & U32
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0xC2B2AE35)) & U32
    h ^= h >> np.uint64(16)
    return h


@njit(cache=True, inline="always")
def _finish_token(state):
    return np.uint32(fmix64(state) & U32)


@njit(cache=True, inline="always")
def _decode(buf, i):
    """Decode one UTF-8 code point at ``buf[i]``; returns (code point, length)."""
    c = np.int64(buf[i])
    if c < 0x80:
        return c, 1
    n = buf.shape[0]
    if c >= 0xF0 and i + 3 < n:
        return ((c & 0x07) << 18) | ((np.int64(buf[i + 1]) & 0x3F) << 12) | (
            (np.int64(buf[i + 2]) & 0x3F) << 6) | (np.int64(buf[i + 3]) & 0x3F), 4
    if c >= 0xE0 and i + 2 < n:
        return ((c & 0x0F) << 12) | ((np.int64(buf[i + 1]) & 0x3F) << 6) | (np.int64(buf[i + 2]) & 0x3F), 3
    if c >= 0xC0 and i + 1 < n:
        return ((c & 0x1F) << 6) | (np.int64(buf[i + 1]) & 0x3F), 2
    return 0xFFFD, 1


@njit(cache=True, inline="always")
def _class_of(table, cp):
    if cp < table.shape[0]:
        return table[cp]
    return WORD


@njit(cache=True, inline="always")
def _fold(fold, cp):
    if cp < fold.shape[0]:
        return np.int64(fold[cp])
    return cp


@njit(cache=True)
def _is_elided(token_hash, elisions):
    for j in range(elisions.shape[0]):
        if elisions[j] == token_hash:
            return True
    return False


@njit(cache=True)
def tokenize_batch(buf, doc_offsets, table, fold, elisions, char_mode, spans):
    """Split UTF-8 documents into token hashes.

    Args:
        buf: uint8 array, the documents' UTF-8 bytes back to back.
        doc_offsets: int64 array of n+1 byte offsets into ``buf``.
        table: uint8 class of each (folded) code point (see the constants above).
        fold: uint32 folded form of each code point (lower case, accents off);
            tokens are hashed from folded code points.
        elisions: uint32 hashes of elided words dropped before an apostrophe.
        char_mode: every character is a token; separator runs become one.
        spans: also return each token's byte span (for display); else the
            span arrays are empty.

    Returns:
        (hashes uint32, flags uint8, starts int64, ends int64, tok_offsets int64):
        token ``t`` spans bytes ``starts[t]:ends[t]`` of ``buf``; document ``i``
        owns tokens ``tok_offsets[i]:tok_offsets[i+1]``.
    """
    n_docs = doc_offsets.shape[0] - 1
    # A word token takes at least one byte plus a separator; a character
    # token at least one byte, plus one separator token between runs.
    cap = (buf.shape[0] if char_mode else buf.shape[0] // 2) + n_docs + 1
    hashes = np.empty(cap, np.uint32)
    flags = np.zeros(cap, np.uint8)
    span_cap = cap if spans else 0
    starts = np.empty(span_cap, np.int64)
    ends = np.empty(span_cap, np.int64)
    tok_offsets = np.empty(n_docs + 1, np.int64)
    t = 0
    for d in range(n_docs):
        tok_offsets[d] = t
        i = doc_offsets[d]
        end = doc_offsets[d + 1]
        state = FNV_OFFSET
        in_tok = False
        tok_start = i
        tok_end = i
        has_digit = False
        prev_cls = SEP
        pending_space = False
        while i < end:
            c = buf[i]
            if c < 0x80:
                cp = np.int64(fold[c])
                ln = 1
            else:
                raw, ln = _decode(buf, i)
                cp = _fold(fold, raw)
            cls = _class_of(table, cp)
            if char_mode:
                if cls == SEP or cls == APOS or (cls == JOIN and not (prev_cls == DIGIT)):
                    pending_space = t > tok_offsets[d]
                elif cls != SKIP:
                    if pending_space:
                        hashes[t] = SPACE_TOKEN
                        if spans:
                            starts[t] = i
                            ends[t] = i
                        t += 1
                        pending_space = False
                    hashes[t] = _finish_token((FNV_OFFSET ^ np.uint64(cp)) * FNV_PRIME)
                    flags[t] = FLAG_NUMBER if cls == DIGIT else np.uint8(0)
                    if spans:
                        starts[t] = i
                        ends[t] = i + ln
                    t += 1
                prev_cls = cls
                i += ln
                continue
            if cls == SKIP:
                i += ln
                continue
            if cls == JOIN and prev_cls == DIGIT and in_tok and i + ln < end:
                nxt, _ = _decode(buf, i + ln)
                if _class_of(table, _fold(fold, nxt)) == DIGIT:
                    state = (state ^ np.uint64(cp)) * FNV_PRIME
                    prev_cls = WORD
                    i += ln
                    continue
            if cls == WORD or cls == DIGIT:
                if not in_tok:
                    in_tok = True
                    tok_start = i
                    state = FNV_OFFSET
                    has_digit = False
                state = (state ^ np.uint64(cp)) * FNV_PRIME
                tok_end = i + ln
                if cls == DIGIT:
                    has_digit = True
                prev_cls = cls
                i += ln
                continue
            # Anything else ends the current token.
            if in_tok:
                h = _finish_token(state)
                drop = False
                if cls == APOS and elisions.shape[0] > 0 and i + ln < end:
                    nxt, _ = _decode(buf, i + ln)
                    ncls = _class_of(table, _fold(fold, nxt))
                    if (ncls == WORD or ncls == DIGIT) and _is_elided(h, elisions):
                        drop = True
                if not drop:
                    hashes[t] = h
                    flags[t] = FLAG_NUMBER if has_digit else np.uint8(0)
                    if spans:
                        starts[t] = tok_start
                        ends[t] = tok_end
                    t += 1
                in_tok = False
            if cls == SINGLE:
                hashes[t] = _finish_token((FNV_OFFSET ^ np.uint64(cp)) * FNV_PRIME)
                flags[t] = np.uint8(0)
                if spans:
                    starts[t] = i
                    ends[t] = i + ln
                t += 1
            prev_cls = cls
            i += ln
        if in_tok:
            hashes[t] = _finish_token(state)
            flags[t] = FLAG_NUMBER if has_digit else np.uint8(0)
            if spans:
                starts[t] = tok_start
                ends[t] = tok_end
            t += 1
    tok_offsets[n_docs] = t
    span_n = t if spans else 0
    return hashes[:t].copy(), flags[:t].copy(), starts[:span_n].copy(), ends[:span_n].copy(), tok_offsets


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
            h = np.uint32(fmix32(_shingle_at(tokens, lo + s, lo, hi, k, mult)))
            for p in range(num_perm):
                mixed[p] = perm_a[p] * h + perm_b[p]
            for p in range(num_perm):
                if mixed[p] < sig[p]:
                    sig[p] = mixed[p]
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
            h = np.uint32(fmix32(np.uint64(hashes[s])))
            for p in range(num_perm):
                mixed[p] = perm_a[p] * h + perm_b[p]
            for p in range(num_perm):
                if mixed[p] < sig[p]:
                    sig[p] = mixed[p]
    return sigs


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
def sorted_unique_rows(values, offsets):
    """Sort and de-duplicate every CSR row of uint32 values (row by row, in compiled code)."""
    n = offsets.shape[0] - 1
    out = np.empty(values.shape[0], np.uint32)
    out_offsets = np.empty(n + 1, np.int64)
    w = 0
    for d in range(n):
        out_offsets[d] = w
        row = np.sort(values[offsets[d]:offsets[d + 1]])
        for i in range(row.shape[0]):
            if i == 0 or row[i] != row[i - 1]:
                out[w] = row[i]
                w += 1
    out_offsets[n] = w
    return out[:w].copy(), out_offsets


@njit(cache=True)
def term_counts(tokens, offsets, n_features):
    """Per-document counts of hashed features (token % n_features) as CSR with sorted columns."""
    n = offsets.shape[0] - 1
    mask = np.uint32(n_features - 1)
    indices = np.empty(tokens.shape[0], np.int32)
    counts = np.empty(tokens.shape[0], np.float32)
    indptr = np.empty(n + 1, np.int64)
    w = 0
    for d in range(n):
        indptr[d] = w
        row = np.sort(tokens[offsets[d]:offsets[d + 1]] & mask)
        for i in range(row.shape[0]):
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
