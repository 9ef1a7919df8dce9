"""``newsdedup spark scan|pairs|dedup``: the batch detector on Apache Spark.

A thin layer over :func:`newsdedup.spark.app.run_command`: the detection and
input options are ``scan``'s (the same option groups), plus where and how
Spark runs. Needs ``pip install 'newsdedup[spark]'`` and Java 17+.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
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
        help="Reliable checkpoint folder (HDFS, S3, GCS on a cluster); default: local checkpoints.",
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
Conf = Annotated[
    list[str] | None,
    typer.Option(
        "--conf",
        help="Any Spark setting as KEY=VALUE (repeatable), e.g. spark.driver.memory=4g.",
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
Format = Annotated[SparkFormat, typer.Option("--format", "-f", help="Output format.")]


@dataclass(frozen=True)
class SparkCliOptions:
    """Where and how Spark runs (the ``Spark`` panel of every ``spark`` command)."""

    master: Master = "local[*]"
    partitions: Partitions = 0
    shuffle_partitions: ShufflePartitions = 0
    checkpoint_dir: CheckpointDir = ""
    giant_component: GiantComponent = 20_000
    conf: Conf = None

    def settings(self):  # -> newsdedup.spark.app.SparkOptions (pyspark imported lazily)
        from ..spark.app import SparkOptions

        submitted = "PYSPARK_GATEWAY_PORT" in os.environ
        return SparkOptions(
            master=None if submitted and self.master == "local[*]" else self.master,
            partitions=self.partitions or None,
            shuffle_partitions=self.shuffle_partitions or None,
            checkpoint_dir=self.checkpoint_dir or None,
            giant_component=self.giant_component,
            conf=dict(_setting(item) for item in self.conf or []),
        )


def _setting(item: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--conf takes KEY=VALUE, not {item!r}")
    return key.strip(), value.strip()


def _first_line(error: BaseException) -> str:
    for line in str(error).strip().splitlines():
        if line.strip() and not line.strip().startswith("at "):
            return line.strip()[:300]
    return type(error).__name__


def _run(
    command: str,
    paths: list[str],
    output: str,
    fmt: str,
    quiet: bool,
    detection: c.DetectionOptions,
    inputs: c.InputOptions,
    spark: SparkCliOptions,
) -> None:
    try:
        from ..spark.app import run_command, summary
    except ImportError:
        raise ConfigError("the Spark engine needs pip install 'newsdedup[spark]'") from None
    report = ReadReport()
    try:
        done = run_command(
            command,
            paths,
            output,
            fmt,
            detection.config(),
            spark.settings(),
            fields=inputs.fields(),
            skip_bad=inputs.skip_bad,
            max_article_bytes=int(inputs.max_article_mb * 1_000_000),
            report=report,
            stdout=sys.stdout if output == "-" else None,
        )
    except NewsDedupError:
        raise
    except Exception as error:  # a failed Spark job: one line, never a JVM traceback
        raise NewsDedupError(f"Spark job failed: {_first_line(error)}") from None
    finally:
        c.print_read_report(report, quiet)
    if not quiet:
        c.stderr.print(summary(done.stats))


@spark_app.command("scan")
@c.command
def spark_scan(
    paths: c.Paths,
    output: Output = "-",
    format: Format = SparkFormat.table,
    quiet: c.Quiet = False,
    *,
    detection: c.DetectionOptions,
    inputs: c.InputOptions,
    spark: SparkCliOptions,
) -> None:
    """Clusters of copies (original, member, relation, scores), found on Spark.

    Example:

        newsdedup spark scan archive/ -o clusters.parquet --format parquet --master local[4]
    """
    _run("scan", paths, output, format.value, quiet, detection, inputs, spark)


@spark_app.command("pairs")
@c.command
def spark_pairs(
    paths: c.Paths,
    output: Output = "-",
    format: Format = SparkFormat.table,
    quiet: c.Quiet = False,
    *,
    detection: c.DetectionOptions,
    inputs: c.InputOptions,
    spark: SparkCliOptions,
) -> None:
    """Every confirmed pair with relation, scores and reason, found on Spark.

    Example:

        newsdedup spark pairs s3://bucket/news/ -o s3://bucket/pairs --format parquet
    """
    _run("pairs", paths, output, format.value, quiet, detection, inputs, spark)


@spark_app.command("dedup")
@c.command
def spark_dedup(
    paths: c.Paths,
    output: Output = "-",
    format: Annotated[
        DedupFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DedupFormat.jsonl,
    quiet: c.Quiet = False,
    *,
    detection: c.DetectionOptions,
    inputs: c.InputOptions,
    spark: SparkCliOptions,
) -> None:
    """The kept articles (originals and articles without copies), as a folder of JSON lines or Parquet.

    Example:

        newsdedup spark dedup feeds/ -o kept/ --format jsonl
    """
    _run("dedup", paths, output, format.value, quiet, detection, inputs, spark)
