"""The ``newsdedup`` command: a thin layer over the library.

Each command parses its options, makes one library call and renders the
result; errors print as one line ``Error: ...`` with a meaningful exit code:
0 done, 1 runtime failure (output, index), 2 bad input or options,
3 storage backend unreachable, 130 interrupted (143 on SIGTERM; see
newsdedup.interrupts and the entry point in newsdedup.__main__).
"""

from __future__ import annotations

from typing import Any

import typer

from ._common import EXIT_INTERRUPTED, error
from .compare import compare
from .evaluate import evaluate
from .index import index_app
from .scan import dedup, pairs, scan
from .spark import spark_app
from .train import train

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
app.command()(train)
app.add_typer(index_app)
app.add_typer(spark_app)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"newsdedup {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Find exact, near-duplicate, partially copied and rewritten news articles."""


def main(args: list[str] | None = None) -> None:
    """Console-script entry point: usage errors are one line too, exit 2.

    Example (a misspelt option):

        $ newsdedup scan --bogus seeds/
        Error: newsdedup scan: no such option: --bogus (see 'newsdedup scan --help')
    """
    exceptions = _click_exceptions()
    try:
        code = app(args=args, prog_name="newsdedup", standalone_mode=False)
    except exceptions.NoArgsIsHelpError as err:  # `newsdedup` or `newsdedup index` alone
        typer.echo(err.ctx.get_help() if err.ctx is not None else err.format_message())
        raise SystemExit(2) from None
    except exceptions.UsageError as err:
        where = f"{err.ctx.command_path}: " if err.ctx is not None else ""
        hint = f" (see '{err.ctx.command_path} --help')" if err.ctx is not None else ""
        message = err.format_message()
        error(f"{where}{message[:1].lower()}{message[1:]}{hint}")
        raise SystemExit(err.exit_code) from None
    except exceptions.ClickException as err:
        error(err.format_message())
        raise SystemExit(err.exit_code) from None
    except typer.Abort:
        error("interrupted")
        raise SystemExit(EXIT_INTERRUPTED) from None
    raise SystemExit(code if isinstance(code, int) else 0)


def _click_exceptions() -> Any:
    """Click's exception classes: vendored inside Typer from 0.20 on, the click package before."""
    try:
        from typer._click import exceptions
    except ImportError:  # pragma: no cover - older Typer with click installed
        from click import exceptions  # type: ignore[no-redef]
    return exceptions
