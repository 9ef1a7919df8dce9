"""Verified pairs and document clusters → the public :class:`~newsdedup.models.Result`.

Kept apart from the pipeline so the bookkeeping (exact twins, relation and
scores of each member, reasons) does not hide the stages.

Example:
    >>> import numpy as np
    >>> reps, twins = exact_groups(np.array([7, 7, 0, 9], np.uint64), np.array([1, 0, 2, 3]))
    >>> reps.tolist(), twins
    ([1, 3], {1: [0]})
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..config import DetectorConfig
from ..judge.verify import RELATION_CODES, PairScores, explain_reason, relation_of
from ..models import Cluster, Match, Member, Relation, Result, Scores

if TYPE_CHECKING:
    from .corpus import Corpus

__all__ = ["VerifiedPairs", "assemble_result", "empty_warnings", "exact_groups"]

_DUPLICATE_CODES = np.array([RELATION_CODES[r] for r in Relation if r.is_duplicate], np.int8)


def exact_groups(keys: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, dict[int, list[int]]]:
    """Representatives (best-ranked of each identical group, and every unique non-empty doc) and their twins."""
    nonempty = np.flatnonzero(keys != 0)
    if len(nonempty) == 0:
        return nonempty, {}
    order = nonempty[np.lexsort((rank[nonempty], keys[nonempty]))]
    sorted_keys = keys[order]
    first = np.ones(len(order), bool)
    first[1:] = sorted_keys[1:] != sorted_keys[:-1]
    reps = order[first]
    twins: dict[int, list[int]] = {}
    group_rep = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    for i in np.flatnonzero(~first):
        twins.setdefault(int(order[group_rep[i]]), []).append(int(order[i]))
    return np.sort(reps), twins


class VerifiedPairs:
    """Every verified pair with its relation code and scores (arrays, appended chunk by chunk)."""

    def __init__(self) -> None:
        self._parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, PairScores]] = []
        self._index: dict[tuple[int, int], int] | None = None
        self._flat: tuple | None = None

    def add(self, a: np.ndarray, b: np.ndarray, codes: np.ndarray, scores: PairScores) -> None:
        self._parts.append((np.minimum(a, b), np.maximum(a, b), codes, scores))
        self._index = None
        self._flat = None

    def extend(self, other: VerifiedPairs) -> None:
        self._parts.extend(other._parts)
        self._index = None
        self._flat = None

    def _arrays(self):
        if self._flat is None:
            if not self._parts:
                empty = np.zeros(0, np.int64)
                self._flat = (empty, empty, np.zeros(0, np.int8), PairScores.concat([]))
            else:
                a = np.concatenate([p[0] for p in self._parts])
                b = np.concatenate([p[1] for p in self._parts])
                codes = np.concatenate([p[2] for p in self._parts])
                scores = PairScores.concat([p[3] for p in self._parts])
                self._flat = (a, b, codes, scores)
        return self._flat

    def __len__(self) -> int:
        return len(self._arrays()[0])

    @staticmethod
    def is_duplicate_code(code: int) -> bool:
        return bool(np.isin(code, _DUPLICATE_CODES))

    def duplicate_edges(self) -> list[tuple[int, int]]:
        a, b, codes, _ = self._arrays()
        keep = np.isin(codes, _DUPLICATE_CODES)
        return list(zip(a[keep].tolist(), b[keep].tolist()))

    def lookup(self, x: int, y: int) -> int | None:
        """Row of pair (x, y) in either order, or None if it was never verified."""
        if self._index is None:
            a, b, _, _ = self._arrays()
            self._index = {pair: i for i, pair in enumerate(zip(a.tolist(), b.tolist()))}
        return self._index.get((min(x, y), max(x, y)))

    def codes_for(self, pairs: list[tuple[int, int]]) -> list[int]:
        codes = self._arrays()[2]
        rows = [self.lookup(x, y) for x, y in pairs]
        return [int(codes[r]) if r is not None else 0 for r in rows]

    def row(self, i: int) -> tuple[int, int, int, PairScores]:
        a, b, codes, scores = self._arrays()
        return int(a[i]), int(b[i]), int(codes[i]), scores

    def match_rows(self) -> np.ndarray:
        return np.flatnonzero(self._arrays()[2] != 0)


def _confirmed(code: int) -> Relation:
    """The relation of a verified pair's code (pairs of no relation are never kept)."""
    relation = relation_of(code)
    if relation is None:
        raise RuntimeError(f"a pair of code {code} was kept without a relation")
    return relation


def _member(verified: VerifiedPairs, original: int, doc: int, ids: list[str]) -> Member:
    row = verified.lookup(original, doc)
    if row is None:  # unreachable: clustering verifies every (original, member) pair
        raise RuntimeError(
            f"pair {ids[original]!r}/{ids[doc]!r} was clustered without being verified"
        )
    _, _, code, scores = verified.row(row)
    return Member(ids[doc], _confirmed(code), scores.scores(row))


def _clusters(
    corpus: Corpus, groups, verified: VerifiedPairs, twins: dict[int, list[int]]
) -> list[Cluster]:
    ids = corpus.ids
    exact = Scores(1.0, 1.0, 1.0, 1.0, 1.0)
    out: list[tuple[int, list[Member]]] = []
    clustered: set[int] = set()
    for original, docs in groups:
        members = [Member(ids[t], Relation.EXACT, exact) for t in twins.get(original, [])]
        for doc in docs:
            member = _member(verified, original, doc, ids)
            members.append(member)
            members.extend(
                Member(ids[t], member.relation, member.scores) for t in twins.get(doc, [])
            )
        out.append((original, members))
        clustered.update([original, *docs])
    for rep, copies in twins.items():
        if rep not in clustered:
            out.append((rep, [Member(ids[t], Relation.EXACT, exact) for t in copies]))
    out.sort(key=lambda c: c[0])
    return [Cluster(n, ids[original], members) for n, (original, members) in enumerate(out)]


def _matches(
    corpus: Corpus,
    verified: VerifiedPairs,
    twins: dict[int, list[int]],
    rank: np.ndarray,
    config: DetectorConfig,
) -> list[Match]:
    ids = corpus.ids
    matches = []
    for i in verified.match_rows():
        a, b, code, scores = verified.row(int(i))
        first, second = (a, b) if rank[a] <= rank[b] else (b, a)
        matches.append(
            Match(
                ids[first],
                ids[second],
                _confirmed(code),
                scores.scores(int(i)),
                explain_reason(code, scores, int(i), config),
            )
        )
    exact = Scores(1.0, 1.0, 1.0, 1.0, 1.0)
    for rep, copies in twins.items():
        matches.extend(
            Match(ids[rep], ids[t], Relation.EXACT, exact, "identical after normalisation")
            for t in copies
        )
    return matches


def empty_warnings(empty: int) -> list[str]:
    """The warning about articles left empty by normalisation (none when there are none)."""
    if not empty:
        return []
    return [f"{empty} article(s) have no text left after normalisation; they were not compared"]


def assemble_result(
    corpus: Corpus,
    groups,
    verified: VerifiedPairs,
    twins: dict[int, list[int]],
    config: DetectorConfig,
    stats: dict,
) -> Result:
    """Build the public result: clusters (input order of originals), matches, counters."""
    rank = corpus.rank
    clusters = _clusters(corpus, groups, verified, twins)
    matches = _matches(corpus, verified, twins, rank, config)
    empty = int((corpus.lengths == 0).sum())
    warnings = empty_warnings(empty)
    by_relation = {
        f"matches_{r.value}": sum(1 for m in matches if m.relation is r) for r in Relation
    }
    return Result(
        articles=len(corpus),
        clusters=clusters,
        matches=matches,
        stats={
            "articles": len(corpus),
            "empty": empty,
            "clusters": len(clusters),
            "duplicates": sum(len(c.members) for c in clusters),
            **by_relation,
            **stats,
        },
        warnings=warnings,
        ids=list(corpus.ids),
        settings={"fingerprint": config.fingerprint(), **config.to_dict()},
    )
