"""The ``newsdedup`` command's entry point (also ``python -m newsdedup``).

Why here and so small: signal handlers must be in place before the heavy
imports (numpy, numba, scikit-learn take a second or more), so that Ctrl-C
during start-up prints one line instead of an import traceback. This module
imports only :mod:`newsdedup.interrupts` before installing them.
"""

from __future__ import annotations

from . import interrupts


def main() -> None:
    """Console-script entry point: install the signal policy, then run the CLI."""
    interrupts.install()
    from .cli import main as run

    run()


if __name__ == "__main__":
    main()
