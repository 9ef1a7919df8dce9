"""Errors and interrupts become one line on stderr and an exit code, never a traceback.

Why one wrapper: every command must end the same way whatever stops it, a
library error (its ``exit_code``), Ctrl-C or SIGTERM (130 / 143, see
:mod:`newsdedup.interrupts`), a closed pipe (0), or memory running out (1).

Example:
    >>> from newsdedup.errors import ConfigError
    >>> @handle_errors
    ... def fails() -> None:
    ...     raise ConfigError("bad option")
    >>> try:
    ...     fails()
    ... except typer.Exit as done:
    ...     done.exit_code
    2
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from .. import interrupts
from ..errors import NewsDedupError

__all__ = ["EXIT_INTERRUPTED", "error", "handle_errors", "stderr", "warn"]

R = TypeVar("R")

#: Exit codes (also in the README): 0 ok, 1 runtime error (output, index),
#: 2 bad input, option or configuration, 3 backend unreachable, 130 interrupted
#: (143 when stopped by SIGTERM).
EXIT_INTERRUPTED = 130

stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def error(message: str) -> None:
    stderr.print(f"[bold red]Error:[/bold red] {escape(message)}")


def warn(message: str) -> None:
    stderr.print(f"[yellow]Warning:[/yellow] {escape(message)}")


def handle_errors(command: Callable[..., R]) -> Callable[..., R]:
    """Turn library errors and interrupts into ``Error: ...`` and an exit code, never a traceback.

    The outcome is decided here, once: when the command returns or fails,
    further signals are ignored (:func:`newsdedup.interrupts.settle`), so a
    late Ctrl-C cannot turn a finished run into a failure or kill the
    process while it exits. An interrupt that lands while another error is
    being reported is caught by the outer layer.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> R:
        try:
            return _run_command(command, args, kwargs)
        except KeyboardInterrupt as err:
            interrupts.settle()
            _report_interrupt(err)
        finally:
            interrupts.settle()

    return wrapper


def _run_command(command: Callable[..., Any], args: Any, kwargs: Any) -> Any:
    interrupts.begin()
    try:
        result = command(*args, **kwargs)
        interrupts.settle()
        return result
    except NewsDedupError as err:
        interrupts.settle()
        error(str(err))
        raise typer.Exit(err.exit_code) from None
    except KeyboardInterrupt as err:
        interrupts.settle()
        _report_interrupt(err)
    except BrokenPipeError:
        # The reader went away (`newsdedup pairs ... | head`): not an error.
        interrupts.settle()
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        raise typer.Exit(0) from None
    except MemoryError:
        interrupts.settle()
        error("out of memory; try fewer --workers or a smaller input")
        raise typer.Exit(1) from None


def _report_interrupt(err: KeyboardInterrupt) -> NoReturn:
    error("interrupted")
    code = err.exit_code if isinstance(err, interrupts.Interrupted) else EXIT_INTERRUPTED
    raise typer.Exit(code) from None
