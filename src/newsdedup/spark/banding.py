"""Signatures → candidate edges: one row per (band, bucket, document), stars per bucket.

``scan`` links every pair of a bucket (chain + star beyond ``max_bucket``);
here a bucket only needs to say *which documents belong together*, so each
member gets one edge to the bucket's smallest document (a star: n - 1 rows,
never n²). The components of these edges contain every candidate pair of
``scan``; the verification stage then finds the exact pairs again inside
each component with scan's own banding code. Band keys are the 64-bit keys
of :func:`~newsdedup.sketch.candidates.all_band_keys`.

Three kinds of bands, as scan's passes: the k-gram and word-set bands
(:func:`band_plan`), the OCR-gram bands (which the detector links apart,
:mod:`newsdedup.spark.ocrbands`; the join path pairs them here), and the window bands, where the
32-bit keys of every document's whole signature
(:func:`~newsdedup.sketch.windows.window_band_keys`) meet the keys of the
long documents' windows. Rows carry ``win`` (0 for the first two kinds, 1
for a document's and 2 for a window's row of a window band) and ``ord``
(the window's number within its document): a window bucket counts only when
it holds a document and a window, as :func:`~newsdedup.sketch.windows.window_pairs`
only pairs those.

Shuffled: 4 + 8 + 8 + 2 bytes per (band, document) — with the defaults, 42
k-gram bands, 16 word-set bands and 21 window bands, about 1.7 KB per
article — plus 21 rows per window of a long article (3 to 10 of them).

Example:
    >>> from newsdedup.config import DetectorConfig
    >>> band_plan(DetectorConfig()), window_plan(DetectorConfig())
    ([('sig', 42, 3), ('wsig', 16, 4), ('osig', 10, 3)], (21, 3))
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..batch.robust import OCR_WEIGHTS
from ..config import DetectorConfig
from ..sketch.candidates import all_band_keys, lsh_params
from ..sketch.featurize import OCR_NUM_PERM, REWRITE_NUM_PERM
from ..sketch.windows import WINDOW_BANDS, window_band_keys

__all__ = [
    "BAND_SCHEMA",
    "band_plan",
    "band_rows",
    "buckets",
    "ocr_bands",
    "star_edges",
    "window_plan",
]

BAND_SCHEMA = "band int, key long, idx long, win byte, ord byte"


def _main_banding(config: DetectorConfig) -> tuple[int, int]:
    lsh = config.lsh
    if lsh.bands is not None and lsh.rows is not None:
        return lsh.bands, lsh.rows
    return lsh_params(lsh.threshold, config.sign.num_perm, tuple(lsh.weights))


def band_plan(config: DetectorConfig) -> list[tuple[str, int, int]]:
    """(signature column, bands, rows) of each whole-signature banding pass, as the batch detector bands."""
    lsh = config.lsh
    plan = [("sig", *_main_banding(config))]
    if lsh.rewrite_pass and config.shingle.kind == "word":
        plan.append(("wsig", *lsh_params(lsh.rewrite_threshold, REWRITE_NUM_PERM)))
    if lsh.ocr_pass:
        plan.append(("osig", *lsh_params(lsh.ocr_threshold, OCR_NUM_PERM, OCR_WEIGHTS)))
    return plan


def ocr_bands(config: DetectorConfig) -> range:
    """Numbers of the OCR pass's bands in :func:`band_rows` (empty when the pass is off)."""
    first = 0
    for column, bands, _ in band_plan(config):
        if column == "osig":
            return range(first, first + bands)
        first += bands
    return range(0)


def window_plan(config: DetectorConfig) -> tuple[int, int] | None:
    """(bands, rows) of the window pass (its keys are the first bands of the main banding), or None."""
    if not config.lsh.window_pass:
        return None
    bands, rows = _main_banding(config)
    return min(bands, WINDOW_BANDS), rows


def _matrix(column: Any, n: int, width: int) -> np.ndarray:
    return np.frombuffer(b"".join(column.to_pylist()), np.uint32).reshape(n, width)


def _band_batches(batches: Iterator[Any], config: DetectorConfig, ocr: bool) -> Iterator[Any]:
    plan = [p for p in band_plan(config) if ocr or p[0] != "osig"]
    widths = {"sig": config.sign.num_perm, "wsig": REWRITE_NUM_PERM, "osig": OCR_NUM_PERM}
    windows = window_plan(config)
    for batch in batches:
        idx = batch.column("idx").to_numpy()
        first_band = 0
        for column, bands, rows in plan:
            keys = all_band_keys(
                _matrix(batch.column(column), len(idx), widths[column]), bands, rows
            )
            yield _rows(np.arange(bands) + first_band, keys.view(np.int64), idx, 0)
            first_band += bands
        if windows is not None:
            yield from _window_rows(batch, idx, first_band, windows, config)


def _window_rows(
    batch: Any, idx: np.ndarray, first_band: int, plan: tuple[int, int], config: DetectorConfig
) -> Iterator[Any]:
    """The window bands' rows of one batch: every document's whole-signature keys, every window's."""
    used, _ = plan
    numbers = np.arange(used) + first_band
    sigs = _matrix(batch.column("sig"), len(idx), config.sign.num_perm)
    yield _rows(numbers, window_band_keys(sigs, *_main_banding(config)).astype(np.int64), idx, 1)
    cells = [np.frombuffer(c or b"", np.uint32) for c in batch.column("windows").to_pylist()]
    counts = np.array([len(c) // used for c in cells], np.int64)
    if counts.sum():
        owners = np.repeat(idx, counts)
        ordinal = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        keys = np.concatenate(cells).reshape(-1, used).astype(np.int64)
        yield _rows(numbers, keys, owners, 2, ordinal)


def _rows(
    bands: np.ndarray, keys: np.ndarray, idx: np.ndarray, win: int, ordinal: Any = None
) -> Any:
    """A record batch of ``BAND_SCHEMA`` rows, band after band, from an (n × bands) key matrix."""
    import pyarrow as pa

    n = len(idx)
    ordinal = np.zeros(n, np.int8) if ordinal is None else ordinal.astype(np.int8)
    return pa.RecordBatch.from_arrays(
        [
            pa.array(np.repeat(bands.astype(np.int32), n)),
            pa.array(np.ascontiguousarray(keys.T).reshape(-1)),
            pa.array(np.tile(idx, len(bands))),
            pa.array(np.full(n * len(bands), win, np.int8)),
            pa.array(np.tile(ordinal, len(bands))),
        ],
        names=["band", "key", "idx", "win", "ord"],
    )


def band_rows(reps: Any, config: DetectorConfig, ocr: bool = True) -> Any:
    """(band, key, idx, win, ord) of every band of every representative (and of its windows).

    Args:
        ocr: Include the OCR bands (the detector links those apart, see
            :mod:`newsdedup.spark.ocrbands`; the join path pairs them here).
    """
    columns = ["idx", *[c for c, _, _ in band_plan(config) if ocr or c != "osig"]]
    if window_plan(config) is not None:
        columns.append("windows")
    return reps.select(*columns).mapInArrow(
        lambda batches: _band_batches(batches, config, ocr), BAND_SCHEMA
    )


def buckets(rows: Any) -> Any:
    """(band, key, members) of every bucket that links documents as scan's passes would.

    A window band's bucket counts only when it holds a document and a window
    (``win`` 1 and 2); the other bands' buckets (``win`` 0) when they hold two rows.
    """
    from pyspark.sql import functions as F

    grouped = rows.groupBy("band", "key").agg(
        F.collect_list("idx").alias("members"),
        F.min("win").alias("lo"),
        F.max("win").alias("hi"),
    )
    return grouped.where(
        (F.size("members") > 1) & ((F.col("hi") == 0) | (F.col("lo") < F.col("hi")))
    )


def star_edges(rows: Any) -> Any:
    """(a, b) edges: every member of a bucket of two or more → the bucket's smallest idx."""
    from pyspark.sql import functions as F

    return (
        buckets(rows)
        .select(F.array_min("members").alias("b"), F.explode("members").alias("a"))
        .where(F.col("a") != F.col("b"))
        .distinct()
    )
