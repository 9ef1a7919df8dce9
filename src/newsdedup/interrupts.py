"""SIGINT and SIGTERM take one clean way out: ``Error: interrupted``, exit 130 or 143.

Why not Python's default ``KeyboardInterrupt``: it is raised wherever the
main thread happens to be. Inside the Python code that compiled kernels call
back into (numba unpickles constants through Python while it boxes a
result) it escapes as ``SystemError`` or crashes the process; during the
start-up imports it prints a traceback; after the output file is complete
it turned a finished run into a failure; and a signal during interpreter
shutdown killed the process outright. The command-line entry point calls
:func:`install`, and from then on one handler decides what a signal means:

==========  ================================================================
phase       on SIGINT (exit 130) or SIGTERM (exit 143)
==========  ================================================================
starting    nothing exists to clean up yet: print the line and exit at once
running     raise :class:`Interrupted` at the next safe point (never inside
            numba or llvmlite code, nor inside a :func:`deferred` block), so
            ``finally`` blocks remove temporary files and stop workers
unwinding   the first signal is being handled: later ones are ignored
settled     the outcome is decided (the output file is complete, or the
            error is being reported): signals are ignored, the exit code
            stands
==========  ================================================================

Worker processes call :func:`worker_policy`: they ignore SIGINT (a terminal
sends Ctrl-C to the whole process group; the parent decides) and die on
SIGTERM, which is how the parent stops them.

Library code that never calls :func:`install` keeps Python's behaviour; the
helpers here are then no-ops.

Example:
    >>> Interrupted(15).exit_code, Interrupted(2).exit_code
    (143, 130)
    >>> with deferred():  # a no-op unless install() was called
    ...     pass
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from types import FrameType

__all__ = [
    "Interrupted",
    "begin",
    "committing",
    "deferred",
    "exit_code",
    "install",
    "settle",
    "worker_policy",
]

#: The signals handled, each exiting with 128 + its number.
SIGNALS = (signal.SIGINT, signal.SIGTERM)

#: Modules whose Python code runs as a callback of compiled code, where an
#: exception raised by a signal handler is not propagated correctly.
FRAGILE_MODULES = ("numba", "llvmlite")

#: How soon a signal that arrived in fragile code is looked at again (seconds).
RETRY_SECONDS = 0.005

MESSAGE = "Error: interrupted\n"

_STARTING, _RUNNING, _UNWINDING, _SETTLED = "starting", "running", "unwinding", "settled"


class Interrupted(KeyboardInterrupt):
    """The run was stopped by SIGINT or SIGTERM (a ``KeyboardInterrupt``, so
    code that already cleans up on Ctrl-C does so here too)."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = int(signum)

    @property
    def exit_code(self) -> int:
        return exit_code(self.signum)


def exit_code(signum: int) -> int:
    """The shell convention: 128 + the signal number (130 for SIGINT, 143 for SIGTERM)."""
    return 128 + int(signum)


class _State:
    installed = False
    owner = 0  # pid of the process that installed the handlers
    phase = _STARTING
    pending = 0  # a signal seen while raising was unsafe
    deferring = 0  # depth of deferred() blocks
    timer = False


_state = _State()


def install() -> None:
    """Take over SIGINT and SIGTERM for a command-line run (call it first thing).

    A signal ignored when the process started (``nohup``, a background job
    of a non-interactive shell) stays ignored.
    """
    _state.installed = True
    _state.owner = os.getpid()
    _state.phase = _STARTING
    for signum in SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _on_signal)


def begin() -> None:
    """The command's own work starts: from now on a signal unwinds instead of exiting."""
    if _state.installed and _state.phase == _STARTING:
        _state.phase = _RUNNING


def settle() -> None:
    """The outcome is decided: ignore SIGINT and SIGTERM until the process exits.

    Ignored (``SIG_IGN``), not merely handled: Python resets handled signals to
    their default at shutdown, and a signal then would kill the process.
    """
    if not _state.installed or _state.phase == _SETTLED:
        return
    _state.phase = _SETTLED
    _cancel_retry()
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """A block a signal must not cut in two: the signal is acted on when it ends."""
    _state.deferring += 1
    try:
        yield
    finally:
        _state.deferring -= 1
        if _state.deferring == 0 and _state.pending and _state.phase == _RUNNING:
            _raise_pending()


@contextlib.contextmanager
def committing() -> Iterator[None]:
    """The final rename of an output: once it is done, the run has succeeded.

    A signal that arrives before the block is an interruption (the temporary
    file is removed, nothing appears); one that arrives during or after it is
    ignored and the run exits 0 with its complete output.
    """
    _state.deferring += 1
    try:
        yield
    except BaseException:
        _state.deferring -= 1
        raise
    _state.deferring -= 1
    settle()


def worker_policy() -> None:
    """Signal dispositions for a worker process (call it in the pool initializer)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if os.getpid() != _state.owner:  # a forked worker before worker_policy() ran
        _die_as_worker(signum)
        return
    if _state.phase == _STARTING:
        _exit_now(signum)
    if _state.phase != _RUNNING:
        return  # unwinding or settled
    _state.pending = _state.pending or signum
    if _state.deferring or _in_fragile_code(frame):
        _retry_later()
        return
    _raise_pending()


def _on_retry(signum: int, frame: FrameType | None) -> None:
    _state.timer = False
    if _state.phase != _RUNNING or not _state.pending:
        return
    if _state.deferring or _in_fragile_code(frame):
        _retry_later()
        return
    _raise_pending()


def _raise_pending() -> None:
    signum, _state.pending = _state.pending, 0
    _state.phase = _UNWINDING
    _cancel_retry()
    raise Interrupted(signum)


def _in_fragile_code(frame: FrameType | None) -> bool:
    while frame is not None:
        module = frame.f_globals.get("__name__") or ""
        if module.split(".", 1)[0] in FRAGILE_MODULES:
            return True
        frame = frame.f_back
    return False


def _retry_later() -> None:
    if _state.timer:
        return
    _state.timer = True
    signal.signal(signal.SIGALRM, _on_retry)
    signal.setitimer(signal.ITIMER_REAL, RETRY_SECONDS)


def _cancel_retry() -> None:
    if _state.timer:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _state.timer = False
    if signal.getsignal(signal.SIGALRM) is _on_retry:
        signal.signal(signal.SIGALRM, signal.SIG_IGN)


def _exit_now(signum: int) -> None:
    """Before the command starts nothing needs cleaning up: leave without unwinding."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    with contextlib.suppress(OSError):
        os.write(2, MESSAGE.encode())
    os._exit(exit_code(signum))


def _die_as_worker(signum: int) -> None:
    if signum == signal.SIGTERM:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
