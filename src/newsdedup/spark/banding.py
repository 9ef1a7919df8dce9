"""Signatures → candidate edges: one row per (band, bucket, document), stars per bucket.

``scan`` links every pair of a bucket (chain + star beyond ``max_bucket``);
here a bucket only needs to say *which documents belong together*, so each
member gets one edge to the bucket's smallest document (a star: n - 1 rows,
never n²). The components of these edges contain every candidate pair of
``scan``; the verification stage then finds the exact pairs again inside
each component with scan's own banding code. Band keys are the 64-bit keys
of :func:`~newsdedup.sketch.candidates.all_band_keys`.

Shuffled: 4 + 8 + 8 bytes per (band, document) — with the defaults, 42
k-gram bands and 16 word-set bands, about 1.2 KB per article.

Example:
    >>> from newsdedup.config import DetectorConfig
    >>> band_plan(DetectorConfig())
    [('sig', 42, 3), ('wsig', 16, 4)]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..config import DetectorConfig
from ..sketch.candidates import all_band_keys, lsh_params
from ..sketch.featurize import REWRITE_NUM_PERM

__all__ = ["band_plan", "band_rows", "star_edges"]


def band_plan(config: DetectorConfig) -> list[tuple[str, int, int]]:
    """(signature column, bands, rows) of each banding pass, as the batch detector bands."""
    lsh = config.lsh
    if lsh.bands is not None and lsh.rows is not None:
        plan = [("sig", lsh.bands, lsh.rows)]
    else:
        plan = [("sig", *lsh_params(lsh.threshold, config.sign.num_perm, tuple(lsh.weights)))]
    if lsh.rewrite_pass and config.shingle.kind == "word":
        plan.append(("wsig", *lsh_params(lsh.rewrite_threshold, REWRITE_NUM_PERM)))
    return plan


def _band_batches(batches: Iterator[Any], plan: list, widths: dict[str, int]) -> Iterator[Any]:
    import pyarrow as pa

    for batch in batches:
        idx = batch.column("idx").to_numpy()
        first_band = 0
        for column, bands, rows in plan:
            raw = b"".join(batch.column(column).to_pylist())
            sigs = np.frombuffer(raw, np.uint32).reshape(len(idx), widths[column])
            keys = all_band_keys(sigs, bands, rows)
            yield pa.RecordBatch.from_arrays(
                [
                    pa.array(np.repeat(np.arange(bands, dtype=np.int32), len(idx)) + first_band),
                    pa.array(keys.T.reshape(-1).view(np.int64)),
                    pa.array(np.tile(idx, bands)),
                ],
                names=["band", "key", "idx"],
            )
            first_band += bands


def band_rows(reps: Any, config: DetectorConfig) -> Any:
    """(band, key, idx) of every band of every representative."""
    plan = band_plan(config)
    widths = {"sig": config.sign.num_perm, "wsig": REWRITE_NUM_PERM}
    columns = ["idx", *[column for column, _, _ in plan]]
    return reps.select(*columns).mapInArrow(
        lambda batches: _band_batches(batches, plan, widths), "band int, key long, idx long"
    )


def star_edges(rows: Any) -> Any:
    """(a, b) edges: every member of a bucket of two or more → the bucket's smallest idx."""
    from pyspark.sql import functions as F

    buckets = (
        rows.groupBy("band", "key")
        .agg(F.collect_list("idx").alias("members"))
        .where(F.size("members") > 1)
    )
    return (
        buckets.select(F.array_min("members").alias("b"), F.explode("members").alias("a"))
        .where(F.col("a") != F.col("b"))
        .distinct()
    )
