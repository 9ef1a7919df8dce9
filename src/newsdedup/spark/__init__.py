"""The batch detector on Apache Spark: the same answers as ``scan``, on many machines.

Install with ``pip install 'newsdedup[spark]'`` (needs Java 17+). The stages,
one module each, follow the data:

============  ==============================================================
ingest        input files → article rows, read by newsdedup's own readers
learn         a sample on the driver → boilerplate and common words (broadcast)
featurize     articles → signatures, exact keys, tokens, OCR units, window keys (``mapInArrow``)
idf           document frequencies summed over partitions (``treeReduce``)
exact         identical texts → one representative each
banding       LSH bands of every pass (k-gram, word-set, windows) → star edges
ocrbands      OCR-gram bands → edges of the pairs scan's OCR pre-filter keeps
components    connected components (large-star / small-star, checkpointed)
verify        per component, scan's own passes, verifier, OCR view, clustering (``applyInPandas``)
giant         components too large for one task: pairs verified by join
output        clusters and pairs as DataFrames, written atomically
============  ==============================================================

Example (needs Spark)::

    from pyspark.sql import SparkSession
    from newsdedup.config import DetectorConfig
    from newsdedup.spark import detect

    spark = SparkSession.builder.master("local[2]").getOrCreate()
    articles = spark.createDataFrame([("a", "Some text ..."), ("b", "Some text ...")], "id string, text string")
    clusters, pairs = detect(articles, DetectorConfig())
"""

from __future__ import annotations

from typing import Any

__all__ = ["detect"]


def detect(articles: Any, config: Any = None, **options: Any) -> Any:
    """Clusters and pairs of a Spark DataFrame of articles; see :func:`newsdedup.spark.detect.detect`."""
    from .detect import detect as _detect

    return _detect(articles, config, **options)
