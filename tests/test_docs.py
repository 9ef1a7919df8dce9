"""The README and docs/ run as written: every command block is executed, its output checked.

Each page runs in a fresh folder holding copies of ``seeds/`` and ``examples/``;
its blocks run in order, so a block may use the files an earlier one wrote.

- ```` ```sh ```` blocks run with bash and must succeed.
- ```` ```console ```` blocks: each ``$ command`` runs (stderr merged into stdout) and
  its output must match the lines shown, with every number masked (times and
  scores vary from machine to machine) and ``...`` standing for any lines.
- ```` ```python ```` blocks run with this interpreter and must succeed.

A block preceded by ``<!-- docs-test: skip (why) -->`` is not run (it installs
packages, starts servers, or tails a file forever).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\s*$")
SKIP = re.compile(r"<!--\s*docs-test:\s*skip\b")
NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")


@dataclass
class Block:
    kind: str
    text: str
    line: int


def blocks_of(page: Path) -> list[Block]:
    """The runnable fenced blocks of a page, in order (skipped ones left out)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found, i = [], 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        start, kind = i, match.group(1)
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        before = " ".join(lines[max(0, start - 2) : start])
        if kind in ("sh", "console", "python") and not SKIP.search(before):
            found.append(Block(kind, "\n".join(lines[start + 1 : end]), start + 1))
        i = end + 1
    return found


def console_steps(text: str) -> list[tuple[str, list[str]]]:
    """``$ command`` lines (with ``\\`` continuations) and the output lines shown under each."""
    steps: list[tuple[str, list[str]]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            raise AssertionError(f"console block line without a command: {lines[i]!r}")
        command = lines[i][2:]
        while command.endswith("\\"):
            i += 1
            command = command[:-1] + "\n" + lines[i]
        i += 1
        shown = []
        while i < len(lines) and not lines[i].startswith("$ "):
            shown.append(lines[i])
            i += 1
        steps.append((command, shown))
    return steps


def masked(line: str) -> str:
    return NUMBER.sub("#", " ".join(line.split()))


def matches(shown: list[str], actual: list[str]) -> bool:
    """Shown lines against actual ones: numbers masked, ``...`` for any run of lines."""
    pattern = [None if s.strip() == "..." else masked(s) for s in shown]
    got = [masked(a) for a in actual if a.strip()]
    pattern = [p for p in pattern if p != ""]

    def match(p: int, a: int) -> bool:
        if p == len(pattern):
            return a == len(got)
        if pattern[p] is None:
            return any(match(p + 1, k) for k in range(a, len(got) + 1))
        return a < len(got) and pattern[p] == got[a] and match(p + 1, a + 1)

    return match(0, 0)


def run(command: str, cwd: Path, shell: list[str]) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "COLUMNS": "80",
        "NO_COLOR": "1",
        "TERM": "dumb",
    }
    env.pop("NEWSDEDUP_REDIS", None)
    return subprocess.run(
        [*shell, command],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
    )


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_runs_as_written(page: Path, tmp_path: Path) -> None:
    for folder in ("seeds", "examples"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    where = page.relative_to(ROOT)
    for block in blocks_of(page):
        if block.kind == "sh":
            done = run(block.text, tmp_path, ["bash", "-euo", "pipefail", "-c"])
            assert done.returncode == 0, (
                f"{where}:{block.line}: exit {done.returncode}\n{done.stdout}"
            )
        elif block.kind == "python":
            done = run(block.text, tmp_path, [sys.executable, "-c"])
            assert done.returncode == 0, (
                f"{where}:{block.line}: exit {done.returncode}\n{done.stdout}"
            )
        else:
            for command, shown in console_steps(block.text):
                done = run(command, tmp_path, ["bash", "-o", "pipefail", "-c"])
                expects_error = any(line.startswith("Error:") for line in shown)
                assert (done.returncode != 0) == expects_error, (
                    f"{where}:{block.line}: `{command}` exit {done.returncode}\n{done.stdout}"
                )
                assert matches(shown, done.stdout.splitlines()), (
                    f"{where}:{block.line}: `{command}` printed\n{done.stdout}\nthe page shows\n"
                    + "\n".join(shown)
                )


def test_matching_masks_numbers_and_elides_lines() -> None:
    assert matches(["5 articles: 0 clusters; 0.84 s"], ["6 articles: 1 clusters; 1.2 s"])
    assert not matches(["5 articles: 0 clusters"], ["5 articles: 0 duplicates"])
    assert matches(["A", "...", "Z"], ["A", "b", "c", "Z"])
    assert matches(["A", "...", "Z"], ["A", "Z"])
    assert not matches(["A", "Z"], ["A", "b", "Z"])
    assert not matches(["A"], ["A", "extra line"])


def test_the_readme_and_the_live_index_guide_have_commands_to_run() -> None:
    assert len(blocks_of(ROOT / "README.md")) >= 3
    assert len(blocks_of(ROOT / "docs" / "live-index.md")) >= 8
