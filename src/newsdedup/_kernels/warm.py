"""First run: compile the later kernels in a second process while this one tokenises.

Why: numba compiles a kernel on its first call, one after the other, and a
first run spends most of its time there (4 s of CPU for ``scan seeds/``, 8 s
for a scan that finds copies). The tokenizer is needed first and is the
longest to compile; meanwhile a helper process compiles the signing,
candidate and verification kernels into the same on-disk cache, and this
process loads each one from the cache when it gets there (a kernel the
helper has not finished yet is simply compiled here too). On a machine with
a free core the first run takes about the tokenizer's compile time plus the
work; later runs find everything cached and start no helper.

The helper calls each kernel once on tiny arrays of exactly the types the
pipeline passes (``tests/test_startup.py`` checks that a scan after the
helper's calls compiles nothing new).

Example:
    >>> cache_is_warm() in (True, False)
    True
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from . import minhash, sets

__all__ = ["DISABLE_ENV", "cache_is_warm", "compile_later_kernels", "start_background_compile"]

#: Set to any value to never start the helper (the helper sets it for itself).
DISABLE_ENV = "NEWSDEDUP_NO_BACKGROUND_COMPILE"

#: The kernels the helper compiles, in the order a scan first calls them.
_LATER = (
    minhash.sign_batch,
    minhash.sign_hashes,
    sets.count_document_frequency,
    minhash.band_keys,
    minhash.bucket_pairs,
    minhash.estimated_jaccard,
    sets.gather_rows,
    minhash.shingle_batch,
    sets.sorted_unique_rows,
    sets.intersect_sizes,
    sets.term_counts,
    sets.row_dots,
)


def cache_is_warm() -> bool:
    """Whether every kernel the helper compiles already has a cache index on disk."""
    for kernel in _LATER:
        cache = getattr(kernel, "_cache", None)
        index = getattr(getattr(cache, "_cache_file", None), "_index_path", None)
        if index is None or not os.path.exists(index):
            return False
    return True


def start_background_compile() -> subprocess.Popen | None:
    """Start the helper when the cache is cold (and it is not disabled); None otherwise."""
    if os.environ.get(DISABLE_ENV) or cache_is_warm():
        return None
    from .cache import CACHE_DIR

    env = {**os.environ, DISABLE_ENV: "1"}
    if CACHE_DIR:  # the folder this process chose: the helper must write where it reads
        env["NUMBA_CACHE_DIR"] = CACHE_DIR
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "newsdedup._kernels.warm"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # a Ctrl-C of the command does not reach it
        )
    except OSError:
        return None


def compile_later_kernels() -> None:
    """Call each kernel of :data:`_LATER` once on tiny arrays of the pipeline's types."""
    from ..sketch.shingle import position_multipliers
    from ..sketch.sign import permutations

    u32, i64 = np.arange(4, dtype=np.uint32), np.array([0, 2, 4], np.int64)
    pairs = np.array([0], np.int64), np.array([1], np.int64)
    perm_a, perm_b = permutations(2, 1)  # read-only uint32, as the signer passes them
    mult = position_multipliers(2)
    sigs = minhash.sign_batch(u32.copy(), i64, 2, mult, perm_a, perm_b)
    minhash.sign_hashes(u32.copy(), i64, perm_a, perm_b)
    sets.count_document_frequency(
        u32.copy(), i64, 16, np.zeros(16, np.int32), np.full(16, -1, np.int32), 0
    )
    keys = minhash.band_keys(sigs, np.arange(2, dtype=np.int64), 0, 1)
    order = np.argsort(keys).astype(np.int64)
    out = np.empty(8, np.int64), np.empty(8, np.int64)
    minhash.bucket_pairs(order, keys[order], 64, out[0], out[1], 0)
    minhash.estimated_jaccard(sigs, *pairs)
    sets.gather_rows(u32.copy(), i64, np.arange(2, dtype=np.int64))
    minhash.shingle_batch(u32.copy(), i64, 2, mult)
    values, offsets = sets.sorted_unique_rows(u32.copy(), i64)
    sets.intersect_sizes(values, offsets, *pairs)
    indptr, indices, counts = sets.term_counts(u32.copy(), i64, 16)
    sets.row_dots(indptr, indices, counts, *pairs)


if __name__ == "__main__":
    compile_later_kernels()
