"""The Spark engine gives scan's answers: same clusters (with originals), same pairs and scores.

Runs Spark for real (``local[2]`` in this process, ``local-cluster[2,1,1024]``
in a subprocess), on a generated corpus of 1,200 articles with every kind of
copy, plus a scanned (OCR-damaged) copy and a dispatch quoted inside an article
three times longer that only scan's OCR and window passes find; checked
against the single-machine detector at its defaults (every pass), never
against stored output.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdedup.config import DetectorConfig

pytest.importorskip("pyspark", reason="the spark extra is not installed")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Java 17+ is not installed", allow_module_level=True)

from newsdedup import Article, Detector
from newsdedup.cli import app
from newsdedup.io import read_articles
from newsdedup.spark.detect import run
from newsdedup.spark.ingest import read_inputs
from newsdedup.spark.session import get_session

pytestmark = [pytest.mark.spark, pytest.mark.timeout(900)]
runner = CliRunner()
SIZE = 1200


#: Scan with only its word passes: it misses the scanned copy and the quoted dispatch below.
WORD_PASSES = DetectorConfig.from_options(no_ocr=True, no_windows=True)
#: Look-alikes an OCR engine confuses (as the benchmark corpus's OCR noise).
LOOKALIKES = {"o": "0", "l": "1", "e": "o", "m": "rn", "i": "l"}


def scanned_copy(text: str) -> str:
    """``text`` as a poor scan reads it: every third word misread, every eleventh space lost."""
    out = []
    for n, word in enumerate(text.split(" ")):
        out.append("".join(LOOKALIKES.get(c, c) for c in word) if n % 3 == 1 else word)
        out.append("" if n % 11 == 5 else " ")
    return "".join(out).strip()


def passes_articles(bank) -> list[Article]:
    """A dispatch and its scanned copy; a dispatch and an article quoting it whole (3× longer).

    Seed 4 draws sentences on which scan's word passes find neither pair
    (checked in the test): the OCR pass finds the first, the window pass the second.
    """
    rng = random.Random(4)

    def text(topic: str, words: int) -> str:
        return " ".join(bank.sample(rng, topic, words))

    dispatch = text("bbc-business", 220)
    quoted = text("bbc-politics", 160)
    longer = "\n\n".join([text("bbc-sport", 160), quoted, text("bbc-tech", 170)])
    return [
        Article("x-dispatch", dispatch),
        Article("x-scanned", scanned_copy(dispatch)),
        Article("x-quoted", quoted),
        Article("x-longer", longer),
    ]


#: (original, copy, relation) scan finds among :func:`passes_articles`, its word passes do not.
PASSES_PAIRS = {("x-dispatch", "x-scanned", "near"), ("x-longer", "x-quoted", "partial")}


@pytest.fixture(scope="module")
def extra(sentence_bank) -> list[Article]:
    return passes_articles(sentence_bank)


@pytest.fixture(scope="module")
def corpus(sentence_bank, extra, tmp_path_factory) -> Path:
    from benchmarks.corpus.build import write_corpus

    out = tmp_path_factory.mktemp("spark-corpus")
    write_corpus(out, SIZE, 11, sentence_bank)
    with (out / "articles.jsonl").open("a") as f:
        for article in extra:
            f.write(json.dumps({"id": article.id, "text": article.text}) + "\n")
    return out / "articles.jsonl"


@pytest.fixture(scope="module")
def spark():
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = get_session(
        "local[2]",
        conf={"spark.sql.shuffle.partitions": "4", "spark.default.parallelism": "2"},
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def scanned(corpus):
    return Detector().run(read_articles([corpus]))


def scores(s) -> tuple:
    return (s.jaccard, s.containment, s.cosine, s.numbers)


def cluster_rows(result) -> set[tuple]:
    return {
        (c.id, c.original, m.id, i, m.relation.value, *scores(m.scores))
        for c in result.clusters
        for i, m in enumerate(c.members)
    }


def pair_rows(matches) -> set[tuple]:
    return {(m.a, m.b, m.relation.value, *scores(m.scores), m.reason) for m in matches}


def test_same_clusters_and_pairs_as_scan_with_giant_components_joined(spark, corpus, scanned):
    articles = read_inputs(spark, [str(corpus)])
    done = run(articles, giant_component=6)
    assert done.stats["articles"] == SIZE + 4
    # Both verification paths ran: components in one task, and larger ones by join.
    assert done.stats["giant_components"] > 0
    assert done.stats["components"] > done.stats["giant_components"]
    got_clusters = {
        (
            r.cluster,
            r.original,
            r.id,
            r.position,
            r.relation,
            r.jaccard,
            r.containment,
            r.cosine,
            r.numbers,
        )
        for r in done.clusters.collect()
    }
    got_pairs = {
        (r.a, r.b, r.relation, r.jaccard, r.containment, r.cosine, r.numbers, r.reason)
        for r in done.pairs.collect()
    }
    want_clusters = cluster_rows(scanned)
    assert len(scanned.clusters) > 100
    assert {m.relation.value for m in scanned.matches} >= {
        "exact",
        "near",
        "partial",
        "rewrite",
        "template",
    }
    assert got_clusters == want_clusters
    assert got_pairs == pair_rows(scanned.matches)
    # The OCR and window passes ran on Spark too: the pairs only they find are there.
    assert {(m.a, m.b, m.relation.value) for m in scanned.matches} >= PASSES_PAIRS
    assert {(r[0], r[1], r[2]) for r in got_pairs} >= PASSES_PAIRS


def test_the_scanned_copy_and_the_quoted_dispatch_need_the_ocr_and_window_passes(extra):
    alone = Detector().run(extra)
    assert {(m.a, m.b, m.relation.value) for m in alone.matches} == PASSES_PAIRS
    assert alone.stats["window_pairs"] >= 1 and alone.stats["ocr_pairs"] >= 1
    assert Detector(WORD_PASSES).run(extra).matches == []


def test_dedup_and_bad_input_from_the_cli_match_scan(spark, tmp_path):
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    folder = tmp_path / "in"
    shutil.copytree(seeds, folder)
    first = sorted(folder.glob("*.txt"))[1]
    (folder / "copy.txt").write_text("Source: wire\n\n" + first.read_text())
    kept_dir = tmp_path / "kept"
    spark_run = runner.invoke(
        app, ["spark", "dedup", str(folder), "-o", str(kept_dir), "--master", "local[2]", "-q"]
    )
    assert spark_run.exit_code == 0, spark_run.output
    local = runner.invoke(app, ["dedup", str(folder), "-o", str(tmp_path / "kept.jsonl"), "-q"])
    assert local.exit_code == 0, local.output
    lines = [
        line for part in sorted(kept_dir.glob("part-*")) for line in part.read_text().splitlines()
    ]
    want = (tmp_path / "kept.jsonl").read_text().splitlines()
    assert len(want) == 5  # six articles, the copy removed
    assert lines == want

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "One story here."}\n{"id": "b", "text": \n')
    out_dir = tmp_path / "never"
    on_spark = runner.invoke(
        app,
        ["spark", "scan", str(bad), "-o", str(out_dir), "-f", "parquet", "--master", "local[2]"],
    )
    on_one = runner.invoke(app, ["scan", str(bad)])
    assert on_spark.exit_code == on_one.exit_code == 2
    error = [line for line in on_one.output.splitlines() if line.startswith("Error:")]
    assert error and f"{bad}:2: invalid JSON" in error[0]
    assert error[0] in on_spark.output.splitlines()
    assert not out_dir.exists()

    skipped = runner.invoke(
        app, ["spark", "scan", str(bad), "--skip-bad", "--master", "local[2]", "-f", "json"]
    )
    assert skipped.exit_code == 0, skipped.output
    assert f"{bad}:2: invalid JSON" in skipped.output
    assert json.loads(skipped.stdout[skipped.stdout.index("{") :])["articles"] == 1


def test_a_failed_job_leaves_no_output_folder(spark, tmp_path):
    from pyspark.sql import functions as F
    from pyspark.sql.types import LongType

    from newsdedup.errors import OutputError
    from newsdedup.spark.output import write_frame

    def explode_on_7(x):
        if x == 7:
            raise ValueError("task failure")
        return x

    frame = spark.range(20, numPartitions=4).select(
        F.udf(explode_on_7, LongType())("id").alias("id")
    )
    target = tmp_path / "result"
    with pytest.raises(OutputError):
        write_frame(frame, str(target), "parquet")
    assert list(tmp_path.iterdir()) == []


def test_pairs_on_two_executor_jvms_equal_scan(corpus, tmp_path):
    # A third of the corpus keeps this run short; scan runs on the very same file.
    part = tmp_path / "part.jsonl"
    part.write_text("".join(corpus.read_text().splitlines(keepends=True)[:400]))
    scanned = Detector().run(read_articles([part]))
    assert len(scanned.matches) > 50
    out = tmp_path / "pairs"
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsdedup",
            "spark",
            "pairs",
            str(part),
            "-o",
            str(out),
            "-f",
            "parquet",
            "--master",
            "local-cluster[2,1,1024]",
            "--shuffle-partitions",
            "4",
            "-q",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    import pyarrow.parquet as pq

    table = pq.read_table(out).to_pylist()
    got = {
        (
            r["a"],
            r["b"],
            r["relation"],
            r["jaccard"],
            r["containment"],
            r["cosine"],
            r["numbers"],
            r["reason"],
        )
        for r in table
    }
    assert got == pair_rows(scanned.matches)


def test_java_missing_and_master_unreachable_are_one_line_errors(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Some news.")
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "PYSPARK_GATEWAY_PORT")}
    env["PATH"] = str(Path(sys.executable).parent)  # python and newsdedup, no java
    no_java = subprocess.run(
        [sys.executable, "-m", "newsdedup", "spark", "scan", str(article)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert no_java.returncode == 2
    assert no_java.stderr.strip().startswith("Error: Spark needs Java 17+")
    assert len(no_java.stderr.strip().splitlines()) == 1
    unreachable = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsdedup",
            "spark",
            "scan",
            str(article),
            "--master",
            "spark://127.0.0.1:9",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert unreachable.returncode == 3
    assert unreachable.stderr.strip() == "Error: Spark master spark://127.0.0.1:9 is unreachable"
