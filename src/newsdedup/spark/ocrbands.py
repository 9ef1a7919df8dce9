"""The OCR pass's buckets → edges, keeping only the pairs scan would verify.

Why not stars, as for the other bands: folded 7-character grams are shared by
articles that merely share a few sentences, so the OCR bands link far more
than scan ever verifies. Stars of every OCR bucket made the largest component
of the 40k synthetic corpus 12,886 articles (318 without the OCR pass). Here
each row carries the article's OCR-gram signature and gram count, and a
bucket of at most ``max_bucket`` members links only its pairs that pass
:func:`~newsdedup.batch.robust.ocr_worth_verifying`, the test scan applies to
them. A larger bucket is still linked whole (a star): scan links its members
as a chain plus a star, which depends on every member, so the component must
hold them all. Pairs the test drops are dropped by scan too, so each
component still holds every OCR pair scan verifies.

Shuffled: 10 bands × (8 + 4 + 140) bytes per article, about 1.5 KB.

Example:
    >>> import numpy as np
    >>> from newsdedup.config import DetectorConfig
    >>> sig = np.arange(32, dtype=np.uint32)
    >>> members = [member_cell(i, 300, sig) for i in (7, 3)] + [member_cell(5, 300, sig + 1)]
    >>> bucket_edges([members], 64, DetectorConfig())
    ([3], [7])
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..batch.robust import OCR_WEIGHTS, ocr_worth_verifying
from ..config import DetectorConfig
from ..sketch.candidates import all_band_keys, lsh_params
from ..sketch.featurize import OCR_NUM_PERM

__all__ = ["bucket_edges", "member_cell", "ocr_edges"]

_CELL = 12 + 4 * OCR_NUM_PERM  # idx (8 bytes), gram count (4), signature


def member_cell(idx: int, grams: int, signature: np.ndarray) -> bytes:
    """One bucket member as bytes: its idx, its sampled gram count and its OCR-gram signature."""
    head = np.array([idx], np.int64).tobytes() + np.array([grams], np.uint32).tobytes()
    return head + np.asarray(signature, np.uint32).tobytes()


def _members(cells: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    raw = np.frombuffer(b"".join(cells), np.uint8).reshape(len(cells), _CELL)
    idx = raw[:, :8].copy().view(np.int64).ravel()
    grams = raw[:, 8:12].copy().view(np.uint32).ravel().astype(np.int64)
    sigs = raw[:, 12:].copy().view(np.uint32)
    return idx, grams, sigs


def bucket_edges(buckets: Any, max_bucket: int, config: DetectorConfig) -> tuple[list, list]:
    """(a, b) edges of OCR buckets (lists of :func:`member_cell` bytes): see the module docstring."""
    lefts: list[int] = []
    rights: list[int] = []
    for cells in buckets:
        idx, grams, sigs = _members(list(cells))
        if len(idx) > max_bucket:
            low = idx.min()
            lefts += [low] * (len(idx) - 1)
            rights += idx[idx != low].tolist()
            continue
        left, right = np.triu_indices(len(idx), 1)
        keep = ocr_worth_verifying(sigs, grams, left, right, config)
        lefts += np.minimum(idx[left[keep]], idx[right[keep]]).tolist()
        rights += np.maximum(idx[left[keep]], idx[right[keep]]).tolist()
    return lefts, rights


def _rows(batches: Iterator[Any], config: DetectorConfig) -> Iterator[Any]:
    import pyarrow as pa
    import pyarrow.compute as pc

    bands, rows = lsh_params(config.lsh.ocr_threshold, OCR_NUM_PERM, OCR_WEIGHTS)
    for batch in batches:
        idx = batch.column("idx").to_numpy()
        n = len(idx)
        sigs = np.frombuffer(b"".join(batch.column("osig").to_pylist()), np.uint32)
        sigs = sigs.reshape(n, OCR_NUM_PERM)
        grams = pc.binary_length(batch.column("grams")).to_numpy(zero_copy_only=False) // 4
        cells = np.empty((n, _CELL), np.uint8)
        cells[:, :8] = idx.astype(np.int64).view(np.uint8).reshape(n, 8)
        cells[:, 8:12] = grams.astype(np.uint32).view(np.uint8).reshape(n, 4)
        cells[:, 12:] = sigs.view(np.uint8).reshape(n, -1)
        member = pa.FixedSizeBinaryArray.from_buffers(
            pa.binary(_CELL), n, [None, pa.py_buffer(cells)]
        ).cast(pa.binary())
        keys = all_band_keys(sigs, bands, rows)
        yield pa.RecordBatch.from_arrays(
            [
                pa.array(np.repeat(np.arange(bands, dtype=np.int32), n)),
                pa.array(np.ascontiguousarray(keys.T).reshape(-1).view(np.int64)),
                pa.concat_arrays([member] * bands),
            ],
            names=["band", "key", "member"],
        )


def ocr_edges(reps: Any, config: DetectorConfig) -> Any:
    """(a, b) edges of the OCR pass among ``reps`` (idx, osig, grams), to union with the star edges."""
    import pandas as pd
    from pyspark.sql import functions as F

    max_bucket = config.lsh.max_bucket
    rows = reps.select("idx", "osig", "grams").mapInArrow(
        lambda batches: _rows(batches, config), "band int, key long, member binary"
    )
    found = (
        rows.groupBy("band", "key")
        .agg(F.collect_list("member").alias("members"))
        .where(F.size("members") > 1)
        .select("members")
    )

    def run(frames: Iterator[Any]) -> Iterator[Any]:
        for frame in frames:
            a, b = bucket_edges(frame["members"], max_bucket, config)
            yield pd.DataFrame({"a": np.array(a, np.int64), "b": np.array(b, np.int64)})

    return found.mapInPandas(run, "a long, b long")
