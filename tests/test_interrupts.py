"""SIGINT and SIGTERM: one line, exit 130/143, no traceback, never a partial output file.

The in-process tests drive the policy of :mod:`newsdedup.interrupts` with real
signals sent to this process; the subprocess tests stop real ``newsdedup``
runs at start-up, while workers sign articles, and while the output is being
written, and check every outcome a user could see.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsdedup import interrupts

POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


@pytest.fixture
def installed():
    """The CLI's signal policy in this process, in the running phase; restored afterwards."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM)}
    signal.signal(signal.SIGINT, signal.default_int_handler)
    state = interrupts._state
    interrupts.install()
    interrupts.begin()
    yield state
    signal.setitimer(signal.ITIMER_REAL, 0)
    for signum, handler in saved.items():
        signal.signal(signum, handler)
    state.installed, state.phase, state.pending, state.deferring, state.timer = (
        False,
        "starting",
        0,
        0,
        False,
    )


def _wait_for_interrupt(seconds: float = 2.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.001)


# A function that belongs to a numba module, as numba's own Python callbacks do
# (numba calls back into Python to unpickle constants while boxing a result).
_FAKE_NUMBA: dict = {"__name__": "numba.core.serialize", "time": time, "os": os}
exec(
    "def callback(signum, steps):\n"
    "    os.kill(os.getpid(), signum)\n"
    "    for _ in range(steps):\n"
    "        time.sleep(0.002)\n"
    "    return 'finished'\n",
    _FAKE_NUMBA,
)


@POSIX
def test_a_signal_inside_numba_code_is_raised_only_once_it_has_returned(installed):
    # Before: the KeyboardInterrupt was raised inside numba's callback and came
    # out as "SystemError: CPUDispatcher(...) returned a result with an exception set".
    results = []
    with pytest.raises(interrupts.Interrupted) as caught:
        results.append(_FAKE_NUMBA["callback"](signal.SIGINT, 20))  # ~40 ms, retried many times
        _wait_for_interrupt()
    assert results == ["finished"]  # the numba code ran to its end
    assert caught.value.exit_code == 130
    assert installed.phase == "unwinding"


@POSIX
def test_sigterm_is_raised_in_ordinary_code_with_exit_143(installed):
    with pytest.raises(interrupts.Interrupted) as caught:
        os.kill(os.getpid(), signal.SIGTERM)
        _wait_for_interrupt()
    assert caught.value.signum == signal.SIGTERM and caught.value.exit_code == 143
    assert isinstance(caught.value, KeyboardInterrupt)


@POSIX
def test_a_second_signal_while_unwinding_is_ignored(installed):
    with pytest.raises(interrupts.Interrupted):
        os.kill(os.getpid(), signal.SIGINT)
        _wait_for_interrupt()
    os.kill(os.getpid(), signal.SIGINT)  # cleanup code is not cut short
    _wait_for_interrupt(0.05)


@POSIX
def test_a_deferred_block_is_not_cut_in_two(installed):
    steps = []
    with pytest.raises(interrupts.Interrupted):
        with interrupts.deferred():
            os.kill(os.getpid(), signal.SIGINT)
            _wait_for_interrupt(0.05)
            steps.append("end of block")
        steps.append("after the block")
    assert steps == ["end of block"]


@POSIX
def test_once_committed_the_run_is_a_success_and_signals_are_ignored(installed):
    with interrupts.committing():
        os.kill(os.getpid(), signal.SIGINT)
        _wait_for_interrupt(0.05)
    assert installed.phase == "settled"
    os.kill(os.getpid(), signal.SIGTERM)  # ignored, not fatal
    _wait_for_interrupt(0.05)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN


def test_without_install_the_helpers_change_nothing():
    assert not interrupts._state.installed
    with interrupts.committing(), interrupts.deferred():
        pass
    interrupts.settle()
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN


# --- real runs, stopped from outside ------------------------------------------------------

NEWSDEDUP = [sys.executable, "-m", "newsdedup"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """2,500 articles of random words, every tenth a copy with one word changed."""
    rng = random.Random(9)
    vocabulary = [f"w{i}" for i in range(3000)] + ["the", "of", "and", "said", "minister"] * 40
    path = tmp_path_factory.mktemp("interrupts") / "articles.jsonl"
    originals: list[list[str]] = []
    with path.open("w", encoding="utf-8") as out:
        for i in range(1500):
            if i % 10 == 9:
                words = list(rng.choice(originals))
                words[rng.randrange(len(words))] = "changed"
            else:
                words = [rng.choice(vocabulary) for _ in range(rng.randint(80, 200))]
                originals = [*originals[-30:], words]
            out.write(json.dumps({"id": f"a{i}", "text": " ".join(words)}) + "\n")
    return path


def _start(args: list[str], cwd: Path) -> subprocess.Popen:
    """Start newsdedup with its own temporary folder (``cwd/tmp``), to see what it leaves."""

    def child() -> None:  # a clean slate even when the suite runs as a background job
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.setpgrp()  # its own group, so a group signal reaches it and its workers only

    (cwd / "tmp").mkdir(exist_ok=True)
    return subprocess.Popen(
        [*NEWSDEDUP, *args],
        cwd=cwd,
        env={**os.environ, "TMPDIR": str(cwd / "tmp")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=child,
    )


def _catches_sigterm(pid: int) -> bool:
    """Whether the process has its own SIGTERM handler yet (newsdedup's entry point ran)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = int(
        next(line for line in status.splitlines() if line.startswith("SigCgt:")).split()[1], 16
    )
    return bool(caught & (1 << (signal.SIGTERM - 1)))


def _has_children(pid: int) -> bool:
    try:
        return any(
            (task / "children").read_text().strip() for task in Path(f"/proc/{pid}/task").iterdir()
        )
    except OSError:
        return False


def _wait_until(condition, process: subprocess.Popen, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            return True
        time.sleep(0.005)
    return False


def _send(process: subprocess.Popen, signum: int, group: bool = False) -> None:
    with contextlib.suppress(ProcessLookupError):  # it may have finished already
        (os.killpg if group else os.kill)(process.pid, signum)


def _finish(process: subprocess.Popen) -> tuple[int, str]:
    _, err = process.communicate(timeout=60)
    return process.returncode, err.decode("utf-8", "replace")


def _assert_clean_outcome(code: int, err: str, signum: int, outputs: list[Path], complete) -> None:
    """Either interrupted (one line, 130/143, no output) or finished (exit 0, complete outputs)."""
    assert code >= 0, f"died of signal {-code}: {err}"
    leftovers = [p.name for p in outputs[0].parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    assert list((outputs[0].parent / "tmp").iterdir()) == []  # token spool removed too
    if code == 0:
        assert all(complete(p) for p in outputs)
        assert "Traceback" not in err
        return
    assert code == 128 + signum, err
    assert err == "Error: interrupted\n"
    assert not any(p.exists() for p in outputs)


def _json_complete(path: Path) -> bool:
    json.loads(path.read_text(encoding="utf-8"))
    return True


def _jsonl_complete(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    for line in text.splitlines():
        json.loads(line)
    return True


needs_proc = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")


@POSIX
@needs_proc
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_start_up_prints_one_line(tmp_path, corpus, signum):
    # Before: a KeyboardInterrupt traceback from whatever module was being imported.
    out = tmp_path / "out.json"
    process = _start(["scan", str(corpus), "-f", "json", "-o", str(out), "-q"], tmp_path)
    assert _wait_until(lambda: _catches_sigterm(process.pid), process)
    _send(process, signum)  # the heavy imports take a second or more after this
    code, err = _finish(process)
    _assert_clean_outcome(code, err, signum, [out], _json_complete)
    assert code == 128 + signum


@POSIX
@needs_proc
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_workers_sign_stops_everything_cleanly(tmp_path, corpus, signum):
    # Ctrl-C goes to the whole process group (workers too); SIGTERM to the parent alone.
    out = tmp_path / "out.json"
    args = ["scan", str(corpus), "-f", "json", "-o", str(out), "-q", "--workers", "2"]
    process = _start(args, tmp_path)
    assert _wait_until(lambda: _has_children(process.pid), process)
    time.sleep(0.2)
    _send(process, signum, group=signum == signal.SIGINT)
    code, err = _finish(process)
    _assert_clean_outcome(code, err, signum, [out], _json_complete)


@POSIX
@needs_proc
def test_a_signal_while_the_outputs_are_written_leaves_both_or_neither(tmp_path, corpus):
    kept, removed = tmp_path / "kept.jsonl", tmp_path / "removed.jsonl"
    args = ["dedup", str(corpus), "-o", str(kept), "--removed", str(removed), "-q"]
    process = _start(args, tmp_path)

    def writing() -> bool:
        return any(p.name.endswith(".tmp") for p in tmp_path.iterdir())

    _wait_until(writing, process)
    _send(process, signal.SIGINT, group=True)
    code, err = _finish(process)
    _assert_clean_outcome(code, err, signal.SIGINT, [kept, removed], _jsonl_complete)
