"""``newsdedup spark scan|pairs|dedup``: the batch detector on Apache Spark.

A thin layer over :func:`newsdedup.spark.app.run_command`: the detection
options are the ones ``scan`` takes (same names, same defaults), plus where
Spark runs. Needs ``pip install 'newsdedup[spark]'`` and Java 17+.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from ..errors import ConfigError, NewsDedupError
from ..io import ReadReport
from . import _common as c

spark_app = typer.Typer(
    name="spark",
    help="Run scan, pairs or dedup on Apache Spark (same answers as on one machine).",
    no_args_is_help=True,
)


class SparkFormat(str, Enum):
    parquet = "parquet"
    jsonl = "jsonl"
    table = "table"
    json = "json"


class DedupFormat(str, Enum):
    parquet = "parquet"
    jsonl = "jsonl"


_PANEL = "Spark"
Master = Annotated[
    str,
    typer.Option(
        help="Spark master: local[*], local[N], spark://host:7077, yarn, k8s://...; "
        "under spark-submit its own master is used unless this is given.",
        rich_help_panel=_PANEL,
    ),
]
Partitions = Annotated[
    int,
    typer.Option(
        help="Featurize in this many tasks (0: as the input is split).", rich_help_panel=_PANEL
    ),
]
ShufflePartitions = Annotated[
    int,
    typer.Option(
        help="spark.sql.shuffle.partitions (0: twice the cores, at least 8).",
        rich_help_panel=_PANEL,
    ),
]
CheckpointDir = Annotated[
    str,
    typer.Option(
        help="Reliable checkpoint folder (HDFS/S3 on a cluster); default: local checkpoints.",
        rich_help_panel=_PANEL,
    ),
]
GiantComponent = Annotated[
    int,
    typer.Option(
        help="Components above this many articles are verified by joins, not in one task.",
        rich_help_panel=_PANEL,
    ),
]
Output = Annotated[
    str,
    typer.Option(
        "--output",
        "-o",
        help="Output folder (parquet, jsonl) or file (table, json; '-' for stdout).",
    ),
]


def _run(
    command: str, paths: list[str], output: str, fmt: str, options: c.DetectOptions, spark: dict
) -> None:
    try:
        from ..spark.app import SparkOptions, run_command, summary
    except ImportError:
        raise ConfigError("the Spark engine needs pip install 'newsdedup[spark]'") from None
    report = ReadReport()
    settings = SparkOptions(
        master=spark["master"]
        if spark["master_given"]
        else (None if _submitted() else spark["master"]),
        partitions=spark["partitions"] or None,
        shuffle_partitions=spark["shuffle_partitions"] or None,
        checkpoint_dir=spark["checkpoint_dir"] or None,
        giant_component=spark["giant_component"],
    )
    try:
        done = run_command(
            command,
            paths,
            output,
            fmt,
            options.config,
            settings,
            fields=options.fields,
            skip_bad=options.skip_bad,
            max_article_bytes=int(options.max_article_mb * 1_000_000),
            report=report,
            stdout=sys.stdout if output == "-" else None,
        )
    except NewsDedupError:
        raise
    except Exception as error:  # a failed Spark job: one line, never a JVM traceback
        raise NewsDedupError(f"Spark job failed: {_first_line(error)}") from None
    finally:
        c.print_read_report(report, options.quiet)
    if not options.quiet:
        c.stderr.print(summary(done.stats))


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    for line in text.splitlines():
        if line.strip() and not line.strip().startswith("at "):
            return line.strip()[:300]
    return type(error).__name__


def _submitted() -> bool:
    import os

    return "PYSPARK_GATEWAY_PORT" in os.environ


def _spark_options(
    master: str, partitions: int, shuffle_partitions: int, checkpoint_dir: str, giant_component: int
) -> dict:
    return {
        "master": master,
        "master_given": master != "local[*]",
        "partitions": partitions,
        "shuffle_partitions": shuffle_partitions,
        "checkpoint_dir": checkpoint_dir,
        "giant_component": giant_component,
    }


@spark_app.command("scan")
@c.detection_options
def spark_scan(
    paths: c.Paths,
    output: Output = "-",
    format: Annotated[
        SparkFormat, typer.Option("--format", "-f", help="Output format.")
    ] = SparkFormat.table,
    master: Master = "local[*]",
    partitions: Partitions = 0,
    shuffle_partitions: ShufflePartitions = 0,
    checkpoint_dir: CheckpointDir = "",
    giant_component: GiantComponent = 20_000,
    *,
    options: c.DetectOptions,
) -> None:
    """Clusters of copies (original, member, relation, scores), found on Spark.

    Example:

        newsdedup spark scan archive/ -o clusters.parquet --format parquet --master local[4]
    """
    spark = _spark_options(master, partitions, shuffle_partitions, checkpoint_dir, giant_component)
    _run("scan", paths, output, format.value, options, spark)


@spark_app.command("pairs")
@c.detection_options
def spark_pairs(
    paths: c.Paths,
    output: Output = "-",
    format: Annotated[
        SparkFormat, typer.Option("--format", "-f", help="Output format.")
    ] = SparkFormat.table,
    master: Master = "local[*]",
    partitions: Partitions = 0,
    shuffle_partitions: ShufflePartitions = 0,
    checkpoint_dir: CheckpointDir = "",
    giant_component: GiantComponent = 20_000,
    *,
    options: c.DetectOptions,
) -> None:
    """Every confirmed pair with relation, scores and reason, found on Spark.

    Example:

        newsdedup spark pairs s3://bucket/news/ -o s3://bucket/pairs --format parquet
    """
    spark = _spark_options(master, partitions, shuffle_partitions, checkpoint_dir, giant_component)
    _run("pairs", paths, output, format.value, options, spark)


@spark_app.command("dedup")
@c.detection_options
def spark_dedup(
    paths: c.Paths,
    output: Output = "-",
    format: Annotated[
        DedupFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DedupFormat.jsonl,
    master: Master = "local[*]",
    partitions: Partitions = 0,
    shuffle_partitions: ShufflePartitions = 0,
    checkpoint_dir: CheckpointDir = "",
    giant_component: GiantComponent = 20_000,
    *,
    options: c.DetectOptions,
) -> None:
    """The kept articles (originals and articles without copies) as a folder of JSON lines or Parquet.

    Example:

        newsdedup spark dedup feeds/ -o kept/ --format jsonl
    """
    spark = _spark_options(master, partitions, shuffle_partitions, checkpoint_dir, giant_component)
    _run("dedup", paths, output, format.value, options, spark)
