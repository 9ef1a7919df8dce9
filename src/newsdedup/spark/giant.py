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
    >>> bucket_pairs(pd.DataFrame({"members": [[9, 4, 6]]}), max_bucket=64).to_dict("list")
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
from ..config import DetectorConfig
from ..judge.verify import PairScores, Verifier
from .banding import band_rows
from .component import ComponentDocs
from .verify import ROW_SCHEMA, component_docs, result_rows

__all__ = ["PAIRS_PER_GROUP", "bucket_pairs", "verify_giants"]

#: Candidate pairs verified together in one task.
PAIRS_PER_GROUP = 20_000
_SCORE_FIELDS = list(PairScores.__dataclass_fields__)
_PAIR_SCHEMA = "a long, b long, code int, " + ", ".join(
    f"{name} {'boolean' if name in ('apart', 'exact') else 'double'}" for name in _SCORE_FIELDS
)


def bucket_pairs(buckets: Any, max_bucket: int) -> Any:
    """(a, b) pairs of each bucket (a pandas DataFrame of ``members`` lists), as scan links them."""
    import pandas as pd

    lefts, rights = [], []
    for members in buckets["members"]:
        order = np.sort(np.asarray(members, np.int64))
        n = len(order)
        cap = n * (n - 1) // 2 if n <= max_bucket else (n - 1) * 2 + 8 * n
        out_a, out_b = np.empty(cap, np.int64), np.empty(cap, np.int64)
        filled = K.bucket_pairs(order, np.zeros(n, np.uint64), max_bucket, out_a, out_b, 0)
        lefts.append(np.minimum(out_a[:filled], out_b[:filled]))
        rights.append(np.maximum(out_a[:filled], out_b[:filled]))
    a = np.concatenate(lefts) if lefts else np.zeros(0, np.int64)
    b = np.concatenate(rights) if rights else np.zeros(0, np.int64)
    return pd.DataFrame({"a": a, "b": b})


def _candidates(reps: Any, config: DetectorConfig) -> Any:
    from pyspark.sql import functions as F

    buckets = (
        band_rows(reps, config)
        .groupBy("band", "key")
        .agg(F.collect_list("idx").alias("members"))
        .where(F.size("members") > 1)
        .select("members")
    )
    max_bucket = config.lsh.max_bucket

    def run(frames: Iterator[Any]) -> Iterator[Any]:
        for frame in frames:
            yield bucket_pairs(frame, max_bucket)

    return buckets.mapInPandas(run, "a long, b long").distinct()


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

    grouped = pairs.select("a", "b", group_of())
    touched = (
        pairs.select(group_of(), F.col("a").alias("idx"))
        .union(pairs.select(group_of(), F.col("b").alias("idx")))
        .distinct()
        .join(features, "idx")
    )
    columns = [f.split()[0] for f in _PAIR_SCHEMA.split(", ")]

    def run(docs: Any, asked: Any) -> Any:
        component = component_docs(docs, config.sign.num_perm)
        where = {idx: i for i, idx in enumerate(sorted(docs["idx"].tolist()))}
        left = np.array([where[x] for x in asked["a"]], np.int64)
        right = np.array([where[x] for x in asked["b"]], np.int64)
        corpus = component.corpus()
        detector = Detector(config)
        if prefilter:
            left, right = detector._prefilter(corpus, left, right)
        verified = detector._verify(corpus, Verifier(config, model.value), left, right)
        back = np.array(sorted(where), np.int64)
        out = []
        for i in range(len(verified)):
            a, b, code, scores = verified.row(i)
            out.append((back[a], back[b], code, *[getattr(scores, f)[i] for f in _SCORE_FIELDS]))
        return pd.DataFrame(out, columns=columns)

    verified = touched.groupBy("g").cogroup(grouped.groupBy("g")).applyInPandas(run, _PAIR_SCHEMA)
    return verified.collect()


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
