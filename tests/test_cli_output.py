"""The CLI for people: format chosen by where output goes, html pages, input surprises, start-up."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from newsdedup.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture()
def corpus(tmp_path, seed_paths, republished):
    folder = tmp_path / "wires"
    folder.mkdir()
    for path in seed_paths:
        (folder / path.name).write_text(path.read_text("utf-8"), "utf-8")
    (folder / "outlet-copy.txt").write_text(republished.text, "utf-8")
    return folder


def _in_terminal(*args: str) -> subprocess.CompletedProcess:
    """Run the CLI with its stdout on a pseudo-terminal (as a person at a shell would)."""
    main, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "newsdedup", *args],
            stdout=follower,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
        )
    finally:
        os.close(follower)
        os.close(main)
    return done


def test_piped_output_is_plain_and_table_can_be_forced(corpus):
    plain = run("scan", str(corpus), "-q")
    assert plain.exit_code == 0, plain.output
    lines = plain.stdout.splitlines()
    assert lines[0].split() == [
        "cluster",
        "article",
        "relation",
        "jaccard",
        "contain.",
        "cosine",
        "figures",
        "prob.",  # the relation model's probability
    ]
    assert any(line.split()[1].endswith("outlet-copy.txt") and "partial" in line for line in lines)
    assert str(corpus) in plain.stdout  # plain keeps whole paths
    table = run("scan", str(corpus), "-q", "--format", "table")
    assert table.stdout.split()[:3] == ["#", "article", "relation"]
    assert str(corpus) not in table.stdout  # the table drops the folder all share


def test_scan_writes_a_review_page(corpus, tmp_path):
    page = tmp_path / "review.html"
    done = run("scan", str(corpus), "--format", "html", "-o", str(page), "-q")
    assert done.exit_code == 0, done.output
    text = page.read_text("utf-8")
    data = json.loads(text.split('id="data">', 1)[1].split("</script>", 1)[0])
    [cluster] = data["clusters"]
    assert cluster["original"].endswith("001_0665e2edcf6d3228.txt")
    assert cluster["members"][0]["relation"] == "partial"
    assert cluster["members"][0]["marks"]["copy"]  # shared passages worked out
    assert "<link" not in text and "http://" not in text.split("<script", 1)[0]


def test_compare_writes_a_review_page(seed_paths, tmp_path):
    page = tmp_path / "pair.html"
    done = run("compare", str(seed_paths[0]), str(seed_paths[3]), "-f", "html", "-o", str(page))
    assert done.exit_code == 0, done.output
    data = json.loads(page.read_text("utf-8").split('id="data">', 1)[1].split("</script>", 1)[0])
    [pair] = data["clusters"][0]["members"]
    assert pair["relation"] == "not a copy" and pair["reason"].startswith("not a copy")


def test_html_to_a_terminal_is_refused_with_exit_2(corpus):
    done = _in_terminal("scan", str(corpus), "--format", "html")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "Error: --format html writes a page, not terminal text: use -o report.html"
    ]


def test_pairs_has_no_html_format(corpus, tmp_path):
    done = run("pairs", str(corpus), "-f", "html", "-o", str(tmp_path / "p.html"))
    assert done.exit_code == 2
    assert "use it with scan or compare" in done.stderr
    assert not (tmp_path / "p.html").exists()


def test_unsupported_files_warn_and_a_folder_of_them_is_an_error(tmp_path, seed_paths):
    sgm = tmp_path / "reuters"
    sgm.mkdir()
    for i in range(3):
        (sgm / f"reut2-00{i}.sgm").write_text("<REUTERS>...</REUTERS>", "utf-8")
    done = run("scan", str(sgm))
    assert done.exit_code == 2
    assert done.stderr.count("Error:") == 1 and "Traceback" not in done.stderr
    assert "skipped 3 files of an unsupported type (.sgm: 3" in done.stderr
    (sgm / "story.txt").write_text(seed_paths[0].read_text("utf-8"), "utf-8")
    (sgm / "README.TXT").write_text(seed_paths[1].read_text("utf-8"), "utf-8")
    mixed = run("scan", str(sgm))
    assert mixed.exit_code == 0, mixed.output
    assert "Warning:" in mixed.stderr and "(.sgm: 3, e.g." in mixed.stderr
    assert "skipped 1 documentation file, not an article (README.TXT)" in mixed.stderr
    assert "1 article:" in mixed.stderr  # README.TXT was not scanned as an article


def test_include_exclude_and_a_bad_glob(corpus):
    only = run("scan", str(corpus), "--include", "00[0-2]_*", "-f", "json", "-q")
    assert json.loads(only.stdout)["articles"] == 3
    without = run("scan", str(corpus), "--exclude", "outlet-*", "-f", "json", "-q")
    assert (
        json.loads(without.stdout)["articles"] == 5 and json.loads(without.stdout)["clusters"] == []
    )
    bad = run("scan", str(corpus), "--include", "[0-9*.txt")
    assert bad.exit_code == 2
    assert bad.stderr.strip() == "Error: bad glob '[0-9*.txt': '[' is never closed"


def test_review_page_from_standard_input(seed_paths, tmp_path):
    text = seed_paths[1].read_text("utf-8")
    records = [{"id": "wire", "text": text}, {"id": "outlet", "text": "Breaking. " + text}]
    page = tmp_path / "stdin.html"
    done = runner.invoke(
        app,
        ["scan", "-", "-f", "html", "-o", str(page), "-q"],
        input="".join(json.dumps(r) + "\n" for r in records),
    )
    assert done.exit_code == 0, done.output
    data = json.loads(page.read_text("utf-8").split('id="data">', 1)[1].split("</script>", 1)[0])
    [cluster] = data["clusters"]
    assert {cluster["original"], cluster["members"][0]["id"]} == {"wire", "outlet"}
    assert cluster["members"][0]["marks"]["copy"]  # the texts were read again from the saved copy
