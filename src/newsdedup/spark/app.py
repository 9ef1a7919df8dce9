"""``newsdedup spark scan|pairs|dedup`` as library calls: files in, result folders (or a report) out.

The CLI (``newsdedup.cli.spark``) parses options and calls :func:`run_command`;
everything else — session, reading, detection, writing — happens here, so a
``spark-submit`` job or a notebook can make the same call.

Example (needs Spark)::

    run_command("scan", ["news/"], "clusters.parquet", "parquet", DetectorConfig(),
                SparkOptions(master="local[2]"))
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from ..config import DetectorConfig
from ..errors import ConfigError
from ..io.counters import ReadReport
from ..io.fields import FieldMap
from ..io.render import write_clusters, write_matches
from ..io.writers import atomic_writer
from .detect import GIANT_COMPONENT, SparkRun, run
from .ingest import read_inputs
from .output import collect_result, write_frame
from .session import get_session

__all__ = ["COMMANDS", "FORMATS", "SparkOptions", "run_command", "summary"]

COMMANDS = ("scan", "pairs", "dedup")
#: Heap of the one JVM of a local run (Spark's default, 1g, cannot hold the learning sample of a big input).
LOCAL_DRIVER_MEMORY = "2g"
#: Folder formats (any size) and driver-side formats (small results only).
FORMATS = ("parquet", "jsonl", "table", "json")


@dataclass
class SparkOptions:
    """Where and how Spark runs.

    Attributes:
        master: Spark master URL (``local[*]``, ``spark://host:7077``, ``yarn``,
            ``k8s://...``); None under ``spark-submit`` keeps its master.
        partitions: Tasks for featurisation (default: as the input is split).
        shuffle_partitions: ``spark.sql.shuffle.partitions`` (default 2 × cores, at least 8).
        checkpoint_dir: Reliable checkpoints of the component rounds (default: local ones).
        giant_component: Components above this many articles are verified by joins.
        conf: Any other Spark settings.
    """

    master: str | None = "local[*]"
    partitions: int | None = None
    shuffle_partitions: int | None = None
    checkpoint_dir: str | None = None
    giant_component: int = GIANT_COMPONENT
    conf: dict[str, str] = field(default_factory=dict)

    def session(self) -> tuple[Any, bool]:
        """(session, whether it was started here and should be stopped after the run)."""
        from pyspark.sql import SparkSession

        existed = SparkSession.getActiveSession() is not None
        conf = dict(self.conf)
        if (self.master or "").startswith("local"):
            conf.setdefault("spark.driver.memory", LOCAL_DRIVER_MEMORY)
        if self.shuffle_partitions:
            conf["spark.sql.shuffle.partitions"] = str(self.shuffle_partitions)
        spark = get_session(self.master, conf=conf)
        if not self.shuffle_partitions and "spark.sql.shuffle.partitions" not in self.conf:
            cores = spark.sparkContext.defaultParallelism
            spark.conf.set("spark.sql.shuffle.partitions", str(max(8, 2 * cores)))
        if self.checkpoint_dir:
            spark.sparkContext.setCheckpointDir(self.checkpoint_dir)
        return spark, not existed


def _scores() -> list[str]:
    return ["jaccard", "containment", "cosine", "numbers"]


def _write_scan(done: SparkRun, output: str, fmt: str, out: TextIO | None, config: Any) -> None:
    if fmt in ("parquet", "jsonl"):
        write_frame(done.clusters.orderBy("cluster", "position"), output, fmt)
        return
    result = collect_result(done.clusters, done.pairs, done.stats, config)
    _report(output, lambda stream: write_clusters(result, fmt, stream), out)


def _write_pairs(done: SparkRun, output: str, fmt: str, out: TextIO | None, config: Any) -> None:
    if fmt in ("parquet", "jsonl"):
        ordered = done.pairs.orderBy("a_idx", "position")
        write_frame(ordered.select("a", "b", "relation", *_scores(), "reason"), output, fmt)
        return
    result = collect_result(done.clusters, done.pairs, done.stats, config)
    _report(output, lambda stream: write_matches(result.matches, fmt, stream), out)


def _write_dedup(done: SparkRun, articles: Any, output: str, fmt: str) -> None:
    from pyspark.sql import functions as F

    # The keep/drop rule of newsdedup.api.dedup_plan: every cluster member goes, the rest stays.
    copies = done.clusters.select("id").distinct()
    kept = articles.join(copies, "id", "left_anti").orderBy("idx")
    done.stats["kept"] = kept.count()
    if fmt == "jsonl":
        write_frame(kept.select(F.col("record").alias("value")), output, "text")
    else:
        when = F.timestamp_micros((F.col("published") * 1e6).cast("long")).alias("published")
        write_frame(kept.select("id", "title", "text", "source", when), output, "parquet")


def _report(output: str, write: Any, out: TextIO | None) -> None:
    if out is not None:
        write(out)
        return
    with atomic_writer(output) as stream:
        write(stream)


def run_command(
    command: str,
    paths: list[str],
    output: str,
    fmt: str,
    config: DetectorConfig,
    options: SparkOptions,
    *,
    fields: FieldMap = FieldMap(),  # noqa: B008 (frozen)
    skip_bad: bool = False,
    max_article_bytes: int = 10_000_000,
    report: ReadReport | None = None,
    stdout: TextIO | None = None,
) -> SparkRun:
    """Run one command on Spark and write its output.

    Args:
        command: ``scan`` (clusters), ``pairs`` (confirmed pairs) or ``dedup`` (kept articles).
        output: A folder (parquet, jsonl) or a file (table, json); ``-`` with
            ``stdout`` for table and json on standard output.

    Raises:
        ConfigError: Unknown command or format, or a format the command cannot write.
        InputError, NoArticlesError, OutputError, BackendUnavailable: as their names say.
    """
    if command not in COMMANDS or fmt not in FORMATS:
        raise ConfigError(f"unknown command or format: {command} --format {fmt}")
    if command == "dedup" and fmt not in ("parquet", "jsonl"):
        raise ConfigError("spark dedup writes parquet or jsonl")
    if fmt in ("parquet", "jsonl") and output == "-":
        raise ConfigError(f"--format {fmt} writes a folder: give it with -o")
    started = time.perf_counter()
    spark, created = options.session()
    try:
        done = _run_on(
            spark,
            command,
            paths,
            output,
            fmt,
            config,
            options,
            fields,
            skip_bad,
            max_article_bytes,
            report,
            stdout,
        )
    finally:
        if created:
            spark.stop()
    done.stats["seconds"] = round(time.perf_counter() - started, 3)
    return done


def _run_on(
    spark: Any,
    command: str,
    paths: list[str],
    output: str,
    fmt: str,
    config: DetectorConfig,
    options: SparkOptions,
    fields: FieldMap,
    skip_bad: bool,
    max_article_bytes: int,
    report: ReadReport | None,
    stdout: TextIO | None,
) -> SparkRun:
    articles = read_inputs(
        spark,
        paths,
        fields=fields,
        skip_bad=skip_bad,
        max_article_bytes=max_article_bytes,
        report=report,
        keep_records=command == "dedup" and fmt == "jsonl",
    )
    done = run(
        articles,
        config,
        partitions=options.partitions,
        giant_component=options.giant_component,
    )
    out = stdout if output == "-" else None
    if command == "scan":
        _write_scan(done, output, fmt, out, config)
    elif command == "pairs":
        _write_pairs(done, output, fmt, out, config)
    else:
        _write_dedup(done, articles, output, fmt)
    done.stats.update(_counts(done))
    return done


def _counts(done: SparkRun) -> dict[str, int]:
    from pyspark.sql import functions as F

    row = done.clusters.agg(
        F.countDistinct("cluster").alias("clusters"), F.count("*").alias("duplicates")
    ).first()
    counts = {"clusters": int(row["clusters"]), "duplicates": int(row["duplicates"])}
    for r in done.pairs.groupBy("relation").count().collect():
        counts[f"matches_{r['relation']}"] = int(r["count"])
    return counts


def summary(stats: dict[str, Any]) -> str:
    """The summary line of a Spark run, worded as ``scan``'s.

    Example:
        >>> summary({"articles": 6, "clusters": 1, "duplicates": 1, "matches_partial": 1, "seconds": 9.5})
        '6 articles: 1 cluster, 1 duplicate (1 partial pair); 9.50 s'
    """
    from ..io.render import summary_line
    from ..models import Cluster, Member, Relation, Result, Scores

    dummy = Member("", Relation.EXACT, Scores(1, 1, 1))
    sizes = [1] * stats.get("clusters", 0)
    if sizes:
        sizes[0] += stats.get("duplicates", 0) - len(sizes)
    clusters = [Cluster(i, "", [dummy] * n) for i, n in enumerate(sizes)]
    result = Result(stats.get("articles", 0), clusters, [], stats)
    line = summary_line(result, stats.get("seconds", 0.0))
    return line if "kept" not in stats else f"{line}; kept {stats['kept']}"
