"""Inputs everywhere: Parquet, gzip and zstd JSON lines, folders of them, for scan on one machine.

The same articles must come out of a plain ``.jsonl`` file and of its
compressed and Parquet forms (ids aside: a record without an id is named by
where it was read), with scan's messages for malformed records.
"""

from __future__ import annotations

import gzip
import json
import re
from datetime import datetime

import pytest
from typer.testing import CliRunner

from newsdedup.cli import app
from newsdedup.errors import InputError
from newsdedup.io import ReadReport, read_articles

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
zstandard = pytest.importorskip("zstandard")

runner = CliRunner()
TEXT = (
    "Defence ministers of the alliance met in Brussels on Tuesday to discuss support for "
    "Ukraine, air defence and the production of ammunition across member states."
)
RECORDS = [
    {"id": "a", "title": "Ministers meet", "text": TEXT, "published": "2024-02-14T10:00:00+00:00"},
    {"id": "b", "text": TEXT + " A wire copy.", "source": "wire"},
    {"id": "c", "text": "Grain ships wait at New Orleans as the river level falls again."},
]


def jsonl_bytes(records) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def write_all_forms(folder):
    folder.mkdir()
    (folder / "plain.jsonl").write_bytes(jsonl_bytes(RECORDS))
    (folder / "feed.jsonl.gz").write_bytes(gzip.compress(jsonl_bytes(RECORDS)))
    (folder / "feed.jsonl.zst").write_bytes(
        zstandard.ZstdCompressor().compress(jsonl_bytes(RECORDS))
    )
    table = pa.table(
        {
            "id": [r["id"] for r in RECORDS],
            "title": [r.get("title") for r in RECORDS],
            "text": [r["text"] for r in RECORDS],
            "source": [r.get("source") for r in RECORDS],
            "published": pa.array(
                [
                    None if "published" not in r else datetime.fromisoformat(r["published"])
                    for r in RECORDS
                ],
                pa.timestamp("us", tz="UTC"),
            ),
        }
    )
    pq.write_table(table, folder / "news.parquet")


@pytest.mark.parametrize("name", ["plain.jsonl", "feed.jsonl.gz", "feed.jsonl.zst", "news.parquet"])
def test_every_form_gives_the_same_articles(tmp_path, name):
    write_all_forms(tmp_path / "in")
    want = list(read_articles([tmp_path / "in" / "plain.jsonl"]))
    got = list(read_articles([tmp_path / "in" / name]))
    assert [(a.id, a.title, a.text, a.source, a.published) for a in got] == [
        (a.id, a.title, a.text, a.source, a.published) for a in want
    ]


def test_a_folder_of_mixed_forms_is_read_in_name_order(tmp_path):
    write_all_forms(tmp_path / "in")
    report = ReadReport()
    with pytest.raises(
        InputError, match=r"feed.jsonl.zst:1: duplicate id 'a' \(first seen at .*feed.jsonl.gz:1\)"
    ):
        list(read_articles([tmp_path / "in"], report=report))
    kept = list(read_articles([tmp_path / "in"], skip_bad=True, report=report))
    assert [a.id for a in kept] == ["a", "b", "c"]
    assert report.files >= 4


def test_scan_finds_the_copy_in_a_gzip_file(tmp_path):
    path = tmp_path / "feed.jsonl.gz"
    path.write_bytes(gzip.compress(jsonl_bytes(RECORDS)))
    result = runner.invoke(app, ["pairs", str(path), "--format", "jsonl", "-q"])
    assert result.exit_code == 0, result.output
    pairs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(p["a"], p["b"]) for p in pairs] == [("a", "b")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "bad.jsonl.gz",
            gzip.compress(b'{"id": "a", "text": "x"}\n{"id": \n'),
            r"bad.jsonl.gz:2: invalid JSON",
        ),
        (
            "cut.jsonl.gz",
            gzip.compress(jsonl_bytes(RECORDS))[:-12],
            r"cut.jsonl.gz: cannot decompress",
        ),
        ("junk.jsonl.zst", b"not zstd at all", r"junk.jsonl.zst: cannot decompress"),
        ("junk.parquet", b"PAR1 nonsense", r"junk.parquet: not a readable Parquet file"),
    ],
)
def test_malformed_compressed_and_parquet_files_are_one_line_errors(
    tmp_path, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(app, ["scan", str(path)])
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and re.search(message, errors[0]), result.output


def test_parquet_without_a_text_column_is_bad_input(tmp_path):
    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"id": ["a"], "body": ["text"]}), path)
    with pytest.raises(InputError, match="x.parquet: Parquet file has no 'text' column"):
        list(read_articles([path]))


def test_a_url_without_its_filesystem_package_is_a_one_line_error():
    pytest.importorskip("fsspec")
    with pytest.raises(InputError, match="s3://bucket/news.parquet"):
        list(read_articles(["s3://bucket/news.parquet"]))


def test_a_memory_url_folder_is_read_through_fsspec():
    fsspec = pytest.importorskip("fsspec")
    fs = fsspec.filesystem("memory")
    fs.pipe("/news/feed.jsonl.gz", gzip.compress(jsonl_bytes(RECORDS)))
    fs.pipe("/news/more.jsonl", jsonl_bytes([{"id": "d", "text": "Another story entirely."}]))
    got = list(read_articles(["memory://news"]))
    assert [a.id for a in got] == ["a", "b", "c", "d"]
