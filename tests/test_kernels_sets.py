"""The set kernels against plain numpy statements of what they compute."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import _kernels as K

rows_strategy = st.lists(st.lists(st.integers(0, 2**32 - 1), max_size=40), max_size=8)


def csr(rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    values = np.array([v for r in rows for v in r], np.uint32)
    offsets = np.zeros(len(rows) + 1, np.int64)
    np.cumsum([len(r) for r in rows], out=offsets[1:])
    return values, offsets


@settings(max_examples=200, deadline=None)
@given(rows_strategy)
def test_sorted_unique_rows_is_numpy_unique_per_row(rows):
    values, offsets = K.sorted_unique_rows(*csr(rows))
    assert [values[offsets[i] : offsets[i + 1]].tolist() for i in range(len(rows))] == [
        np.unique(np.array(r, np.uint32)).tolist() for r in rows
    ]


@settings(max_examples=200, deadline=None)
@given(rows_strategy, st.sampled_from([16, 1 << 10, 1 << 20]))
def test_term_counts_is_a_per_row_bincount(rows, n_features):
    indptr, indices, counts = K.term_counts(*csr(rows), n_features)
    for i, row in enumerate(rows):
        features, expected = np.unique(np.array(row, np.uint64) % n_features, return_counts=True)
        assert indices[indptr[i] : indptr[i + 1]].tolist() == features.tolist()
        assert counts[indptr[i] : indptr[i + 1]].tolist() == expected.tolist()
