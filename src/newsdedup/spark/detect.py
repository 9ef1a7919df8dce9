"""The Spark detector: a DataFrame of articles in, clusters and pairs DataFrames out.

:func:`detect` reads like :meth:`newsdedup.batch.pipeline.Detector.run`, one
Spark stage per line; every rule is the batch detector's own code, run on
executors, so the answers equal ``scan``'s.

Example (needs Spark)::

    clusters, pairs = detect(spark.read.parquet("news/"), DetectorConfig())
    clusters.write.parquet("clusters/")
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..config import DetectorConfig
from ..errors import InputError, NoArticlesError
from ..models import Article
from ..text.learn import learn_from_sample
from .banding import band_rows, star_edges
from .components import connected_components, pin
from .exact import assign_representatives
from .featurize import ROBUST_COLUMNS, featurize
from .giant import verify_giants
from .idf import corpus_model
from .ocrbands import ocr_edges
from .verify import verify_components

__all__ = ["GIANT_COMPONENT", "SparkRun", "detect", "run"]

#: Components of more documents than this are verified pair by pair (joins), not in one task.
GIANT_COMPONENT = 20_000


@dataclass
class SparkRun:
    """What a Spark detection produced: the two DataFrames and counters for the summary."""

    clusters: Any
    pairs: Any
    stats: dict[str, Any] = field(default_factory=dict)


def _prepared(articles: Any) -> Any:
    """Articles with idx (input position), id, text, title, source and published (POSIX seconds)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import DateType, NumericType, TimestampType

    names = set(articles.columns)
    if not {"id", "text"} <= names:
        raise InputError("the articles DataFrame needs 'id' and 'text' columns")
    if "idx" not in names:
        from pyspark.sql.types import LongType, StructField, StructType

        indexed = articles.rdd.zipWithIndex().map(lambda pair: (*pair[0], pair[1]))
        schema = StructType([*articles.schema.fields, StructField("idx", LongType())])
        articles = articles.sparkSession.createDataFrame(indexed, schema)
    columns = [F.col("idx").cast("long"), F.col("id").cast("string"), F.col("text")]
    for name in ("title", "source"):
        columns.append(
            F.col(name).cast("string") if name in names else F.lit(None).cast("string").alias(name)
        )
    published = F.lit(None).cast("double")
    if "published" in names:
        kind = articles.schema["published"].dataType
        if isinstance(kind, (TimestampType, DateType)):
            published = F.unix_micros(F.col("published").cast("timestamp")) / 1e6
        elif isinstance(kind, NumericType):
            published = F.col("published").cast("double")
        else:
            raise InputError("column 'published' must be a timestamp, a date or POSIX seconds")
    return articles.select(*columns, published.alias("published"))


def _learn(articles: Any, config: DetectorConfig) -> Any:
    """Boilerplate and common words from the first articles (as ``scan`` samples them)."""
    size = config.normalize.boilerplate_sample
    rows = articles.where(articles.idx < size).select("idx", "id", "text", "title", "source")
    # Streamed partition by partition: the sample can be a few hundred MB of text.
    sample = rows.orderBy("idx").toLocalIterator()
    return learn_from_sample(
        [Article(r["id"], r["text"], title=r["title"], source=r["source"]) for r in sample], config
    )


def _document_components(exact: Any, labels: Any) -> Any:
    """(idx, comp) of every document to verify: representatives with edges, and exact twins."""
    from pyspark.sql import functions as F

    twins = exact.where(F.col("idx") != F.col("rep")).select("idx", "rep")
    rep_labels = labels.select(F.col("idx").alias("rep"), F.col("comp"))
    twin_comp = twins.join(rep_labels, "rep", "left").select(
        "idx", F.coalesce("comp", "rep").alias("comp")
    )
    lonely = (
        twins.select(F.col("rep").alias("idx"))
        .distinct()
        .join(labels, "idx", "left_anti")
        .select("idx", F.col("idx").alias("comp"))
    )
    return labels.unionByName(twin_comp).unionByName(lonely)


def _check_unique(articles: Any) -> None:
    from pyspark.sql import functions as F

    repeated = articles.groupBy("id").count().where(F.col("count") > 1).limit(1).collect()
    if repeated:
        raise InputError(f"duplicate id {repeated[0]['id']!r}")


def run(
    articles: Any,
    config: DetectorConfig | None = None,
    *,
    partitions: int | None = None,
    giant_component: int = GIANT_COMPONENT,
    observe: Callable[[str], None] | None = None,
) -> SparkRun:
    """Detect copies among the rows of ``articles`` (see :func:`detect`), with counters.

    Each stage's Spark jobs run in a job group named after it (``learn``,
    ``featurize``, ``idf``, ``banding``, ``components``, ``verify``), so the
    Spark UI and its REST API show what each stage shuffled; ``observe`` is
    called with a stage's name as it starts (and ``"done"`` at the end).
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    config = config or DetectorConfig()
    spark = articles.sparkSession
    sc = spark.sparkContext
    clock, stats = time.perf_counter(), {}

    def lap(name: str, following: str) -> None:
        nonlocal clock
        stats[f"{name}_s"] = round(time.perf_counter() - clock, 3)
        clock = time.perf_counter()
        sc.setJobGroup(following, f"newsdedup {following}")
        if observe:
            observe(following)

    sc.setJobGroup("learn", "newsdedup learn")
    if observe:
        observe("learn")
    prepared = _prepared(articles).persist(StorageLevel.MEMORY_AND_DISK)
    _check_unique(prepared)
    learned = sc.broadcast(_learn(prepared, config))
    lap("learn", "featurize")
    source = prepared.repartition(partitions) if partitions else prepared
    features = featurize(source, config, learned).persist(StorageLevel.MEMORY_AND_DISK)
    n_articles = features.count()
    if n_articles == 0:
        raise NoArticlesError("no articles to compare")
    prepared.unpersist()
    lap("featurize", "idf")
    model = sc.broadcast(corpus_model(features))
    lap("idf", "banding")
    exact = assign_representatives(features).persist(StorageLevel.MEMORY_AND_DISK)
    reps = features.join(exact.where(F.col("idx") == F.col("rep")).select("idx"), "idx")
    edges = star_edges(band_rows(reps, config, ocr=False))
    if config.lsh.ocr_pass:
        edges = edges.unionByName(ocr_edges(reps, config)).distinct()
    edges = pin(edges, 0)
    lap("banding", "components")
    labels, rounds = connected_components(edges)
    comps = _document_components(exact, labels).persist(StorageLevel.MEMORY_AND_DISK)
    sizes = comps.groupBy("comp").count()
    size_row = sizes.agg(
        F.max("count").alias("largest"),
        F.sum((F.col("count") > giant_component).cast("int")).alias("giants"),
        F.count("*").alias("components"),
    ).first()
    largest = size_row["largest"] or 0
    lap("components", "verify")
    docs = _component_rows(comps, exact, features)
    small = docs.join(sizes.where(F.col("count") <= giant_component).select("comp"), "comp")
    rows = verify_components(small, config, model)
    if largest > giant_component:
        giants = docs.join(sizes.where(F.col("count") > giant_component).select("comp"), "comp")
        rows = rows.unionByName(verify_giants(giants, config, model))
    rows = rows.persist(StorageLevel.MEMORY_AND_DISK)
    clusters, pairs = _outputs(rows)
    n_rows = rows.count()
    lap("verify", "done")
    empty = features.where(F.col("exact_key") == 0).count()
    stats.update(
        articles=n_articles,
        empty=empty,
        cc_rounds=rounds,
        largest_component=int(largest),
        components=int(size_row["components"]),
        giant_components=int(size_row["giants"] or 0),
        result_rows=n_rows,
    )
    return SparkRun(clusters, pairs, stats)


def _component_rows(comps: Any, exact: Any, features: Any) -> Any:
    """Rows to verify: features of representatives; key and length only for exact twins."""
    from pyspark.sql import functions as F

    joined = comps.join(exact.select("idx", "rep"), "idx").join(features, "idx")
    twin = F.col("idx") != F.col("rep")
    heavy = ["sig", "wsig", "tokens", "flags", *ROBUST_COLUMNS]
    return joined.select(
        "comp",
        "idx",
        "id",
        "published",
        "length",
        "exact_key",
        *[F.when(twin, F.lit(None)).otherwise(F.col(c)).alias(c) for c in heavy],
    )


def _outputs(rows: Any) -> tuple[Any, Any]:
    """The clusters DataFrame (numbered by the original's input position) and the pairs DataFrame."""
    from pyspark.sql import functions as F

    scores = ["jaccard", "containment", "cosine", "numbers"]
    members = rows.where(F.col("kind") == "c")
    originals = members.select("a_idx").distinct()
    numbered = rows.sparkSession.createDataFrame(
        originals.rdd.map(lambda r: r[0]).sortBy(lambda x: x).zipWithIndex(),
        "a_idx long, cluster long",
    )
    clusters = members.join(numbered, "a_idx").select(
        "cluster",
        F.col("a").alias("original"),
        F.col("b").alias("id"),
        "position",
        "relation",
        *scores,
    )
    pairs = rows.where(F.col("kind") == "m").select(
        "a", "b", "relation", *scores, "reason", "a_idx", "position"
    )
    return clusters, pairs


def detect(articles: Any, config: DetectorConfig | None = None, **options: Any) -> tuple[Any, Any]:
    """Clusters and confirmed pairs of a Spark DataFrame of articles.

    Args:
        articles: Columns ``id`` and ``text`` (strings), optionally ``title``,
            ``source`` and ``published`` (timestamp, date or POSIX seconds)
            and ``idx`` (input position; row order otherwise). Boilerplate
            and common words are learned on the first rows, as ``scan`` does.
        config: Detector settings (the defaults suit news).
        options: ``partitions`` (featurize in this many tasks),
            ``giant_component`` (larger components are verified by joins).

    Returns:
        ``(clusters, pairs)``: clusters has one row per copy (``cluster,
        original, id, position, relation, jaccard, containment, cosine,
        numbers``), numbered by the original's input position; pairs has one
        row per confirmed pair, templated look-alikes included (``a, b,
        relation, scores..., reason``), ``a`` the better original.
    """
    result = run(articles, config, **options)
    return result.clusters, result.pairs
