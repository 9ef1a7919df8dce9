"""Time the CLI as a person meets it: ``--help``, the import, a scan of the seeds, the first run.

Each case runs in a fresh process, several times (like hyperfine: one
warm-up run that is not counted, then ``--runs`` timed ones), and reports the
minimum, median and maximum wall time and the median CPU time (user +
system of the child). Wall time on a shared machine swings with the load;
the CPU time is what the process itself cost, and the load average is
recorded beside the figures.

Cases:

* ``help``: ``newsdedup --help`` and the ``--help`` of every command and sub-command;
* ``import``: ``python -c "import newsdedup.cli"``;
* ``scan-seeds``: ``newsdedup scan seeds/`` with the kernels already compiled (warm cache);
* ``first-run``: the same with an empty kernel cache (``NUMBA_CACHE_DIR`` pointed at a new empty
  folder for every run): what a fresh container or CI job pays once. The command shares the
  compiling with a helper process (``newsdedup._kernels.warm``), whose CPU time the child's
  figure does not include; so
* ``first-run-one-process``: the same with the helper disabled, all the compiling in one process.

Example:
    >>> _summary([0.3, 0.1, 0.2])["median"]
    0.2
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "startup.jsonl"


def _code_version() -> dict[str, Any]:
    """The commit measured (short hash) and whether the worktree had changes, as the suite records."""
    from benchmarks.suite.measure import code_version

    return code_version()


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "min": round(min(values), 3),
        "median": round(statistics.median(values), 3),
        "max": round(max(values), 3),
    }


def _cli() -> list[str]:
    found = shutil.which("newsdedup", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "newsdedup"]


def _timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``argv`` in a new process (its output discarded)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env, cwd=ROOT
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _repeat(
    argv: list[str],
    runs: int,
    warmup: bool = True,
    env: Callable[[], dict[str, str]] | None = None,
    pause: float = 0.0,
) -> dict[str, Any]:
    """``runs`` timed runs; ``pause`` seconds before each (a first run's helper must finish)."""
    if warmup:
        _timed(argv, env() if env else None)
    walls, cpus = [], []
    for _ in range(runs):
        time.sleep(pause)
        wall, cpu = _timed(argv, env() if env else None)
        walls.append(wall)
        cpus.append(cpu)
    return {"wall_s": _summary(walls), "cpu_s": _summary(cpus), "runs": runs}


def help_commands() -> list[list[str]]:
    """``[]`` (the top level) and the path of every command and sub-command, from the app itself."""
    import typer.main

    from newsdedup.cli import app

    def walk(command: Any, prefix: list[str]) -> list[list[str]]:
        found = [prefix]
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            found += walk(sub, [*prefix, name])
        return found

    return walk(typer.main.get_command(app), [])


def _fresh_cache_env(folders: list[str], **extra: str) -> Callable[[], dict[str, str]]:
    def make() -> dict[str, str]:
        folder = tempfile.mkdtemp(prefix="newsdedup-cold-cache-")
        folders.append(folder)
        return {**os.environ, "NUMBA_CACHE_DIR": folder, **extra}

    return make


def measure(runs: int, cold_runs: int) -> dict[str, Any]:
    """Every case; see the module docstring."""
    cli = _cli()
    record: dict[str, Any] = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpus": os.cpu_count(),
        "load_avg_start": [round(x, 2) for x in os.getloadavg()],
        "python": sys.version.split()[0],
        **_code_version(),
        "cases": {},
    }
    helps = {}
    for path in help_commands():
        helps[" ".join(["newsdedup", *path, "--help"])] = _repeat([*cli, *path, "--help"], runs)
    record["cases"]["help"] = helps
    record["cases"]["import"] = _repeat([sys.executable, "-c", "import newsdedup.cli"], runs)
    scan = [*cli, "scan", "seeds/", "-q"]
    record["cases"]["scan-seeds"] = _repeat(scan, runs)
    folders: list[str] = []
    try:
        record["cases"]["first-run"] = _repeat(
            scan, cold_runs, warmup=False, env=_fresh_cache_env(folders), pause=10
        )
        one_process = _fresh_cache_env(folders, NEWSDEDUP_NO_BACKGROUND_COMPILE="1")
        record["cases"]["first-run-one-process"] = _repeat(
            scan, cold_runs, warmup=False, env=one_process, pause=10
        )
    finally:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
    record["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    return record


def table(record: dict[str, Any]) -> str:
    """The record as a Markdown table (the form benchmarks/README.md shows)."""
    lines = [
        "| case | wall min | wall median | wall max | CPU median | runs |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]

    def row(name: str, case: dict[str, Any]) -> None:
        w, c = case["wall_s"], case["cpu_s"]
        lines.append(
            f"| {name} | {w['min']:.2f} s | {w['median']:.2f} s | {w['max']:.2f} s "
            f"| {c['median']:.2f} s | {case['runs']} |"
        )

    helps = record["cases"]["help"]
    worst = max(helps, key=lambda k: helps[k]["wall_s"]["median"])
    row("`newsdedup --help`", helps["newsdedup --help"])
    row(f"slowest `--help` of {len(helps)} (`{worst}`)", helps[worst])
    row('`python -c "import newsdedup.cli"`', record["cases"]["import"])
    row("`newsdedup scan seeds/` (kernels cached)", record["cases"]["scan-seeds"])
    row(
        "`newsdedup scan seeds/`, first run (empty kernel cache; CPU without the helper's)",
        record["cases"]["first-run"],
    )
    row("the same, all compiled in one process", record["cases"]["first-run-one-process"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup", description=__doc__)
    parser.add_argument("--runs", type=int, default=10, help="timed runs per warm case")
    parser.add_argument("--cold-runs", type=int, default=3, help="timed first runs")
    parser.add_argument("--no-save", action="store_true", help=f"do not append to {RESULTS}")
    args = parser.parse_args(argv)
    record = measure(args.runs, args.cold_runs)
    if not args.no_save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
    print(table(record))
    print(
        f"\n{record['cpus']} CPUs, load average {record['load_avg_start'][0]} at the start, "
        f"{record['load_avg_end'][0]} at the end; Python {record['python']}"
    )
