"""Compiled inner loops (numba) for the hot path: tokenise, shingle, sign, compare.

Why compiled: signing a million articles means ~6e8 token hashes and ~8e10
permutation steps. Python-level loops manage ~300 articles/s, numpy ~20k/s;
these loops run the same arithmetic several times faster, on one core, with
bounded memory. Each has a pure-Python statement of what it computes (in the
module that uses it, or in the tests), and tests check they agree.

All kernels take flat arrays plus offsets (CSR layout): item ``i`` of a batch
is ``data[offsets[i]:offsets[i + 1]]``.

* ``text``: UTF-8 → token hashes (``tokenize_batch``).
* ``minhash``: shingles, signatures, LSH band keys and bucket pairs.
* ``sets``: sorted sets, intersections, term counts, dot products, row gathers.

Each kernel is compiled on its first call and cached on disk (see ``cache``,
which picks a writable place before the kernels are defined); a command
compiles only the kernels it calls.
"""

from .cache import CACHE_DIR  # first: sets numba's cache folder before any kernel is defined
from .hashing import FNV_OFFSET, FNV_PRIME, U32, fmix32, fmix64
from .minhash import (
    band_keys,
    bucket_pairs,
    estimated_jaccard,
    shingle_batch,
    sign_batch,
    sign_hashes,
)
from .sets import (
    count_document_frequency,
    gather_rows,
    intersect_sizes,
    row_dots,
    sorted_unique_rows,
    term_counts,
)
from .text import (
    APOS,
    DIGIT,
    FLAG_NUMBER,
    FLAG_PURE,
    JOIN,
    SEP,
    SINGLE,
    SKIP,
    SPACE_TOKEN,
    WORD,
    tokenize_batch,
)

__all__ = [
    "APOS",
    "CACHE_DIR",
    "DIGIT",
    "FLAG_NUMBER",
    "FLAG_PURE",
    "FNV_OFFSET",
    "FNV_PRIME",
    "JOIN",
    "SEP",
    "SINGLE",
    "SKIP",
    "SPACE_TOKEN",
    "U32",
    "WORD",
    "band_keys",
    "bucket_pairs",
    "count_document_frequency",
    "estimated_jaccard",
    "fmix32",
    "fmix64",
    "gather_rows",
    "intersect_sizes",
    "row_dots",
    "shingle_batch",
    "sign_batch",
    "sign_hashes",
    "sorted_unique_rows",
    "term_counts",
    "tokenize_batch",
]
