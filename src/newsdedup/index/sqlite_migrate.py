"""``newsdedup index migrate``: rewrite an SQLite index of layout 1 into the current layout.

Why a rewrite into a new file: the bodies change shape (compact token
coding, references instead of records), and a conversion in place that
stops half-way would leave an index that is neither. The new index is
written beside the old one (``PATH.migrating``), checked, made durable, and
only then renamed over it in one step: a migration that fails at any point
(damaged body, full disk, interrupt) leaves the old index exactly as it was.
The old file is held under a write lock throughout, so no writer adds to it
meanwhile; stop long-running writers first (a process that had the old file
open keeps writing to the replaced file).

Example:
    >>> from newsdedup.index import SQLiteStore
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "new.db")
    >>> SQLiteStore(path).close()
    >>> migrate_sqlite(path)
    Traceback (most recent call last):
    ...
    newsdedup.errors.IndexStoreError: ...: the index already has layout 2; nothing to migrate
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass

import numpy as np

from ..errors import IndexDamaged, IndexStoreError, NotAnIndex
from .sqlite import SQLiteStore
from .sqlite_codec import body_blobs, record_value
from .sqlite_layout import LAYOUT, file_layout, split_storage
from .sqlite_open import error_for, refuse_foreign
from .validate import decoding, manifest_from_json, number_bits, token_blob

__all__ = ["Migrated", "migrate_sqlite"]

#: Bodies converted per statement batch.
_BATCH = 2000
#: Tables copied row for row (same columns in both layouts).
_COPIED = ("counters", "articles", "bands", "df")


@dataclass(frozen=True)
class Migrated:
    """What a migration did: articles converted, file sizes before and after (bytes)."""

    path: str
    articles: int
    bytes_before: int
    bytes_after: int
    text: bool


def migrate_sqlite(path: str, *, keep_text: bool = True, wait_seconds: float = 120.0) -> Migrated:
    """Rewrite the layout-1 index at ``path`` in layout 2, atomically.

    Args:
        path: The index file.
        keep_text: Keep the article records (an old index has them all); False
            keeps only references (origin, source, URL, date), the lean layout.
        wait_seconds: How long to wait for a writer of the old index.

    Raises:
        IndexStoreError: No index, not layout 1, or locked by a writer.
        IndexDamaged: The old index cannot be read whole (it is left as it was).
    """
    if not os.path.isfile(path):
        raise IndexStoreError("no index here", path=path)
    temp = path + ".migrating"
    _remove(temp)
    old = sqlite3.connect(path, timeout=min(10.0, wait_seconds), isolation_level=None)
    try:
        before = _size(path)
        manifest = _check_old(old, path)
        old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        old.execute("BEGIN IMMEDIATE")  # no writer until the new file has replaced this one
        articles = _write_new(old, manifest, temp, keep_text)
        old.execute("ROLLBACK")
        old.execute("PRAGMA journal_mode = DELETE")  # no -wal left to pair with the new file
        old.close()
        os.replace(temp, path)
        _sync_folder(path)
    except sqlite3.DatabaseError as err:
        _remove(temp)
        raise error_for(str(err), path, wait_seconds) from None
    except BaseException:
        _remove(temp)
        raise
    finally:
        with contextlib.suppress(sqlite3.Error):
            old.close()
    return Migrated(path, articles, before, _size(path), keep_text)


def _check_old(old: sqlite3.Connection, path: str) -> dict:
    refuse_foreign(old, path, read_only=True)
    layout = file_layout(old)
    if layout != 1:
        raise IndexStoreError(
            f"the index already has layout {layout or LAYOUT}; nothing to migrate", path=path
        )
    row = old.execute("SELECT value FROM meta WHERE name = 'manifest'").fetchone()
    if row is None:
        raise NotAnIndex("an index without a manifest (never written): delete it", path=path)
    manifest, storage = split_storage(manifest_from_json(row[0], path))
    if storage is not None:
        raise IndexDamaged("manifest: a layout-2 manifest on layout-1 tables", path=path)
    return manifest


def _write_new(old: sqlite3.Connection, manifest: dict, temp: str, keep_text: bool) -> int:
    """Build the new index in ``temp``: same manifest, rows and doc numbers, new bodies."""
    new = SQLiteStore(temp, store_text=keep_text)
    try:
        new.save_manifest(manifest)
        db = new._db
        db.execute("ATTACH DATABASE ? AS old", (_uri(old),))
        with new.writing():
            db.execute("INSERT OR REPLACE INTO meta SELECT * FROM old.meta WHERE name = 'seq'")
            for table in _COPIED:
                db.execute(f"INSERT OR REPLACE INTO main.{table} SELECT * FROM old.{table}")
            articles = _convert_bodies(db, old, keep_text, temp)
        db.execute("DETACH DATABASE old")
        _verify(new, old)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode = DELETE")
        return articles
    finally:
        new.close()


def _convert_bodies(
    db: sqlite3.Connection, old: sqlite3.Connection, keep_text: bool, where: str
) -> int:
    last, count = -1, 0
    sql = "SELECT doc, tokens, numbers, record FROM old.bodies WHERE doc > ? ORDER BY doc LIMIT ?"
    while True:
        rows = db.execute(sql, (last, _BATCH)).fetchall()
        if not rows:
            return count
        tokens = [token_blob(r[1], where) for r in rows]
        flags = [
            np.unpackbits(np.frombuffer(number_bits(r[2], len(t), where), np.uint8), count=len(t))
            for r, t in zip(rows, tokens)
        ]
        offsets = np.zeros(len(rows) + 1, np.int64)
        np.cumsum([len(t) for t in tokens], out=offsets[1:])
        blobs = body_blobs(np.concatenate(tokens), np.concatenate(flags), offsets)
        with decoding(where, "an article record"):
            records = [record_value(r[3], keep_text) for r in rows]
        docs = [r[0] for r in rows]
        db.executemany("INSERT INTO main.bodies VALUES (?, ?)", zip(docs, blobs))
        db.executemany("INSERT INTO main.records VALUES (?, ?)", zip(docs, records))
        last, count = rows[-1][0], count + len(rows)


def _verify(new: SQLiteStore, old: sqlite3.Connection) -> None:
    """The new index has the old one's articles, and its sample bodies decode to the old tokens."""
    n_old = old.execute("SELECT count(*) FROM articles").fetchone()[0]
    n_new = new._db.execute("SELECT count(*) FROM articles").fetchone()[0]
    if n_old != n_new:
        raise IndexStoreError(f"migration copied {n_new} of {n_old} articles", path=new.location)
    docs = [r[0] for r in old.execute("SELECT doc FROM bodies ORDER BY random() LIMIT 200")]
    if docs:
        got = new.bodies(np.array(docs, np.int64))
        for i, doc in enumerate(docs):
            blob = old.execute("SELECT tokens FROM bodies WHERE doc = ?", (doc,)).fetchone()[0]
            if not np.array_equal(
                got.tokens[got.offsets[i] : got.offsets[i + 1]], token_blob(blob, "")
            ):
                raise IndexStoreError(
                    f"migration changed the tokens of doc {doc}", path=new.location
                )


def _uri(db: sqlite3.Connection) -> str:
    return db.execute("PRAGMA database_list").fetchone()[2]


def _size(path: str) -> int:
    return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))


def _remove(temp: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(temp + suffix)


def _sync_folder(path: str) -> None:
    """Make the rename durable (the folder entry), where the platform allows it."""
    with contextlib.suppress(OSError):
        fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
