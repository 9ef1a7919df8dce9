"""Confirmed pairs → clusters with an original, guarded against chaining.

Connected components alone chain: A≈B and B≈C put A and C together even
when A and C share nothing (an article quoting two dispatches links them).
Here every member must match the cluster's *original* directly; members that
do not are split off and clustered again among themselves.

The original is the earliest published article where dates are known, else
the most complete text (most tokens); ties go to the smaller id.

Example:
    >>> import numpy as np
    >>> rank = np.array([0, 1, 2])  # priority of each document as an original
    >>> confirmed = {(0, 1): 2, (1, 2): 2}  # 0≈1 and 1≈2, but 0 and 2 differ
    >>> cluster_documents([(0, 1), (1, 2)], rank, lambda pairs: [confirmed.get(p, 0) for p in pairs])
    [(0, [1])]

Document 2 stays on its own: it is not a copy of the original 0, so keeping
it loses nothing, and calling it a duplicate would be the chaining error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["cluster_documents", "priority_order"]


def priority_order(published: np.ndarray, lengths: np.ndarray, ids: Sequence[str]) -> np.ndarray:
    """Rank of each document as a candidate original (0 = best).

    Args:
        published: Publication time as POSIX seconds, NaN when unknown.
        lengths: Number of tokens.
        ids: Document ids, the final tie-break.
    """
    n = len(lengths)
    unknown = np.isnan(published)
    when = np.where(unknown, 0.0, published)
    id_rank = np.empty(n, np.int64)
    id_rank[np.argsort(np.asarray(ids, dtype=object), kind="stable")] = np.arange(n)
    order = np.lexsort((id_rank, -lengths, when, unknown))
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n)
    return rank


Edge = tuple[int, int]


def _components(edges: list[Edge]) -> list[tuple[list[int], list[Edge]]]:
    """Connected components of two or more nodes, each with its own edges."""
    if not edges:
        return []
    import scipy.sparse as sp  # ~0.3 s to import: only once there is something to cluster
    from scipy.sparse.csgraph import connected_components

    a = np.fromiter((e[0] for e in edges), np.int64, len(edges))
    b = np.fromiter((e[1] for e in edges), np.int64, len(edges))
    nodes, local = np.unique(np.concatenate([a, b]), return_inverse=True)
    m = len(nodes)
    graph = sp.coo_matrix(
        (np.ones(len(a), np.int8), (local[: len(a)], local[len(a) :])), shape=(m, m)
    )
    _, labels = connected_components(graph, directed=False)
    members: dict[int, list[int]] = {}
    for node, label in zip(nodes.tolist(), labels.tolist()):
        members.setdefault(label, []).append(node)
    own_edges: dict[int, list[Edge]] = {}
    for edge, label in zip(edges, labels[local[: len(a)]].tolist()):
        own_edges.setdefault(label, []).append(edge)
    return [(members[label], own_edges[label]) for label in members]


def cluster_documents(
    duplicate_edges: list[Edge], rank: np.ndarray, verify: Callable[[list[Edge]], list[int]]
) -> list[tuple[int, list[int]]]:
    """Group documents into (original, members) with every member verified against the original.

    Args:
        duplicate_edges: Pairs (a, b) already confirmed as duplicates.
        rank: Priority of each document as an original (0 = best).
        verify: Relation codes (0 = not a duplicate) of (original, member)
            pairs not confirmed yet; called once per round with all of them.

    Returns:
        (original, sorted members) for every cluster of two or more, ordered
        by the original's rank.
    """
    known = {(min(a, b), max(a, b)) for a, b in duplicate_edges}
    pending = _components(sorted(known))
    clusters: list[tuple[int, list[int]]] = []
    while pending:
        originals = [min(nodes, key=lambda d: rank[d]) for nodes, _ in pending]
        asks = sorted(
            {
                (min(o, m), max(o, m))
                for o, (nodes, _) in zip(originals, pending)
                for m in nodes
                if m != o and (min(o, m), max(o, m)) not in known
            }
        )
        if asks:
            known.update(pair for pair, code in zip(asks, verify(asks)) if code)
        next_pending: list[tuple[list[int], list[Edge]]] = []
        for original, (nodes, edges) in zip(originals, pending):
            members = sorted(
                m for m in nodes if m != original and (min(original, m), max(original, m)) in known
            )
            if members:
                clusters.append((original, members))
            rest = set(nodes) - set(members) - {original}
            if len(rest) > 1:
                next_pending.extend(
                    _components([e for e in edges if e[0] in rest and e[1] in rest])
                )
        pending = next_pending
    clusters.sort(key=lambda c: rank[c[0]])
    return clusters
