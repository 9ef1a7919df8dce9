"""Articles → features, per partition, with the very featurizer ``scan`` uses.

Each Arrow batch of article rows goes through
:class:`~newsdedup.sketch.featurize.Featurizer` (normalise, tokenise, sign,
exact key); the result leaves as binary columns (signatures, word
signatures, token hashes and flags), which later stages turn back into
numpy arrays without copying. The featurizer is built once per Python
worker and kept (Spark reuses workers), so the kernels' JIT start-up is
paid once per executor process.

Example:
    >>> import numpy as np
    >>> packed = binary_rows(np.arange(6, dtype=np.uint32), np.array([0, 2, 6]), 4)
    >>> [len(v) for v in packed.to_pylist()]
    [8, 16]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..config import DetectorConfig
from ..models import Article
from ..sketch.featurize import OCR_NUM_PERM, BatchFeatures, Featurizer
from ..text.learn import Learned

__all__ = ["FEATURE_SCHEMA", "ROBUST_COLUMNS", "binary_rows", "featurize", "rows_of"]

FEATURE_SCHEMA = (
    "idx long, id string, published double, length int, exact_key long, "
    "sig binary, wsig binary, tokens binary, flags binary, "
    "osig binary, grams binary, figures binary, windows binary"
)
#: The columns the OCR and window passes add (null when their pass is off).
ROBUST_COLUMNS = ["osig", "grams", "figures", "windows"]

_CACHE: dict[Any, Featurizer] = {}


def binary_rows(values: np.ndarray, offsets: np.ndarray, itemsize: int) -> Any:
    """An Arrow binary array whose row i holds ``values[offsets[i]:offsets[i+1]]`` as bytes."""
    import pyarrow as pa

    data = np.ascontiguousarray(values)
    byte_offsets = (np.asarray(offsets, np.int64) * itemsize).astype(np.int32)
    return pa.Array.from_buffers(
        pa.binary(),
        len(offsets) - 1,
        [None, pa.py_buffer(byte_offsets), pa.py_buffer(data.view(np.uint8))],
    )


def rows_of(cells: Any, dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    """Binary cells (bytes, or None for nothing) → one flat array and CSR offsets."""
    arrays = [np.frombuffer(c, dtype) if c is not None else np.zeros(0, dtype) for c in cells]
    offsets = np.zeros(len(arrays) + 1, np.int64)
    np.cumsum([len(a) for a in arrays], out=offsets[1:])
    flat = np.concatenate(arrays) if arrays else np.zeros(0, dtype)
    return flat.astype(dtype, copy=False), offsets


def _featurizer(config: DetectorConfig, learned: Any) -> Featurizer:
    key = (getattr(learned, "id", id(learned)), config.fingerprint())
    if key not in _CACHE:
        _CACHE.clear()
        value: Learned = learned.value if hasattr(learned, "value") else learned
        _CACHE[key] = Featurizer(config, value)
    return _CACHE[key]


def _features(batch: Any, featurizer: Featurizer, config: DetectorConfig) -> Any:
    import pyarrow as pa

    cols = {name: batch.column(name).to_pylist() for name in batch.schema.names}
    n = batch.num_rows
    titles = cols.get("title") or [None] * n
    sources = cols.get("source") or [None] * n
    items = [
        (Article(i, t, title=h).full_text, s)
        for i, t, h, s in zip(cols["id"], cols["text"], titles, sources)
    ]
    feats = featurizer.run(items, robust=True)
    p, w = feats.signatures.shape[1], feats.word_signatures.shape[1]
    rows = np.arange(n + 1, dtype=np.int64)
    return pa.RecordBatch.from_arrays(
        [
            batch.column("idx"),
            batch.column("id"),
            batch.column("published"),
            pa.array(feats.lengths.astype(np.int32)),
            pa.array(feats.exact_keys.view(np.int64)),
            binary_rows(feats.signatures.reshape(-1), rows * p, 4),
            binary_rows(feats.word_signatures.reshape(-1), rows * w, 4),
            binary_rows(feats.tokens, feats.offsets, 4),
            binary_rows(feats.flags, feats.offsets, 1),
            *_robust_columns(feats, n),
        ],
        names=[f.split()[0] for f in FEATURE_SCHEMA.split(", ")],
    )


def _robust_columns(feats: BatchFeatures, n: int) -> list[Any]:
    """osig, grams, figures, windows: the OCR and window passes' features (nulls when off).

    ``windows`` holds an article's window band keys, window after window
    (``window_keys`` rows of that article, in the order the featurizer made
    them: halves, then quarters).
    """
    import pyarrow as pa

    nulls = pa.nulls(n, pa.binary())
    rows = np.arange(n + 1, dtype=np.int64)
    out = [nulls] * 4
    if feats.ocr is not None and feats.ocr_signatures is not None:
        ocr = feats.ocr
        out[:3] = [
            binary_rows(feats.ocr_signatures.reshape(-1), rows * OCR_NUM_PERM, 4),
            binary_rows(ocr.grams, ocr.gram_offsets, 4),
            binary_rows(ocr.figures, ocr.figure_offsets, 4),
        ]
    if feats.window_keys is not None and feats.window_owners is not None:
        # The featurizer lists windows by scale and span, then article: regroup them by article.
        order = np.argsort(feats.window_owners, kind="stable")
        counts = np.bincount(feats.window_owners, minlength=n)
        offsets = np.zeros(n + 1, np.int64)
        np.cumsum(counts * feats.window_keys.shape[1], out=offsets[1:])
        out[3] = binary_rows(feats.window_keys[order].reshape(-1), offsets, 4)
    return out


def featurize(articles: Any, config: DetectorConfig, learned: Any) -> Any:
    """Feature rows (``FEATURE_SCHEMA``) of article rows (idx, id, text, title, source, published).

    Args:
        articles: DataFrame of articles with their input position ``idx``.
        config: The detector configuration.
        learned: The broadcast :class:`~newsdedup.text.learn.Learned` (or the object itself).
    """
    batch_rows = config.sign.batch_size

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        featurizer = _featurizer(config, learned)
        for batch in batches:
            for lo in range(0, batch.num_rows, batch_rows):
                yield _features(batch.slice(lo, batch_rows), featurizer, config)

    return articles.mapInArrow(run, FEATURE_SCHEMA)
