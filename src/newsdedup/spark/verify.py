"""Per component: scan's candidates, verifier, template guard and clustering (``applyInPandas``).

Each component's documents (representatives with features, exact twins
with their key and length only) go to one task as a pandas DataFrame;
:func:`~newsdedup.spark.component.detect_component` runs the batch
detector's own stages on them and the result leaves as rows: one per
cluster member and one per confirmed pair. Shuffled: each clustered
document's tokens and flags (5 bytes a token) and signatures once.

Example:
    >>> from newsdedup.models import Cluster, Match, Member, Relation, Result, Scores
    >>> s = Scores(0.9, 0.95, 0.97, 1.0)
    >>> result = Result(3, [Cluster(0, "a", [Member("b", Relation.NEAR, s)])],
    ...                 [Match("a", "b", Relation.NEAR, s, "why")], {})
    >>> [row[:5] for row in result_rows(result, {"a": 7, "b": 9})]
    [('c', 'a', 7, 'b', 0), ('m', 'a', 7, 'b', 0)]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..config import DetectorConfig
from ..models import Result
from ..sketch.featurize import REWRITE_NUM_PERM
from .component import ComponentDocs, detect_component
from .featurize import rows_of

__all__ = ["ROW_SCHEMA", "component_docs", "result_rows", "verify_components"]

#: One row per cluster member (kind 'c') or confirmed pair (kind 'm').
ROW_SCHEMA = (
    "kind string, a string, a_idx long, b string, position int, relation string, "
    "jaccard double, containment double, cosine double, numbers double, reason string"
)


def component_docs(group: Any, num_perm: int) -> ComponentDocs:
    """The component's rows (a pandas DataFrame) as arrays, in input order."""
    group = group.sort_values("idx")
    n = len(group)

    def matrix(column: str, width: int) -> np.ndarray:
        out = np.zeros((n, width), np.uint32)
        for i, cell in enumerate(group[column].tolist()):
            if cell is not None:
                out[i] = np.frombuffer(cell, np.uint32)
        return out

    tokens, offsets = rows_of(group["tokens"].tolist(), np.uint32)
    flags, _ = rows_of(group["flags"].tolist(), np.uint8)
    return ComponentDocs(
        ids=group["id"].tolist(),
        published=group["published"].to_numpy(np.float64, na_value=np.nan),
        lengths=group["length"].to_numpy(np.int64),
        exact_keys=group["exact_key"].to_numpy(np.int64).view(np.uint64),
        signatures=matrix("sig", num_perm),
        word_signatures=matrix("wsig", REWRITE_NUM_PERM),
        tokens=tokens,
        flags=flags,
        offsets=offsets,
    )


def result_rows(result: Result, idx_of: dict[str, int]) -> Iterator[tuple]:
    """Rows (``ROW_SCHEMA``) of a component's clusters and matches."""
    for cluster in result.clusters:
        for position, m in enumerate(cluster.members):
            s = m.scores
            yield (
                "c",
                cluster.original,
                idx_of[cluster.original],
                m.id,
                position,
                m.relation.value,
                s.jaccard,
                s.containment,
                s.cosine,
                s.numbers,
                None,
            )
    for position, match in enumerate(result.matches):
        s = match.scores
        yield (
            "m",
            match.a,
            idx_of[match.a],
            match.b,
            position,
            match.relation.value,
            s.jaccard,
            s.containment,
            s.cosine,
            s.numbers,
            match.reason,
        )


def verify_components(docs: Any, config: DetectorConfig, model: Any) -> Any:
    """Rows (``ROW_SCHEMA``) of every component of ``docs`` (grouped by ``comp``).

    Args:
        docs: Rows (comp, idx, id, published, length, exact_key, sig, wsig, tokens, flags).
        config: The detector configuration.
        model: The broadcast corpus TF-IDF model.
    """
    import pandas as pd

    columns = [f.split()[0] for f in ROW_SCHEMA.split(", ")]

    def run(group: Any) -> Any:
        component = component_docs(group, config.sign.num_perm)
        result = detect_component(component, config, model.value)
        idx_of = dict(zip(group["id"].tolist(), group["idx"].tolist()))
        return pd.DataFrame(list(result_rows(result, idx_of)), columns=columns)

    return docs.groupBy("comp").applyInPandas(run, ROW_SCHEMA)
