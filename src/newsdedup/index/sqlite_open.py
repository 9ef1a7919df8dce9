"""Opening an SQLite index: read-write or read-only, refusing foreign files, typed errors.

Why a module of its own: what the user named with ``--db`` may be an index, a
new file, someone else's database, a damaged file or a file they may only
read. Each case has its answer here, and every SQLite error message the
store sees is turned into the one typed error the user can act on
(:func:`error_for`).

Example:
    >>> str(error_for("database disk image is malformed", "news.db", 120))
    "news.db: damaged (SQLite: database disk image is malformed); run 'newsdedup index check'"
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from typing import Any

from ..errors import BackendUnavailable, IndexDamaged, IndexStoreError, NotAnIndex

__all__ = ["TABLES", "connect", "error_for", "refuse_foreign", "undecodable"]

#: The tables of an index: a file with any other table is not an index.
TABLES = frozenset({"meta", "counters", "articles", "bodies", "records", "bands", "df"})


def connect(location: str, read_only: bool, timeout: float) -> sqlite3.Connection:
    """A connection: read-write, or ``mode=ro`` (``immutable`` when nothing can be written)."""
    options: dict[str, Any] = {
        "timeout": timeout,
        "isolation_level": None,
        "check_same_thread": False,
    }
    try:
        if not read_only:
            return sqlite3.connect(location, **options)
        uri = "file:" + urllib.parse.quote(os.path.abspath(location)) + "?mode=ro"
        db = sqlite3.connect(uri, uri=True, **options)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as err:
            # A WAL file needs its -shm file; when neither the file nor its folder may be
            # written, no writer can be at work either: read the file as it is.
            if "readonly" not in str(err) and "unable to open" not in str(err):
                raise
            db.close()
            db = sqlite3.connect(uri + "&immutable=1", uri=True, **options)
        return db
    except sqlite3.DatabaseError as err:
        text = str(err)
        if "unable to open" in text:  # a missing folder, no permission: nothing to read
            raise BackendUnavailable(f"cannot open the index: {err}", path=location) from None
        if "not a database" in text:
            raise error_for(text, location, timeout) from None
        raise IndexDamaged(f"SQLite: {text}", path=location) from None
    except UnicodeDecodeError as err:  # SQLite's message quotes damaged bytes
        raise undecodable(err, location) from None


def undecodable(err: UnicodeDecodeError, location: str) -> IndexDamaged:
    """SQLite reported damage in a message Python cannot decode (it quotes the damaged bytes)."""
    message = bytes(err.object).decode("utf-8", "replace") if err.object else str(err)
    return IndexDamaged(f"SQLite: {message}", path=location)


def refuse_foreign(db: sqlite3.Connection, location: str, read_only: bool) -> None:
    """Refuse a database that holds tables of its own: it is someone else's, not an index.

    An empty database becomes an index (unless opened read-only: then there
    is no index here).
    """
    tables = {
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    if read_only and not tables:
        raise IndexStoreError(
            "no index here (create one with `newsdedup index add`)", path=location
        )
    foreign = sorted(tables - TABLES)
    if foreign:
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise NotAnIndex(
            f"not a newsdedup index (an SQLite database with other tables: {shown}); "
            "give a new file or an index",
            path=location,
        )
    if tables and not {"meta", "articles"} <= tables:
        raise NotAnIndex("not a newsdedup index (its tables are incomplete)", path=location)


def error_for(text: str, location: str, wait_seconds: float) -> IndexStoreError:
    """The typed error of an SQLite message (what the user can act on)."""
    if "not a database" in text:
        return NotAnIndex("not a newsdedup index (not an SQLite database)", path=location)
    if "malformed" in text or "corrupt" in text:
        return IndexDamaged(f"SQLite: {text}", path=location)
    if "locked" in text or "busy" in text:
        return IndexStoreError(
            f"another process kept the index locked for over {wait_seconds:.0f} s", path=location
        )
    if "readonly" in text:
        return IndexStoreError(
            "the index file is read-only (stats, query and export can read it)", path=location
        )
    return IndexStoreError(f"index error: {text}", path=location)
