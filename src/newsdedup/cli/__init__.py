"""The ``newsdedup`` command: a thin layer over the library.

Each command parses its options, makes one library call and renders the
result; errors print as one line ``Error: ...`` with a meaningful exit code:
0 done, 1 runtime failure (output, index), 2 bad input or options,
3 storage backend unreachable, 130 interrupted.
"""

from __future__ import annotations

import typer

from .. import __version__
from .compare import compare
from .evaluate import evaluate
from .index import index_app
from .scan import dedup, pairs, scan
from .spark import spark_app

app = typer.Typer(
    name="newsdedup",
    help="Find exact, near-duplicate, partially copied and rewritten news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)

app.command()(scan)
app.command()(pairs)
app.command()(dedup)
app.command()(compare)
app.command()(evaluate)
app.add_typer(index_app)
app.add_typer(spark_app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"newsdedup {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Find exact, near-duplicate, partially copied and rewritten news articles."""


def main() -> None:
    """Console-script entry point."""
    app()
