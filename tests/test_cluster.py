"""Clusters: originals chosen by date then completeness, members always verified against them."""

from __future__ import annotations

import numpy as np

from newsdedup.judge.cluster import cluster_documents, priority_order


def test_original_is_earliest_published_then_longest_then_smallest_id():
    published = np.array([np.nan, 200.0, 100.0, np.nan])
    lengths = np.array([900, 10, 10, 900])
    rank = priority_order(published, lengths, ["d", "c", "b", "a"])
    assert rank.argsort().tolist() == [2, 1, 3, 0]  # 100 s, 200 s, then undated: longest, tie by id


def test_without_dates_the_most_complete_text_is_original():
    rank = priority_order(np.full(3, np.nan), np.array([50, 400, 120]), ["x", "y", "z"])
    assert int(rank.argmin()) == 1


def test_chaining_is_refused():
    # 0≈1, 1≈2, 2≈3 in a chain; only 0≈1 and 2≈3 hold directly.
    truth = {(0, 1), (2, 3), (1, 2)}
    rank = np.arange(4)
    asked = []

    def verify(pairs):
        asked.extend(pairs)
        return [2 if p in truth else 0 for p in pairs]

    clusters = cluster_documents([(0, 1), (1, 2), (2, 3)], rank, verify)
    assert clusters == [(0, [1]), (2, [3])]
    assert (0, 2) in asked and (0, 3) in asked


def test_star_cluster_keeps_every_verified_member():
    edges = [(0, i) for i in range(1, 6)]
    assert cluster_documents(edges, np.arange(6), lambda pairs: [0] * len(pairs)) == [
        (0, [1, 2, 3, 4, 5])
    ]


def test_original_moves_to_the_best_ranked_member():
    # Document 2 was published first: it becomes the original and 0, 1 must match it.
    rank = np.array([1, 2, 0])
    confirmed = {(0, 1), (0, 2), (1, 2)}
    assert cluster_documents(
        [(0, 1), (0, 2)], rank, lambda pairs: [2 if p in confirmed else 0 for p in pairs]
    ) == [(2, [0, 1])]
