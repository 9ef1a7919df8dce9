"""What every benchmark run records about itself: memory, the code's commit, the machine.

Why a module of its own: the peers, the newsdedup runners and the suite all
need the same three facts, measured the same way, so that records of
different tools can be compared and records of different days told apart.

* **Peak memory** is ``ru_maxrss``, the kernel's high-water mark of one
  process (Linux reports KiB). A tool that forks workers also gets
  :class:`TreeSampler`: the sum of the resident memory of the process and
  all its children, sampled a few times a second. That sum counts pages
  shared by a parent and its forked workers twice, so it is an upper bound.
* **Commit** is the short hash of ``HEAD`` plus whether the worktree had
  uncommitted changes (``dirty``), so a figure can be traced to its code.

Example:
    >>> peak_rss_mb() > 0
    True
    >>> with TreeSampler() as sampler:
    ...     pass
    >>> sampler.peak_mb >= 0
    True
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

__all__ = [
    "ROOT",
    "TreeSampler",
    "children_peak_rss_mb",
    "code_version",
    "machine",
    "peak_rss_mb",
    "suite_id",
]

#: The project root (``benchmarks/suite/measure.py`` → three levels up).
ROOT = Path(__file__).resolve().parents[2]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_rss_mb() -> float:
    """Largest peak resident memory of any finished (waited-for) child process, in MiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


class TreeSampler:
    """Samples the summed RSS of a process and its descendants in a background thread.

    Args:
        pid: The process to watch (default: this one).
        interval: Seconds between samples.

    Without :mod:`psutil` it records nothing (``peak_mb`` stays 0).
    """

    def __init__(self, pid: int | None = None, interval: float = 0.2) -> None:
        self.pid = pid or os.getpid()
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self, root: Any) -> float:
        import psutil

        total = 0
        for proc in [root, *root.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                continue
        return total / 2**20

    def _run(self) -> None:
        try:
            import psutil

            root = psutil.Process(self.pid)
        except Exception:  # psutil missing or the process already gone: nothing to sample
            return
        while not self._stop.is_set():
            try:
                self.peak_mb = max(self.peak_mb, self._sample(root))
            except Exception:
                return
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def code_version() -> dict[str, Any]:
    """``{"commit": short hash or None, "dirty": uncommitted changes outside benchmarks/results and data}``."""
    status = _git(
        "status",
        "--porcelain",
        "--untracked-files=no",
        "--",
        ".",
        ":!benchmarks/results",
        ":!benchmarks/README.md",
    )
    return {"commit": _git("rev-parse", "--short", "HEAD"), "dirty": bool(status)}


def machine() -> dict[str, Any]:
    """CPU count and load average when the run started: figures from a loaded machine are slower."""
    return {
        "cpus": os.cpu_count(),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def suite_id() -> str:
    """A sortable id for one run of the suite: local time to the millisecond.

    Example:
        >>> len(suite_id()), suite_id()[8]
        (19, 'T')
    """
    now = time.time()
    return time.strftime("%Y%m%dT%H%M%S", time.localtime(now)) + f".{int(now * 1000) % 1000:03d}"
