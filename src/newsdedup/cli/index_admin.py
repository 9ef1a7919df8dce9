"""``newsdedup index check|migrate``: looking after an index rather than using it.

Why apart from :mod:`.index`: these commands run rarely, by hand, and share
nothing with the streaming ones but how an index is located; importing this
module (at the end of :mod:`.index`) registers them on ``index_app``.
"""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Annotated

import typer

from ..errors import ConfigError, IndexDamaged
from . import _common as c
from .index import IndexLocation, StatsFormat, index_app


@index_app.command()
@c.command
def check(
    *,
    location: IndexLocation,
    repair: Annotated[
        bool, typer.Option("--repair", help="Fix what can be fixed, in one transaction.")
    ] = False,
    quick: Annotated[
        bool,
        typer.Option("--quick", help="SQLite: quick_check instead of the full integrity_check."),
    ] = False,
    format: Annotated[StatsFormat, typer.Option("--format", "-f")] = StatsFormat.text,
) -> None:
    """Check the index: SQLite's integrity check and the index's own invariants; --repair fixes what it can.

    Exit 0 when the index is sound (or was repaired), 1 when damage is left.

    Example:

        newsdedup index check --db news.db

        newsdedup index check --db news.db --repair

        newsdedup index check --redis redis://127.0.0.1:6379/0 --prefix wire --format json
    """
    from ..index.integrity import CheckReport, Problem  # the index package: not for --help

    try:
        store = location.store(False, read_only=not repair, manifest=False)
    except IndexDamaged as err:  # damaged beyond opening: that is the report
        backend = "redis" if location.redis else "sqlite"
        report = CheckReport(err.path or location.db, backend, ["open"])
        report.problems.append(Problem("open", 1, err.what, False))
    else:
        with contextlib.closing(store):
            report = store.check_integrity(quick=quick, repair=repair)
    if format is StatsFormat.json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    else:
        for problem in report.repaired:
            sys.stdout.write(f"repaired  {problem.line()}\n")
        for problem in report.problems:
            sys.stdout.write(f"damaged   {problem.line()}\n")
        verdict = "damaged" if report.damaged else "ok"
        sys.stdout.write(f"{verdict:<9} {report.location}: {', '.join(report.checks)} checked\n")
    if report.damaged:
        raise typer.Exit(1)


@index_app.command()
@c.command
def migrate(
    path: Annotated[
        str | None,
        typer.Argument(help="The SQLite index file (else --db).", show_default=False),
    ] = None,
    drop_text: Annotated[
        bool,
        typer.Option(
            "--drop-text",
            help="SQLite: keep only references (origin, source, URL, date) instead of the article "
            "records: the lean layout, as 'add' makes without --store-text.",
        ),
    ] = False,
    quiet: c.Quiet = False,
    *,
    location: IndexLocation,
) -> None:
    """Bring an index made by an older newsdedup to the current layout.

    SQLite: the file is rewritten with compact bodies; the new file is written beside the old one
    and renamed over it only once complete, so a failed migration leaves the old index as it was.
    Stop writers of the index first. Article records are kept unless --drop-text.

    Redis: the keys of an index made before cluster support get the {prefix} hash tag. Run it
    once on the server the index was built on; it is resumable, and a no-op on an index already
    migrated. Then `redis-cli --cluster import` can move it into a cluster.

    Example:

        newsdedup index migrate news.db

        newsdedup index migrate news.db --drop-text

        newsdedup index migrate --redis redis://127.0.0.1:6379/0 --prefix news
    """
    if location.redis:
        if path is not None or drop_text:
            raise ConfigError("index migrate --redis takes no PATH and no --drop-text")
        _migrate_redis(location)
        return
    from ..index.sqlite_migrate import migrate_sqlite  # the index package: not for --help

    done = migrate_sqlite(path or location.db, keep_text=not drop_text, wait_seconds=location.wait)
    if not quiet:
        c.stderr.print(
            f"migrated {done.path}: {done.articles:,} articles, "
            f"{done.bytes_before / 1e6:,.1f} MB → {done.bytes_after / 1e6:,.1f} MB"
            + ("" if done.text else " (texts dropped: references kept)")
        )


def _migrate_redis(location: IndexLocation) -> None:
    from ..index.redis_migrate import migrate_layout

    with contextlib.closing(location.store(False, manifest=False)) as store:
        renamed = migrate_layout(store)
    sys.stdout.write(
        f"migrated  {store.location}: {renamed} keys renamed\n"
        if renamed
        else f"ok        {store.location}: already in the current key layout\n"
    )
