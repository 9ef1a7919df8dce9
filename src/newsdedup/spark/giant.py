"""Components too large for one task: their candidate pairs verified by join, in bounded groups.

A template-heavy feed or a run of boilerplate can link tens of thousands of
articles into one component; one task would have to hold all their tokens.
Here the component's candidate pairs are found bucket by bucket (with the
banding kernel ``scan`` uses), then hashed into groups of at most
``PAIRS_PER_GROUP`` pairs; each group joins the features of the documents it
touches and runs scan's pre-filter and verifier. The verified pairs (small:
codes and scores) come back to the driver, where scan's clustering runs
unchanged — its extra (original, member) checks are one more join per round
— and scan's assembly builds the clusters and matches.

Example:
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"band": [0], "lo": [0], "members": [[9 * 64, 4 * 64, 6 * 64]]})
    >>> bucket_pairs(frame, max_bucket=64)[["a", "b"]].to_dict("list")
    {'a': [4, 4, 6], 'b': [6, 9, 9]}
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from .. import _kernels as K
from ..batch.assemble import VerifiedPairs, assemble_result, exact_groups
from ..batch.pipeline import Detector
from ..batch.robust import ocr_worth_verifying
from ..config import DetectorConfig
from ..judge.verify import PairScores, Verifier
from ..sketch.candidates import merge_pairs
from .banding import band_rows, buckets, ocr_bands
from .component import ComponentDocs
from .verify import ROW_SCHEMA, component_docs, result_rows

__all__ = ["PAIRS_PER_GROUP", "bucket_pairs", "verify_giants"]

#: Candidate pairs verified together in one task.
PAIRS_PER_GROUP = 20_000
_SCORE_FIELDS = list(PairScores.__dataclass_fields__)
_PAIR_SCHEMA = "a long, b long, code int, " + ", ".join(
    f"{name} {'boolean' if name in ('apart', 'exact') else 'double'}" for name in _SCORE_FIELDS
)


def _linked(order: np.ndarray, max_bucket: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of positions in one bucket whose members are listed in ``order``, as scan links them."""
    n = len(order)
    cap = n * (n - 1) // 2 if n <= max_bucket else (n - 1) * 2 + 8 * n
    out_a, out_b = np.empty(cap, np.int64), np.empty(cap, np.int64)
    filled = K.bucket_pairs(order, np.zeros(n, np.uint64), max_bucket, out_a, out_b, 0)
    return out_a[:filled], out_b[:filled]


def _window_bucket(members: np.ndarray, max_bucket: int, batch_size: int) -> tuple:
    """(a, b) of one window bucket, as :func:`~newsdedup.sketch.windows.window_pairs` pairs them.

    Members are coded ``idx * 64 + win * 16 + ord``; documents come first in
    input order, then windows in scan's order (batch, span, article), and
    only pairs of a document with another document's window count.
    """
    idx, win, span = members >> 6, (members >> 4) & 3, members & 15
    docs = np.sort(idx[win == 1])
    w_idx, w_span = idx[win == 2], span[win == 2]
    w_order = np.lexsort((w_idx, w_span, w_idx // batch_size))
    owner = np.concatenate([docs, w_idx[w_order]])
    is_window = np.arange(len(owner)) >= len(docs)
    a, b = _linked(np.arange(len(owner)), max_bucket)
    one = is_window[a] != is_window[b]
    a, b = owner[a[one]], owner[b[one]]
    keep = a != b
    return a[keep], b[keep]


def bucket_pairs(
    buckets: Any, max_bucket: int, ocr: range = range(0), batch_size: int = 1000
) -> Any:
    """(a, b, pre, ocr) pairs of each bucket (pandas: ``band``, ``lo``, ``members``), as scan links them.

    ``pre``: found by a pass whose pairs scan pre-filters (k-gram, word-set,
    window bands); ``ocr``: found by an OCR band (bands ``ocr``).
    """
    import pandas as pd

    lefts, rights, kinds = [], [], []
    for band, lo, members in zip(buckets["band"], buckets["lo"], buckets["members"]):
        members = np.asarray(members, np.int64)
        if lo == 1:
            a, b = _window_bucket(members, max_bucket, batch_size)
        else:
            a, b = _linked(np.sort(members >> 6), max_bucket)
        lefts.append(np.minimum(a, b))
        rights.append(np.maximum(a, b))
        kinds.append(np.full(len(a), band in ocr))
    a = np.concatenate(lefts) if lefts else np.zeros(0, np.int64)
    b = np.concatenate(rights) if rights else np.zeros(0, np.int64)
    is_ocr = np.concatenate(kinds) if kinds else np.zeros(0, bool)
    return pd.DataFrame({"a": a, "b": b, "pre": ~is_ocr, "ocr": is_ocr})


def _candidates(reps: Any, config: DetectorConfig) -> Any:
    """(a, b, pre, ocr): every candidate pair of the component, with the passes that found it."""
    from pyspark.sql import functions as F

    rows = band_rows(reps, config).select(
        "band", "key", (F.col("idx") * 64 + F.col("win") * 16 + F.col("ord")).alias("idx"), "win"
    )
    found = buckets(rows).select("band", "lo", "members")
    max_bucket, ocr, batch_size = config.lsh.max_bucket, ocr_bands(config), config.sign.batch_size

    def run(frames: Iterator[Any]) -> Iterator[Any]:
        for frame in frames:
            yield bucket_pairs(frame, max_bucket, ocr, batch_size)

    pairs = found.mapInPandas(run, "a long, b long, pre boolean, ocr boolean")
    return pairs.groupBy("a", "b").agg(F.max("pre").alias("pre"), F.max("ocr").alias("ocr"))


def _verify_pairs(
    pairs: Any, features: Any, config: DetectorConfig, model: Any, prefilter: bool
) -> list:
    """Rows (``_PAIR_SCHEMA``) of the verified pairs, collected: codes and scores only."""
    import pandas as pd
    from pyspark.sql import functions as F

    n = pairs.count()
    if n == 0:
        return []
    groups = max(1, math.ceil(n / PAIRS_PER_GROUP))
    pairs = pairs.localCheckpoint(eager=True)

    def group_of() -> Any:  # a fresh column each time: the two sides must not share lineage
        return F.pmod(F.xxhash64("a", "b"), F.lit(groups)).alias("g")

    kinds = ["pre", "ocr"] if prefilter else []
    grouped = pairs.select("a", "b", *kinds, group_of())
    touched = (
        pairs.select(group_of(), F.col("a").alias("idx"))
        .union(pairs.select(group_of(), F.col("b").alias("idx")))
        .distinct()
        .join(features, "idx")
    )
    columns = [f.split()[0] for f in _PAIR_SCHEMA.split(", ")]

    def run(docs: Any, asked: Any) -> Any:
        component = component_docs(docs, config)
        where = {idx: i for i, idx in enumerate(sorted(docs["idx"].tolist()))}
        left = np.array([where[x] for x in asked["a"]], np.int64)
        right = np.array([where[x] for x in asked["b"]], np.int64)
        corpus = component.corpus()
        detector = Detector(config)
        if prefilter:
            left, right = _kept(detector, corpus, left, right, asked)
        verified = detector._verify(corpus, Verifier(config, model.value), left, right)
        back = np.array(sorted(where), np.int64)
        out = []
        for i in range(len(verified)):
            a, b, code, scores = verified.row(i)
            out.append((back[a], back[b], code, *[getattr(scores, f)[i] for f in _SCORE_FIELDS]))
        return pd.DataFrame(out, columns=columns)

    verified = touched.groupBy("g").cogroup(grouped.groupBy("g")).applyInPandas(run, _PAIR_SCHEMA)
    return verified.collect()


def _kept(
    detector: Detector, corpus: Any, left: np.ndarray, right: np.ndarray, asked: Any
) -> tuple:
    """The pairs scan verifies: its pre-filter on the k-gram, word-set and window pairs, plus
    the OCR pairs whose OCR-gram estimates can reach a threshold (as ``Detector._candidates``)."""
    pre, ocr = asked["pre"].to_numpy(bool), asked["ocr"].to_numpy(bool)
    kept = detector._prefilter(corpus, left[pre], right[pre])
    robust = corpus.robust
    if robust is None or not len(robust.ocr_signatures) or not ocr.any():
        return kept
    a, b = left[ocr], right[ocr]
    keep = ocr_worth_verifying(robust.ocr_signatures, robust.ocr_sizes, a, b, detector.config)
    return merge_pairs(kept, (a[keep], b[keep]))


def _as_verified(rows: list, local: dict[int, int]) -> VerifiedPairs:
    verified = VerifiedPairs()
    if rows:
        a = np.array([local[r["a"]] for r in rows], np.int64)
        b = np.array([local[r["b"]] for r in rows], np.int64)
        codes = np.array([r["code"] for r in rows], np.int8)
        scores = PairScores(
            *[
                np.array([r[f] for r in rows], bool if f in ("apart", "exact") else float)
                for f in _SCORE_FIELDS
            ]
        )
        verified.add(a, b, codes, scores)
    return verified


class _JoinDetector(Detector):
    """Scan's detector whose verification of extra pairs is a Spark join (for the clustering)."""

    def __init__(self, config: DetectorConfig, features: Any, model: Any, order: np.ndarray):
        super().__init__(config)
        self.features, self.model, self.order = features, model, order
        self.local = {int(x): i for i, x in enumerate(order)}

    def _verify(
        self, corpus: Any, verifier: Any, left: np.ndarray, right: np.ndarray
    ) -> VerifiedPairs:
        spark = self.features.sparkSession
        pairs = spark.createDataFrame(
            [(int(self.order[a]), int(self.order[b])) for a, b in zip(left, right)],
            "a long, b long",
        )
        rows = _verify_pairs(pairs, self.features, self.config, self.model, prefilter=False)
        return _as_verified(rows, self.local)


def verify_giants(docs: Any, config: DetectorConfig, model: Any) -> Any:
    """Rows (``ROW_SCHEMA``) of the giant components in ``docs`` (same columns as for the others)."""
    from pyspark.sql import functions as F

    spark = docs.sparkSession
    meta = sorted(
        docs.select("idx", "id", "published", "length", "exact_key").collect(), key=lambda r: r[0]
    )
    if not meta:
        return spark.createDataFrame([], ROW_SCHEMA)
    order = np.array([r["idx"] for r in meta], np.int64)
    reps = docs.where(F.col("sig").isNotNull())
    features = reps.drop("comp")
    detector = _JoinDetector(config, features, model, order)
    found = _verify_pairs(_candidates(reps, config), features, config, model, prefilter=True)
    verified = _as_verified(found, detector.local)
    light = ComponentDocs(
        ids=[r["id"] for r in meta],
        published=np.array([np.nan if r["published"] is None else r["published"] for r in meta]),
        lengths=np.array([r["length"] for r in meta], np.int64),
        exact_keys=np.array([r["exact_key"] for r in meta], np.int64).view(np.uint64),
        signatures=np.zeros((len(meta), 0), np.uint32),
        word_signatures=np.zeros((len(meta), 0), np.uint32),
        tokens=np.zeros(0, np.uint32),
        flags=np.zeros(0, np.uint8),
        offsets=np.zeros(len(meta) + 1, np.int64),
    )
    corpus = light.corpus()
    _, twins = exact_groups(corpus.exact_keys, corpus.rank)
    groups = detector._cluster(corpus, None, verified, None)  # type: ignore[arg-type]
    result = assemble_result(corpus, groups, verified, twins, config, {})
    idx_of = {r["id"]: r["idx"] for r in meta}
    return spark.createDataFrame(list(result_rows(result, idx_of)), ROW_SCHEMA)
