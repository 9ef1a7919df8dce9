"""The file to give ``spark-submit``: ``spark-submit [...] submit.py scan INPUT -o OUTPUT``.

``spark-submit`` runs a Python *file*, not a module; this one runs
``newsdedup spark`` with the arguments after it (absolute imports only, so
it works as a script). Find its path with
``python -c 'import newsdedup.spark.submit as s; print(s.__file__)'``.
"""

from __future__ import annotations

import sys


def main() -> None:
    from newsdedup.cli import app

    app(["spark", *sys.argv[1:]], prog_name="newsdedup")


if __name__ == "__main__":
    main()
