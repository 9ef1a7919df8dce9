"""Usage errors (unknown options and commands, bad values) are one line and exit 2, like any error."""

from __future__ import annotations

import subprocess
import sys

import pytest


def newsdedup(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsdedup", *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "--bogus", "seeds/"], "Error: newsdedup scan: no such option: --bogus"),
        (["scann", "seeds/"], "Error: newsdedup: no such command 'scann'. Did you mean 'scan'?"),
        (["scan"], "Error: newsdedup scan: missing argument"),
        (
            ["pairs", "seeds/", "--format", "nope"],
            "Error: newsdedup pairs: invalid value for '--format'",
        ),
        (["index", "add", "x.jsonl", "--db"], "Error: option '--db' requires an argument"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(args, message):
    done = newsdedup(*args)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith(message), done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_no_command_shows_the_help():
    done = newsdedup()
    assert done.returncode == 2 and "Usage: newsdedup" in done.stdout and "scan" in done.stdout


def test_version_and_success_still_exit_0(seed_paths):
    assert newsdedup("--version").stdout.startswith("newsdedup ")
    done = newsdedup("scan", str(seed_paths[0].parent), "-q", "--format", "json")
    assert done.returncode == 0 and '"articles": 5' in done.stdout
