"""Score a clustering of articles against a gold clustering.

Why this module exists: "does it find the copies without merging different
stories" is answered with numbers, and users must be able to compute the same
numbers on their own labelled data (``newsdedup evaluate PREDICTED GOLD``).

A clustering is a ``dict`` from article id to cluster label. An id absent from
one side is a cluster of its own on that side (a scan's JSON lists only
articles that have copies; a gold file usually lists every article).

Every metric is computed from the contingency table of the two clusterings
(how many articles each predicted cluster shares with each gold cluster), so
nothing enumerates pairs: the work grows linearly with the number of articles.

Conventions where a ratio has no denominator: precision is 1.0 when nothing
was put together (no predicted pairs: nothing was wrongly merged), recall is
1.0 when there is nothing to find (no gold pairs), and F1 is 0.0 when both
precision and recall are 0.

Example:
    >>> gold = {"a": "1", "b": "1", "c": "2"}
    >>> pred = {"a": "x", "b": "x", "c": "x"}
    >>> pairwise_scores(pred, gold)
    PRF(precision=0.3333333333333333, recall=1.0, f1=0.5)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .gold import Gold, GoldPair, load_clusters, load_gold

__all__ = [
    "PRF",
    "Gold",
    "GoldPair",
    "Tally",
    "adjusted_rand_index",
    "bcubed",
    "evaluate_files",
    "false_merges_by_kind",
    "format_report",
    "load_clusters",
    "load_gold",
    "pairwise_scores",
    "recall_by_group",
]


@dataclass(frozen=True)
class PRF:
    """Precision, recall and their harmonic mean F1."""

    precision: float
    recall: float
    f1: float

    @classmethod
    def from_pr(cls, precision: float, recall: float) -> PRF:
        total = precision + recall
        return cls(precision, recall, 2 * precision * recall / total if total else 0.0)

    def to_dict(self) -> dict[str, float]:
        return {
            "precision": round(self.precision, 6),
            "recall": round(self.recall, 6),
            "f1": round(self.f1, 6),
        }


@dataclass(frozen=True)
class Tally:
    """``count`` of ``total`` items had some property (found, merged...)."""

    count: int
    total: int

    @property
    def rate(self) -> float:
        """count / total, or 0.0 for an empty group."""
        return self.count / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, float]:
        return {"count": self.count, "total": self.total, "rate": round(self.rate, 6)}


@dataclass(frozen=True)
class _Table:
    """Both clusterings encoded as integers, with their contingency table.

    Attributes:
        ids: Every article of either side (gold's first).
        pred, gold: Cluster number of every article on each side.
        cell_of: Index into ``cells`` of every article.
        cells: Articles shared by each (predicted, gold) cluster couple that
            shares any; ``cell_pred``/``cell_gold`` say which couple.
        pred_sizes, gold_sizes: Size of every cluster on each side.
    """

    ids: list[str]
    pred: np.ndarray
    gold: np.ndarray
    cell_of: np.ndarray
    cells: np.ndarray
    cell_pred: np.ndarray
    cell_gold: np.ndarray
    pred_sizes: np.ndarray
    gold_sizes: np.ndarray

    @property
    def n(self) -> int:
        return len(self.pred)


#: Marks the label of an id missing from a clustering: ``(_ABSENT, id)`` is
#: equal only to itself, so the id is a cluster of its own.
_ABSENT = object()


def _encode(labels: Mapping[str, Any], ids: list[str]) -> np.ndarray:
    """Cluster numbers of ``ids``; an absent id gets a number of its own."""
    numbers: dict[Any, int] = {}
    get = labels.get
    codes = [numbers.setdefault(get(aid, (_ABSENT, aid)), len(numbers)) for aid in ids]
    return np.array(codes, dtype=np.int64)


def _ids(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> list[str]:
    """Every article of either side: gold's in order, then predicted ones unknown to gold."""
    return list(gold.keys()) + [aid for aid in pred if aid not in gold]


def _table(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> _Table:
    ids = _ids(pred, gold)
    p, g = _encode(pred, ids), _encode(gold, ids)
    width = int(g.max()) + 1 if len(g) else 1
    keys, cell_of, cells = np.unique(p * width + g, return_inverse=True, return_counts=True)
    return _Table(
        ids=ids,
        pred=p,
        gold=g,
        cell_of=cell_of.reshape(-1),
        cells=cells,
        cell_pred=keys // width,
        cell_gold=keys % width,
        pred_sizes=np.bincount(p) if len(p) else np.zeros(0, np.int64),
        gold_sizes=np.bincount(g) if len(g) else np.zeros(0, np.int64),
    )


def _pairs(sizes: np.ndarray) -> int:
    """Number of unordered pairs inside groups of these sizes (exact integer)."""
    sizes = sizes.astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def _pair_counts(t: _Table) -> tuple[int, int, int]:
    """(pairs together on both sides, pairs together in pred, pairs together in gold)."""
    return _pairs(t.cells), _pairs(t.pred_sizes), _pairs(t.gold_sizes)


def pairwise_scores(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> PRF:
    """Precision and recall over pairs of articles put in the same cluster.

    A pair is predicted when both articles share a predicted cluster, and
    true when they share a gold cluster.

    Args:
        pred: Article id → predicted cluster label.
        gold: Article id → gold cluster label.

    Returns:
        The pairwise :class:`PRF` (see the module docstring for empty cases).

    Example:
        >>> pairwise_scores({"a": 1, "b": 1}, {"a": 1, "b": 1, "c": 1})
        PRF(precision=1.0, recall=0.3333333333333333, f1=0.5)
    """
    return _pairwise(_table(pred, gold))


def _pairwise(t: _Table) -> PRF:
    both, predicted, true = _pair_counts(t)
    precision = both / predicted if predicted else 1.0
    recall = both / true if true else 1.0
    return PRF.from_pr(precision, recall)


def adjusted_rand_index(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> float:
    """Adjusted Rand index of the two clusterings (1.0 identical, ~0 random).

    Equal to ``sklearn.metrics.adjusted_rand_score`` on aligned label arrays
    (absent ids as singletons), computed with exact integers so that the
    products of pair counts of a million articles do not overflow.

    Example:
        >>> adjusted_rand_index({"a": 1, "b": 1, "c": 2}, {"a": 5, "b": 5, "c": 6})
        1.0
    """
    return _ari(_table(pred, gold))


def _ari(t: _Table) -> float:
    both, predicted, true = _pair_counts(t)
    total = t.n * (t.n - 1) // 2
    fp, fn = predicted - both, true - both
    tn = total - both - fp - fn
    if fp == 0 and fn == 0:
        return 1.0
    return 2.0 * (both * tn - fn * fp) / ((both + fn) * (fn + tn) + (both + fp) * (fp + tn))


def bcubed(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> PRF:
    """B-cubed precision and recall, averaged over articles.

    An article's precision is the share of its predicted cluster (itself
    included) that is in its gold cluster; its recall is the share of its gold
    cluster that is in its predicted cluster. F1 is taken of the averages.

    Example:
        >>> bcubed({"a": 1, "b": 1}, {"a": 1, "b": 2})
        PRF(precision=0.5, recall=1.0, f1=0.6666666666666666)
    """
    return _bcubed(_table(pred, gold))


def _bcubed(t: _Table) -> PRF:
    if t.n == 0:
        return PRF.from_pr(1.0, 1.0)
    squares = t.cells.astype(np.float64) ** 2
    precision = float((squares / t.pred_sizes[t.cell_pred]).sum()) / t.n
    recall = float((squares / t.gold_sizes[t.cell_gold]).sum()) / t.n
    return PRF.from_pr(precision, recall)


def recall_by_group(pred: Mapping[str, Any], pairs: Iterable[GoldPair]) -> dict[str, Tally]:
    """How many gold copies were put in the same predicted cluster as their original.

    Each gold pair (original, copy) belongs to one or more groups, typically
    the edits applied to the copy (``trim``, ``rewrite``...). A pair is found
    when the copy and its original share a predicted cluster. A copy with
    several edits counts in each of their groups; group ``all`` counts every
    pair once.

    Args:
        pred: Article id → predicted cluster label (absent ids are singletons).
        pairs: Gold pairs with their groups (see :func:`load_gold`).

    Returns:
        Group name → :class:`Tally` of pairs found, sorted by group name.

    Example:
        >>> pairs = [GoldPair("o", "c1", ("trim",)), GoldPair("o", "c2", ("trim", "noise"))]
        >>> {g: t.rate for g, t in recall_by_group({"o": 0, "c1": 0}, pairs).items()}
        {'all': 0.5, 'noise': 0.0, 'trim': 0.5}
    """
    found: dict[str, int] = {}
    total: dict[str, int] = {}
    for pair in pairs:
        hit = pair.original in pred and pair.copy in pred and pred[pair.original] == pred[pair.copy]
        for group in ("all", *pair.groups):
            total[group] = total.get(group, 0) + 1
            found[group] = found.get(group, 0) + int(hit)
    return {g: Tally(found[g], total[g]) for g in sorted(total)}


def false_merges_by_kind(
    pred: Mapping[str, Any], gold: Mapping[str, Any], kinds: Mapping[str, str]
) -> dict[str, Tally]:
    """How many articles of each kind share a predicted cluster with a stranger.

    An article is falsely merged when its predicted cluster holds any article
    of another gold cluster. Counted per kind (``template``, ``same_event``...)
    because a hard negative merged with its look-alike is the failure that
    matters, and it is invisible in a corpus-wide precision.

    Example:
        >>> gold = {"t1": "a", "t2": "b", "x": "c"}
        >>> kinds = {"t1": "template", "t2": "template", "x": "filler"}
        >>> {k: t.count for k, t in false_merges_by_kind({"t1": 0, "t2": 0}, gold, kinds).items()}
        {'filler': 0, 'template': 2}
    """
    return _false_merges(_table(pred, gold), kinds)


def _false_merges(t: _Table, kinds: Mapping[str, str]) -> dict[str, Tally]:
    merged = t.pred_sizes[t.pred] > t.cells[t.cell_of]
    numbers: dict[str | None, int] = {}
    codes = np.array(
        [numbers.setdefault(kinds.get(aid), len(numbers)) for aid in t.ids], dtype=np.int64
    )
    totals = np.bincount(codes, minlength=len(numbers))
    merges = np.bincount(codes, weights=merged, minlength=len(numbers))
    return {
        kind: Tally(int(merges[code]), int(totals[code]))
        for kind, code in sorted(numbers.items(), key=lambda item: str(item[0]))
        if kind is not None
    }


def evaluate_files(predicted_path: str | Path, gold_path: str | Path) -> dict[str, Any]:
    """Score a predicted clusters file against a gold file; the library side of ``newsdedup evaluate``.

    Args:
        predicted_path: The JSON written by ``newsdedup scan --format json``,
            or JSONL of ``{"id": ..., "cluster": ...}`` records.
        gold_path: JSONL of ``{"id", "cluster"}`` records, optionally with
            ``original`` (bool), ``edit`` (list), ``touched`` and ``kind``
            (see :func:`load_gold`); the extra fields enable the recall
            breakdown and the false-merge counts.

    Returns:
        A JSON-ready dict: ``articles``, ``gold_articles``,
        ``predicted_articles``, ``unknown_ids`` (predicted ids absent from
        gold), ``pairwise`` and ``bcubed`` (precision/recall/f1), ``ari``,
        ``recall_by_edit`` and ``false_merges_by_kind`` (group → count, total,
        rate). :func:`format_report` renders it as a table.

    Raises:
        InputError: A file is missing, unreadable or malformed (with path:line).

    Example:
        >>> report = evaluate_files("scan.json", "gold.jsonl")  # doctest: +SKIP
        >>> report["pairwise"]["f1"]  # doctest: +SKIP
        0.991
    """
    predicted = load_clusters(predicted_path)
    gold = load_gold(gold_path)
    table = _table(predicted, gold.clusters)
    pairs, merges = recall_by_group(predicted, gold.pairs), _false_merges(table, gold.kinds)
    return {
        "predicted": str(predicted_path),
        "gold": str(gold_path),
        "articles": len(gold.clusters.keys() | predicted.keys()),
        "gold_articles": len(gold.clusters),
        "predicted_articles": len(predicted),
        "unknown_ids": sum(1 for aid in predicted if aid not in gold.clusters),
        "pairwise": _pairwise(table).to_dict(),
        "ari": round(_ari(table), 6),
        "bcubed": _bcubed(table).to_dict(),
        "recall_by_edit": {g: t.to_dict() for g, t in pairs.items()},
        "false_merges_by_kind": {k: t.to_dict() for k, t in merges.items()},
    }


def format_report(report: Mapping[str, Any]) -> str:
    """Render an :func:`evaluate_files` report as a plain-text table.

    Example:
        >>> print(format_report(evaluate_files("scan.json", "gold.jsonl")))  # doctest: +SKIP
        articles          10000  (gold 10000, predicted 3120, unknown 0)
        ...
    """
    pw, b3 = report["pairwise"], report["bcubed"]
    lines = [
        f"{'articles':<18}{report['articles']:>8}  (gold {report['gold_articles']}, "
        f"predicted {report['predicted_articles']}, unknown {report['unknown_ids']})",
        f"{'':<18}{'precision':>10}{'recall':>10}{'f1':>10}",
        f"{'pairwise':<18}{pw['precision']:>10.4f}{pw['recall']:>10.4f}{pw['f1']:>10.4f}",
        f"{'b-cubed':<18}{b3['precision']:>10.4f}{b3['recall']:>10.4f}{b3['f1']:>10.4f}",
        f"{'adjusted rand':<18}{report['ari']:>10.4f}",
    ]
    for title, key, label in (
        ("recall by edit", "recall_by_edit", "found"),
        ("false merges by kind", "false_merges_by_kind", "merged"),
    ):
        rows = report.get(key) or {}
        if rows:
            lines += ["", f"{title:<18}{label:>10}{'total':>10}{'rate':>10}"]
            lines += [
                f"  {g:<16}{t['count']:>10}{t['total']:>10}{t['rate']:>10.4f}"
                for g, t in rows.items()
            ]
    return "\n".join(lines)
