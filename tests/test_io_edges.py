"""Smaller breaks found by trying hostile paths and options: each one line, never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdedup.cli import app
from newsdedup.cli._common import max_workers
from newsdedup.config import NormalizeConfig
from newsdedup.errors import InputError
from newsdedup.io import ReadReport, iter_input_files, read_articles
from newsdedup.text.normalize import normalize_text

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
runner = CliRunner()


def _run(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin, catch_exceptions=False)


def _one_line_error(result, code: int) -> str:
    assert result.exit_code == code, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[-1].startswith("Error: ") and "Traceback" not in result.output
    return lines[-1]


@pytest.fixture
def looping_folder(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "real.txt").write_text("Ministers met in Brussels.", encoding="utf-8")
    (folder / "x.txt").symlink_to("x.txt")  # loops on itself
    (folder / "y.txt").symlink_to("z.txt")
    (folder / "z.txt").symlink_to("y.txt")
    return folder


def test_a_symlink_loop_in_a_folder_is_a_warning(looping_folder):
    # Before: OSError "Too many levels of symbolic links" escaped as a traceback.
    report = ReadReport()
    articles = list(read_articles([looping_folder], report=report))
    assert [Path(a.id).name for a in articles] == ["real.txt"]
    assert report.skipped == 3
    assert all("too many levels of symbolic links" in w for w in report.warnings)


def test_without_a_report_a_symlink_loop_is_an_input_error(looping_folder):
    with pytest.raises(InputError, match=r"x\.txt: too many levels of symbolic links"):
        list(iter_input_files([looping_folder]))


def test_scan_of_a_looping_folder_succeeds(looping_folder):
    result = _run("scan", str(looping_folder), "-f", "json")
    assert result.exit_code == 0, result.output
    assert "too many levels of symbolic links, skipped" in result.output


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-1"])
def test_max_article_mb_must_be_a_positive_number(value):
    # Before: nan gave a ValueError traceback, inf an OverflowError traceback.
    line = _one_line_error(_run("scan", str(SEEDS), "--max-article-mb", value), 2)
    assert "--max-article-mb must be a positive number" in line


def test_absurd_worker_counts_are_refused():
    # Before: --workers 1000 was accepted; five articles then took 59 s to start the pool.
    line = _one_line_error(_run("scan", str(SEEDS), "--workers", "1000"), 2)
    assert f"at most {max_workers()}" in line
    assert _run("scan", str(SEEDS), "-q", "--workers", str(max_workers())).exit_code == 0


def test_compare_says_when_a_file_is_over_the_size_cap(tmp_path):
    # Before: only "no articles found".
    big = tmp_path / "big.txt"
    big.write_text("word " * 2_100_000, encoding="utf-8")  # 10.5 MB, over the 10 MB cap
    seed = str(next(SEEDS.glob("*.txt")))
    line = _one_line_error(_run("compare", str(big), seed), 2)
    assert "no articles found" in line and "over the 10.0 MB limit" in line


def test_no_articles_error_names_the_first_reason(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    with pytest.raises(InputError, match=r"no articles found in .*\(.*empty\.txt: empty file"):
        list(read_articles([empty]))


def test_dedup_from_stdin_names_stdin_in_errors_and_ids(tmp_path):
    # Before: errors named the temporary copy (/tmp/newsdedup-stdin-.../stdin.jsonl:2).
    bad = '{"id": "a", "text": "Ministers met."}\n{not json\n'
    line = _one_line_error(_run("dedup", "-", stdin=bad), 2)
    assert line.startswith("Error: <stdin>:2: invalid JSON")
    same = '{"text": "Ministers met in Brussels on Tuesday to agree a plan.",  "x": 1}\n'
    removed = tmp_path / "removed.jsonl"
    result = _run("dedup", "-", "-q", "--removed", str(removed), stdin=same + same)
    assert result.exit_code == 0, result.output
    assert result.output == same  # the kept record, byte for byte
    [copy] = [json.loads(x) for x in removed.read_text(encoding="utf-8").splitlines()]
    assert copy["duplicate_of"] == "<stdin>:1" and copy["x"] == 1


def test_dedup_from_stdin_survives_invalid_utf8(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"id": "a", "text": "Caf\xe9 ministers met."}\n')
    with source.open("rb") as handle:
        result = runner.invoke(app, ["dedup", "-", "-q"], input=handle.read())
    assert result.exit_code == 0, result.output
    assert '"id": "a"' in result.output


# --- angle-bracket tickers ------------------------------------------------------------------

REUTERS = (
    "Video Shopping Mall Inc <VSMI> said it agreed to merge with <Video Shopping Mall Inc>.\n"
    "Shares of <DD>, <I> and <P> rose; <Strong Point Inc> was unchanged."
)


def test_wire_tickers_are_text_not_html():
    # Before: a known tag name in brackets (<DD>, <I>, <P>, <Video ...>) made the whole
    # article HTML: the tickers and company names were stripped, at three times the cost.
    text = normalize_text(REUTERS, NormalizeConfig())
    for ticker in ("VSMI", "Video Shopping Mall Inc>", "<DD>", "<I>", "<P>", "Strong Point Inc"):
        assert ticker in text


@pytest.mark.parametrize(
    "markup",
    [
        "<p>One</p><p>Two</p>",
        '<a href="https://example.org">link</a> text',
        "line<br>break",
        "<P>Old style</P>",
        "AT&amp;T said",
        "text<!-- a comment -->",
    ],
)
def test_real_html_is_still_recognised(markup):
    text = normalize_text(markup, NormalizeConfig())
    assert "<" not in text and "&amp;" not in text


def test_reading_ticker_text_from_a_file_keeps_the_tickers(tmp_path):
    path = tmp_path / "reut.txt"
    path.write_text(REUTERS, encoding="utf-8")
    [article] = read_articles([path])
    assert "<Video Shopping Mall Inc>" in article.text
    assert os.path.basename(article.id) == "reut.txt"
