"""What ``-o`` does with each kind of path: files atomically, links followed, pipes streamed.

Before: every path was replaced by a regular file (a symlink lost its link,
a FIFO's reader got nothing, ``-o /dev/stdout`` tried to replace the device
entry) and ``dedup -o x --removed x`` silently lost one of its two outputs.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdedup.cli import app
from newsdedup.errors import ConfigError, OutputError
from newsdedup.io import atomic_writer
from newsdedup.io.writers import check_distinct_outputs

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX FIFOs and devices")


def test_a_symlink_is_followed_and_its_target_replaced_atomically(tmp_path):
    target = tmp_path / "real" / "report.txt"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "report-link.txt"
    link.symlink_to(target)
    with atomic_writer(link) as out:
        out.write("new")
        assert target.read_text(encoding="utf-8") == "old"  # nothing visible before the end
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.txt"]


def test_a_dangling_symlink_creates_its_target(tmp_path):
    target = tmp_path / "made.txt"
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    with atomic_writer(link) as out:
        out.write("x")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "x"


def test_an_interrupted_write_through_a_symlink_keeps_the_old_target(tmp_path):
    target = tmp_path / "t.txt"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "l.txt"
    link.symlink_to(target)
    with pytest.raises(KeyboardInterrupt), atomic_writer(link) as out:
        out.write("half")
        raise KeyboardInterrupt
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.txt", "t.txt"]


@POSIX
def test_a_fifo_is_streamed_to_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    with atomic_writer(fifo) as out:
        out.write("line 1\nline 2\n")
    reader.join(timeout=10)
    assert received == [b"line 1\nline 2\n"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


@POSIX
def test_dev_null_is_written_to_not_replaced():
    before = os.lstat("/dev/null")
    with atomic_writer("/dev/null") as out:
        out.write("discarded")
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino
    assert not [p for p in os.listdir("/dev") if p.startswith(".null.")]


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(OutputError, match="is a directory"), atomic_writer(tmp_path):
        pass


@POSIX
def test_scan_to_dev_stdout_reaches_the_pipe():
    # Run in a child whose stdout is a pipe: /dev/stdout is that pipe.
    done = subprocess.run(
        [sys.executable, "-m", "newsdedup", "scan", str(SEEDS), "-f", "json", "-o", "/dev/stdout"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["clusters"] == []
    assert os.path.islink("/dev/stdout") or stat.S_ISCHR(os.lstat("/dev/stdout").st_mode)


# --- two outputs naming one file ---------------------------------------------------------


def _dedup(tmp_path: Path, output: str, removed: str):
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "a", "text": "Ministers met in Brussels on Tuesday to agree a plan."}\n'
        '{"id": "b", "text": "Ministers met in Brussels on Tuesday to agree a plan."}\n',
        encoding="utf-8",
    )
    return CliRunner().invoke(
        app,
        ["dedup", str(source), "-o", output, "--removed", removed, "-q"],
        catch_exceptions=False,
    )


@pytest.mark.parametrize(
    "removed",
    ["same.jsonl", "./sub/../same.jsonl", "link.jsonl"],
    ids=["same name", "dot-dot path", "symlink"],
)
def test_two_outputs_naming_the_same_file_are_refused(tmp_path, monkeypatch, removed):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.jsonl").symlink_to(tmp_path / "same.jsonl")
    result = _dedup(tmp_path, "same.jsonl", removed)
    assert result.exit_code == 2
    assert "two outputs name the same file" in result.output
    assert not (tmp_path / "same.jsonl").exists()


def test_two_distinct_outputs_are_both_written(tmp_path):
    result = _dedup(tmp_path, str(tmp_path / "kept.jsonl"), str(tmp_path / "removed.jsonl"))
    assert result.exit_code == 0, result.output
    kept = (tmp_path / "kept.jsonl").read_text(encoding="utf-8").splitlines()
    removed = (tmp_path / "removed.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in kept] == ["a"]
    assert [json.loads(line)["duplicate_of"] for line in removed] == ["a"]


def test_identity_rules():
    check_distinct_outputs("/dev/null", "/dev/null", None)  # a sink may be named twice
    with pytest.raises(ConfigError):
        check_distinct_outputs("-", "-")
