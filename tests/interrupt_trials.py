"""Stop ``newsdedup scan -o`` at random moments and tally what a user would see.

Not collected by pytest (the deterministic checks are in ``test_interrupts.py``);
run it by hand to measure, as ``docs/reliability.md`` reports:

    python tests/interrupt_trials.py articles.jsonl --trials 20 --within 6 -- -j 2

Each trial starts ``newsdedup scan FILE -f json -o OUT -q [extra]`` in its own
process group, sleeps a random time in ``[0, within)`` seconds, then sends
SIGINT to the group (as Ctrl-C in a terminal does; 80% of trials) or SIGTERM
to the process, and prints the exit status, whether OUT exists and is complete
JSON, leftover temporary files, and the end of stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path


def trial(data: str, out: Path, delay: float, signum: int, extra: list[str]) -> str:
    def child() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.setpgrp()

    command = [sys.executable, "-m", "newsdedup", "scan", data, "-f", "json", "-o", str(out), "-q"]
    process = subprocess.Popen(
        [*command, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=child
    )
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=delay)
    with contextlib.suppress(ProcessLookupError):
        if signum == signal.SIGINT:
            os.killpg(process.pid, signum)
        else:
            os.kill(process.pid, signum)
    _, err = process.communicate()
    complete = False
    if out.exists():
        with contextlib.suppress(ValueError):
            json.loads(out.read_text(encoding="utf-8"))
            complete = True
    left = [p.name for p in out.parent.iterdir() if p.name.endswith(".tmp")]
    tail = err.decode("utf-8", "replace")[-200:]
    clean = (
        process.returncode in (130, 143) and tail == "Error: interrupted\n" and not out.exists()
    ) or (process.returncode == 0 and complete)
    print(
        f"{signal.Signals(signum).name} after {delay:.2f}s: exit {process.returncode}, "
        f"file={out.exists()} complete={complete} leftovers={left} stderr={tail!r}",
        flush=True,
    )
    return "clean" if clean and not left else "BROKEN"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--within", type=float, default=6.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("extra", nargs="*")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tally: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        for _ in range(args.trials):
            out.unlink(missing_ok=True)
            signum = signal.SIGINT if rng.random() < 0.8 else signal.SIGTERM
            tally[trial(args.data, out, rng.uniform(0, args.within), signum, args.extra)] += 1
    print(dict(tally))


if __name__ == "__main__":
    main()
