"""LSH banding finds exactly the pairs that agree on a whole band."""

from __future__ import annotations

import itertools

import numpy as np
from datasketch import MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.config import DetectorConfig
from newsdedup.sketch.candidates import (
    MIN_SHINGLE_ESTIMATE,
    MIN_WORD_ESTIMATE,
    candidate_pairs,
    lsh_params,
    merge_pairs,
    worth_verifying,
)
from newsdedup.sketch.sign import Signer


def brute_force(sigs: np.ndarray, bands: int, rows: int) -> set[tuple[int, int]]:
    out = set()
    for a, b in itertools.combinations(range(len(sigs)), 2):
        if any(
            np.array_equal(sigs[a, i * rows : (i + 1) * rows], sigs[b, i * rows : (i + 1) * rows])
            for i in range(bands)
        ):
            out.add((a, b))
    return out


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 40), st.integers(1, 4), st.integers(1, 3), st.integers(0, 2**31))
def test_banding_equals_brute_force(n, bands, rows, seed):
    rng = np.random.default_rng(seed)
    sigs = rng.integers(
        0, 3, size=(n, bands * rows), dtype=np.uint32
    )  # few values: many collisions
    a, b = candidate_pairs(sigs, bands, rows, max_bucket=1000)
    assert set(zip(a.tolist(), b.tolist())) == brute_force(sigs, bands, rows)
    assert np.all(a < b)


def test_big_buckets_stay_connected_without_all_pairs():
    sigs = np.zeros((200, 4), np.uint32)  # 200 identical signatures: one bucket
    a, b = candidate_pairs(sigs, bands=1, rows=4, max_bucket=10)
    assert len(a) < 200 * 199 // 2
    reached = {0}
    edges = list(zip(a.tolist(), b.tolist()))
    for _ in range(200):
        reached |= {y for x, y in edges if x in reached} | {x for x, y in edges if y in reached}
    assert reached == set(range(200))


def test_only_the_given_rows_take_part():
    sigs = np.zeros((12, 2), np.uint32)
    sigs[7] = 9  # differs from every other row
    a, b = candidate_pairs(sigs, 1, 2, ids=np.array([10, 5, 7]))
    assert list(zip(a.tolist(), b.tolist())) == [(5, 10)]  # rows 0-4, 6, 8, 9, 11 are left out


def test_params_are_datasketchs():
    for threshold in (0.3, 0.5, 0.8):
        lsh = MinHashLSH(threshold=threshold, num_perm=128)
        assert lsh_params(threshold, 128) == (lsh.b, lsh.r)


def test_merge_pairs_deduplicates():
    a, b = merge_pairs((np.array([1, 2]), np.array([3, 4])), (np.array([3]), np.array([1])))
    assert list(zip(a.tolist(), b.tolist())) == [(1, 3), (2, 4)]


def test_the_prefilter_keeps_copies_and_drops_strangers():
    assert worth_verifying(np.array([MIN_SHINGLE_ESTIMATE]), np.array([0.0]))[0]
    assert worth_verifying(np.array([0.0]), np.array([MIN_WORD_ESTIMATE]))[0]
    assert worth_verifying(np.array([0.0]), None, np.array([True]))[0]
    assert not worth_verifying(np.array([0.05]), np.array([0.2]), np.array([False]))[0]
    # Without a rewrite pass, only the k-gram estimate counts.
    assert not worth_verifying(np.array([0.05]))[0]


def test_a_copy_quoted_in_a_text_three_times_longer_passes_the_prefilter():
    rng = np.random.default_rng(3)
    dispatch = rng.integers(1, 2**32, 200, dtype=np.uint32)
    longer = np.concatenate([rng.integers(1, 2**32, 200, dtype=np.uint32), dispatch])
    longer = np.concatenate([longer, rng.integers(1, 2**32, 200, dtype=np.uint32)])
    config = DetectorConfig()
    signer = Signer(config.sign, config.shingle.size)
    stranger = rng.integers(1, 2**32, 200, dtype=np.uint32)
    docs = [dispatch, longer, stranger]
    offsets = np.cumsum([0] + [len(d) for d in docs])
    sigs = signer.sign_tokens(np.concatenate(docs), offsets)
    quoted = (sigs[0] == sigs[1]).mean()
    assert worth_verifying(np.array([quoted]))[0]
    assert not worth_verifying(np.array([(sigs[0] == sigs[2]).mean()]))[0]
