"""First run: compile the kernels on both cores, this process and a helper sharing the list.

Why: numba compiles a kernel on its first call, one after the other, and a
first run spends most of its time there (about 7 s of CPU for ``scan seeds/``
on a quiet 2-core machine, 12 s under load). The compiles are independent, so
two processes share them: each step of :data:`STEPS` (one or a few kernels,
called once on tiny arrays of exactly the types the pipeline passes) is
claimed with a lock file, and whoever holds the lock compiles it into the
on-disk cache. This process takes the tokenizer first and then the list from
its end; the helper process takes the list from its start. When this process
runs out of unclaimed steps it waits for the helper's (blocking on their
locks) and loads them from the cache; if the helper died, it compiles them
itself. Later runs find everything cached and start no helper.

``tests/test_startup.py`` checks that a scan after :func:`compile_all`
compiles nothing new, so the steps' types are the pipeline's.

Example:
    >>> cache_is_warm() in (True, False)
    True
    >>> STEPS[0][0], HELPER_ORDER[0]
    ('tokenize', 'ocr_units')
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

from . import minhash, sets, text

__all__ = [
    "DISABLE_ENV",
    "HELPER_ORDER",
    "STEPS",
    "cache_is_warm",
    "compile_all",
    "compile_with_helper",
    "kernels",
]

#: Set to any value to never start the helper (the helper sets it for itself).
DISABLE_ENV = "NEWSDEDUP_NO_BACKGROUND_COMPILE"


def _tokenize() -> None:
    from ..text.tokenize import tokenize

    tokenize(["a b"], char_mode=False)


def _ocr_units() -> None:
    from ..sketch.robust import ocr_units

    ocr_units(["a 12 b"])  # the OCR units loop and sorted_unique_rows


def _signing() -> None:
    from ..sketch.shingle import position_multipliers
    from ..sketch.sign import permutations

    perm_a, perm_b = permutations(2, 1)  # read-only uint32, as the signer passes them
    u32, i64 = np.arange(4, dtype=np.uint32), np.array([0, 2, 4], np.int64)
    mult = position_multipliers(2)
    minhash.sign_batch(u32.copy(), i64, 2, mult, perm_a, perm_b)
    minhash.sign_hashes(u32.copy(), i64, perm_a, perm_b)
    minhash.shingle_batch(u32.copy(), i64, 2, mult)


def _banding() -> None:
    sigs = np.arange(4, dtype=np.uint32).reshape(2, 2)
    keys = minhash.band_keys(sigs, np.arange(2, dtype=np.int64), 0, 1)
    order = np.argsort(keys).astype(np.int64)
    out = np.empty(8, np.int64), np.empty(8, np.int64)
    minhash.bucket_pairs(order, keys[order], 64, out[0], out[1], 0)
    minhash.estimated_jaccard(sigs, np.array([0], np.int64), np.array([1], np.int64))


def _sets() -> None:
    u32, i64 = np.arange(4, dtype=np.uint32), np.array([0, 2, 4], np.int64)
    pairs = np.array([0], np.int64), np.array([1], np.int64)
    sets.count_document_frequency(
        u32.copy(), i64, 16, np.zeros(16, np.int32), np.full(16, -1, np.int32), 0
    )
    sets.gather_rows(u32.copy(), i64, np.arange(2, dtype=np.int64))
    sets.intersect_sizes(u32.copy(), i64, *pairs)  # rows already sorted and unique


def _tfidf() -> None:
    u32, i64 = np.arange(4, dtype=np.uint32), np.array([0, 2, 4], np.int64)
    indptr, indices, counts = sets.term_counts(u32, i64, 16)
    sets.row_dots(indptr, indices, counts, np.array([0], np.int64), np.array([1], np.int64))


#: The compile steps, the tokenizer first (a scan needs it first).
STEPS: tuple[tuple[str, Callable[[], None]], ...] = (
    ("tokenize", _tokenize),
    ("ocr_units", _ocr_units),
    ("signing", _signing),
    ("banding", _banding),
    ("sets", _sets),
    ("tfidf", _tfidf),
)
#: The helper's order: the longest compile first; this process takes the others from the end.
HELPER_ORDER = ("ocr_units", "signing", "banding", "sets", "tfidf")


def kernels() -> tuple:
    """Every kernel a scan calls: what the steps compile and :func:`cache_is_warm` looks for."""
    from ..sketch import ocrunits

    return (
        text._tokenize_words,
        ocrunits._units_batch,
        sets.sorted_unique_rows,
        minhash.sign_batch,
        minhash.sign_hashes,
        minhash.shingle_batch,
        minhash.band_keys,
        minhash.bucket_pairs,
        minhash.estimated_jaccard,
        sets.count_document_frequency,
        sets.gather_rows,
        sets.intersect_sizes,
        sets.term_counts,
        sets.row_dots,
    )


def cache_is_warm() -> bool:
    """Whether every kernel a scan calls already has a cache index on disk."""
    for kernel in kernels():
        cache = getattr(kernel, "_cache", None)
        index = getattr(getattr(cache, "_cache_file", None), "_index_path", None)
        if index is None or not os.path.exists(index):
            return False
    return True


def compile_all() -> None:
    """Run every step here, in order (no helper, no locks)."""
    for _, step in STEPS:
        step()


def _lock_dir() -> str:
    """A folder for the step locks, one per kernel cache (so two installs never wait on each other)."""
    from .cache import CACHE_DIR

    where = CACHE_DIR or os.path.dirname(os.path.abspath(__file__))
    tag = hashlib.sha1(where.encode()).hexdigest()[:12]
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    folder = os.path.join(tempfile.gettempdir(), f"newsdedup-compile-{uid}-{tag}")
    os.makedirs(folder, exist_ok=True)
    return folder


@contextmanager
def _claimed(name: str, wait: bool) -> Iterator[bool]:
    """Hold the lock of step ``name``; yields False when not waiting and another process has it."""
    import fcntl

    with open(os.path.join(_lock_dir(), name + ".lock"), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run_claimed(order: tuple[str, ...]) -> list[str]:
    """Run each step of ``order`` nobody else is running; returns the ones left to others."""
    steps = dict(STEPS)
    left = []
    for name in order:
        with _claimed(name, wait=False) as mine:
            if mine:
                steps[name]()
            else:
                left.append(name)
    return left


def _start_helper() -> subprocess.Popen | None:
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


def compile_with_helper(notify: Callable[[str], None] | None = None) -> bool:
    """Compile every kernel before a first run, on two processes; False when there was nothing to do.

    Does nothing when the cache is warm or :data:`DISABLE_ENV` is set (the
    kernels then compile, if needed, when first called). Without ``fcntl``
    (Windows) or when the helper cannot start, everything compiles here.

    Args:
        notify: Told, once, that a first run is compiling (the CLI prints it).
    """
    if os.environ.get(DISABLE_ENV) or cache_is_warm():
        return False
    if notify is not None:
        notify("First run: compiling the kernels (a few seconds, once per install).")
    try:
        import fcntl  # noqa: F401
    except ImportError:
        compile_all()
        return True
    helper = _start_helper()
    mine = ("tokenize", *reversed(HELPER_ORDER)) if helper else tuple(n for n, _ in STEPS)
    left = _run_claimed(mine)
    steps = dict(STEPS)
    for name in left:  # the helper's: wait for it, then load from the cache (or compile)
        with _claimed(name, wait=True):
            steps[name]()
    return True


if __name__ == "__main__":
    _run_claimed(HELPER_ORDER)
