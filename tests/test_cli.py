"""The command line: outputs people and scripts read, errors as one line, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from newsdedup.cli import app

runner = CliRunner()


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


@pytest.fixture()
def corpus_dir(tmp_path, seed_paths, republished):
    for path in seed_paths:
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "copy.txt").write_text(republished.text, encoding="utf-8")
    (tmp_path / "mirror.txt").write_text(
        seed_paths[0].read_text(encoding="utf-8"), encoding="utf-8"
    )
    return tmp_path


def test_scan_seeds_reports_no_duplicates(seed_paths):
    result = run("scan", str(seed_paths[0].parent), "--format", "table")
    assert result.exit_code == 0, result.output
    assert "No duplicates found." in result.stdout
    assert "5 articles: 0 clusters, 0 duplicates" in result.stderr
    piped = run("scan", str(seed_paths[0].parent))  # not a terminal: plain, saying the same
    assert piped.exit_code == 0 and piped.stdout == "No duplicates found.\n"
    assert "5 articles: 0 clusters, 0 duplicates" in piped.stderr


def test_scan_json_clusters(corpus_dir):
    result = run("scan", str(corpus_dir), "--format", "json", "-q")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["articles"] == 7 and data["duplicates"] == 2
    by_original = {c["original"].rsplit("/", 1)[-1]: c for c in data["clusters"]}
    assert [m["relation"] for m in by_original["000_3e03bc9e3725dfef.txt"]["members"]] == ["exact"]
    (copy,) = by_original["001_0665e2edcf6d3228.txt"]["members"]
    assert copy["id"].endswith("copy.txt") and copy["relation"] in ("near", "partial")
    assert 0.9 < copy["containment"] <= 1.0
    assert result.stderr == ""


def test_scan_csv_and_jsonl_agree_with_json(corpus_dir):
    as_json = json.loads(run("scan", str(corpus_dir), "-f", "json", "-q").stdout)
    rows = list(csv.DictReader(io.StringIO(run("scan", str(corpus_dir), "-f", "csv", "-q").stdout)))
    lines = [
        json.loads(x) for x in run("scan", str(corpus_dir), "-f", "jsonl", "-q").stdout.splitlines()
    ]
    assert lines == as_json["clusters"]
    assert [r["id"] for r in rows if r["role"] == "copy"] == [
        m["id"] for c in lines for m in c["members"]
    ]
    assert {r["cluster"] for r in rows} == {str(c["cluster"]) for c in lines}


def test_pairs_lists_confirmed_matches_with_reasons(corpus_dir):
    result = run("pairs", str(corpus_dir), "-f", "json", "-q")
    pairs = json.loads(result.stdout)
    assert sorted(p["relation"] for p in pairs) in (["exact", "near"], ["exact", "partial"])
    assert all(p["reason"] for p in pairs)


def test_dedup_writes_kept_and_removed(corpus_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = run(
        "dedup",
        str(corpus_dir),
        "-o",
        str(out / "kept.jsonl"),
        "--removed",
        str(out / "removed.jsonl"),
    )
    assert result.exit_code == 0, result.output
    kept = [json.loads(x) for x in (out / "kept.jsonl").read_text().splitlines()]
    removed = [json.loads(x) for x in (out / "removed.jsonl").read_text().splitlines()]
    assert len(kept) == 5 and len(removed) == 2
    assert {r["id"].rsplit("/", 1)[-1] for r in removed} == {"copy.txt", "mirror.txt"}
    assert {r["duplicate_of"].rsplit("/", 1)[-1] for r in removed} == {
        "000_3e03bc9e3725dfef.txt",
        "001_0665e2edcf6d3228.txt",
    }
    assert all(r["text"] for r in kept)
    assert "kept 5, removed 2" in result.stderr


def test_dedup_reads_stdin(tmp_path):
    lines = [
        json.dumps({"id": f"a{i}", "text": t})
        for i, t in enumerate(
            ["the same wire story about ministers meeting in brussels today"] * 2 + ["other news"]
        )
    ]
    result = run("dedup", "-", "-q", input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["a0", "a2"]


def test_dedup_passes_json_lines_records_through_byte_for_byte(tmp_path):
    story = "the same wire story about ministers meeting in brussels today to talk about defence"
    lines = [
        '{"text": "STORY", "id": "a0", "published": "2005-01-01",  "x": [1, 2]}',
        '{"id": "a1", "text": "STORY", "published": "2005-01-02"}',
        '{"id": "a2", "text": "other news entirely, nothing alike", "note": "caf\u00e9 ☕"}',
    ]
    lines = [line.replace("STORY", story) for line in lines]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(lines[:2]) + "\n\n" + lines[2] + "\n", encoding="utf-8")
    kept, removed = tmp_path / "kept.jsonl", tmp_path / "removed.jsonl"
    result = run("dedup", str(feed), "-o", str(kept), "--removed", str(removed), "-q")
    assert result.exit_code == 0, result.output
    # Kept records are the input lines, unchanged: key order, spacing, escapes and dates as written.
    assert kept.read_text(encoding="utf-8") == lines[0] + "\n" + lines[2] + "\n"
    # A removed record keeps its own fields as written and gains what it duplicates.
    gone = json.loads(removed.read_text(encoding="utf-8"))
    assert list(gone)[:3] == ["id", "text", "published"] and gone["published"] == "2005-01-02"
    assert gone["duplicate_of"] == "a0" and gone["relation"] == "exact"


def test_compare_shows_low_scores_and_why(seed_paths):
    result = run("compare", str(seed_paths[0]), str(seed_paths[3]))
    assert result.exit_code == 0, result.output
    assert "Relation: not a copy" in result.stdout
    assert "Why: not a copy" in result.stdout
    data = json.loads(run("compare", str(seed_paths[0]), str(seed_paths[3]), "-f", "json").stdout)
    assert data["relation"] is None and data["duplicate"] is False
    assert data["jaccard"] < 0.05 and data["containment"] < 0.05


def test_compare_highlights_shared_passages(seed_paths, tmp_path, republished):
    copy = tmp_path / "copy.txt"
    copy.write_text(republished.text, encoding="utf-8")
    data = json.loads(run("compare", str(seed_paths[1]), str(copy), "-f", "json").stdout)
    assert data["duplicate"] is True
    assert data["passages"][0]["words"] > 100
    assert data["shared"]["b"] > 0.9


def test_compare_picks_records_by_id(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "\n".join(
            json.dumps({"id": i, "text": t})
            for i, t in [("x", "one two three four five six"), ("y", "one two three four five six")]
        )
    )
    data = json.loads(run("compare", f"{feed}#x", f"{feed}#y", "-f", "json").stdout)
    assert data["relation"] == "exact"
    result = run("compare", str(feed), f"{feed}#y")
    assert result.exit_code == 2 and "pick one as" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["scan", "does/not/exist"], 2, "does/not/exist: no such file or directory"),
        (["scan", "{bad}"], 2, "{bad}:2: invalid JSON"),
        (["scan", "{empty}"], 2, "no articles"),
        (["scan", "{bad}", "--near", "1.5"], 2, "near jaccard must be in [0, 1]"),
        (["scan", "{bad}", "--workers", "0"], 2, "workers must be at least 1"),
    ],
)
def test_errors_are_one_line_with_an_exit_code(tmp_path, args, code, message):
    paths = {"bad": tmp_path / "bad.jsonl", "empty": tmp_path / "empty"}
    paths["bad"].write_text('{"id": "a", "text": "fine"}\n{"id": "b", "text": \n')
    paths["empty"].mkdir()
    result = run(*(a.format(**paths) for a in args))
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert message.format(**paths) in lines[0]
    assert "Traceback" not in result.output


def test_skip_bad_counts_and_continues(tmp_path):
    bad = tmp_path / "feed.jsonl"
    bad.write_text(
        '{"id": "a", "text": "alpha beta gamma"}\nnot json\n{"id": "b", "text": "alpha beta gamma"}\n'
    )
    result = run("scan", str(bad), "--skip-bad", "-f", "json")
    assert result.exit_code == 0, result.output
    assert "feed.jsonl:2" in result.stderr and "Warning" in result.stderr
    assert json.loads(result.stdout)["duplicates"] == 1


def test_failed_run_leaves_no_output_file(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("previous report")
    result = run("scan", str(tmp_path / "missing"), "-o", str(target))
    assert result.exit_code == 2
    assert target.read_text() == "previous report"
    assert list(tmp_path.iterdir()) == [target]


def test_unwritable_output_is_an_error(seed_paths, tmp_path):
    result = run(
        "scan", str(seed_paths[0]), "-o", str(tmp_path / "no" / "such" / "dir" / "out.json")
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")


@pytest.mark.parametrize("command", ["scan", "pairs", "dedup", "compare"])
def test_every_command_documents_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout and f"newsdedup {command}" in result.stdout


def test_module_entry_point_and_version(seed_paths):
    done = subprocess.run(
        [sys.executable, "-m", "newsdedup", "scan", str(seed_paths[0].parent), "-f", "json", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["articles"] == 5
    assert run("--version").stdout.startswith("newsdedup ")


def test_json_says_how_the_signatures_were_made(seed_paths):
    data = json.loads(
        run(
            "scan", str(seed_paths[0].parent), "-f", "json", "-q", "--num-perm", "64", "--seed", "7"
        ).stdout
    )
    settings = data["settings"]
    assert settings["fingerprint"] == "n2_w5_p64_s7_affine32"
    assert settings["sign"]["num_perm"] == 64 and settings["sign"]["scheme"] == "affine32"


def test_progress_bar_draws_on_a_terminal(monkeypatch):
    from newsdedup.cli import _common

    monkeypatch.setattr(_common.sys.stderr, "isatty", lambda: True, raising=False)
    with _common.progress_bar(quiet=False) as update:
        assert update is not None
        update("sign", 10)
        update("sign", 5)
    with _common.progress_bar(quiet=True) as update:
        assert update is None
