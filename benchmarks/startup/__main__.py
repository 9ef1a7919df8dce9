"""``python -m benchmarks.startup``: see :mod:`benchmarks.startup.run`."""

from .run import main

main()
