"""Per component: scan's candidates, verifier, template guard and clustering (``applyInPandas``).

Each component's documents (representatives with features, exact twins
with their key and length only) go to one task as a pandas DataFrame;
:func:`~newsdedup.spark.component.detect_component` runs the batch
detector's own stages on them and the result leaves as rows: one per
cluster member and one per confirmed pair. Shuffled: each clustered
document's tokens and flags (5 bytes a token), signatures, OCR grams and
figures (about 400 sampled grams a 3.8 KB article, 1.6 KB) and window keys once.

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
from ..sketch.featurize import OCR_NUM_PERM, REWRITE_NUM_PERM
from .banding import window_plan
from .component import ComponentDocs, RobustDocs, detect_component
from .featurize import rows_of

__all__ = ["ROW_SCHEMA", "component_docs", "result_rows", "verify_components"]

#: One row per cluster member (kind 'c') or confirmed pair (kind 'm').
ROW_SCHEMA = (
    "kind string, a string, a_idx long, b string, position int, relation string, "
    "jaccard double, containment double, cosine double, numbers double, reason string"
)


def _matrix(cells: list, width: int) -> np.ndarray:
    """Fixed-width uint32 rows from binary cells (zeros where a cell is None)."""
    out = np.zeros((len(cells), width), np.uint32)
    for i, cell in enumerate(cells):
        if cell is not None:
            out[i] = np.frombuffer(cell, np.uint32)
    return out


def robust_docs(group: Any, config: DetectorConfig) -> RobustDocs:
    """The OCR and window features of a component's rows (sorted by idx), windows in scan's order.

    ``scan`` lists the windows of each batch of ``batch_size`` articles by
    span, then article; sorting on (batch, span, idx) gives that order back.
    """
    n = len(group)
    ocr = config.lsh.ocr_pass
    grams, gram_offsets = rows_of(group["grams"].tolist(), np.uint32)
    figures, figure_offsets = rows_of(group["figures"].tolist(), np.uint32)
    plan = window_plan(config)
    used = plan[0] if plan else 0
    keys, cells = rows_of(group["windows"].tolist(), np.uint32)
    counts = np.diff(cells) // max(used, 1)
    idx = group["idx"].to_numpy(np.int64)
    owners = np.repeat(np.arange(n, dtype=np.int64), counts)
    span = np.arange(len(owners)) - np.repeat(np.cumsum(counts) - counts, counts)
    order = np.lexsort((idx[owners], span, idx[owners] // config.sign.batch_size))
    return RobustDocs(
        ocr_signatures=_matrix(group["osig"].tolist(), OCR_NUM_PERM)
        if ocr
        else np.zeros((0, OCR_NUM_PERM), np.uint32),
        grams=grams,
        gram_offsets=gram_offsets,
        figures=figures,
        figure_offsets=figure_offsets,
        window_keys=keys.reshape(-1, used)[order] if used else np.zeros((0, 0), np.uint32),
        window_owners=owners[order],
    )


def component_docs(group: Any, config: DetectorConfig) -> ComponentDocs:
    """The component's rows (a pandas DataFrame) as arrays, in input order."""
    group = group.sort_values("idx")
    tokens, offsets = rows_of(group["tokens"].tolist(), np.uint32)
    flags, _ = rows_of(group["flags"].tolist(), np.uint8)
    return ComponentDocs(
        ids=group["id"].tolist(),
        published=group["published"].to_numpy(np.float64, na_value=np.nan),
        lengths=group["length"].to_numpy(np.int64),
        exact_keys=group["exact_key"].to_numpy(np.int64).view(np.uint64),
        signatures=_matrix(group["sig"].tolist(), config.sign.num_perm),
        word_signatures=_matrix(group["wsig"].tolist(), REWRITE_NUM_PERM),
        tokens=tokens,
        flags=flags,
        offsets=offsets,
        robust=robust_docs(group, config),
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
        docs: Rows (comp, idx, id, published, length, exact_key, sig, wsig, tokens, flags,
            osig, grams, figures, windows).
        config: The detector configuration.
        model: The broadcast corpus TF-IDF model.
    """
    import pandas as pd

    columns = [f.split()[0] for f in ROW_SCHEMA.split(", ")]

    def run(group: Any) -> Any:
        component = component_docs(group, config)
        result = detect_component(component, config, model.value)
        idx_of = dict(zip(group["id"].tolist(), group["idx"].tolist()))
        return pd.DataFrame(list(result_rows(result, idx_of)), columns=columns)

    return docs.groupBy("comp").applyInPandas(run, ROW_SCHEMA)
