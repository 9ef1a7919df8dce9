"""``newsdedup index check`` for an SQLite index: SQLite's own check, then newsdedup's invariants.

Why both: ``PRAGMA integrity_check`` proves the file is a sound B-tree
database (every page read); the invariants prove it is a sound *index*
(every copy's original exists, every article has its body and LSH rows,
the counters agree with the rows). Each invariant is one SQL query; a
repair is one transaction that re-derives what can be derived (counters,
LSH rows from stored signatures, originals by re-election) and drops what
points at nothing.

Example:
    >>> from newsdedup.index import SQLiteStore
    >>> check_sqlite(SQLiteStore(":memory:")).damaged
    False
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import numpy as np

from ..errors import IndexDamaged, IndexStoreError
from .integrity import CheckReport, Problem
from .manifest import config_of
from .sqlite import SQLiteStore

__all__ = ["check_sqlite"]

#: Each invariant: name, SQL counting the offenders, what they are, and whether repair fixes them.
INVARIANTS: list[tuple[str, str, str, bool]] = [
    (
        "roots",
        "SELECT count(*) FROM articles a WHERE a.root >= 0 "
        "AND NOT EXISTS (SELECT 1 FROM articles r WHERE r.doc = a.root)",
        "{n} copies whose original is not stored",
        True,
    ),
    (
        "roots",
        "SELECT count(*) FROM articles a JOIN articles r ON r.doc = a.root WHERE r.root >= 0",
        "{n} copies whose original is itself a copy",
        True,
    ),
    (
        "relations",
        "SELECT count(*) FROM articles WHERE root = -1 AND relation != 'new'",
        "{n} originals not marked 'new'",
        True,
    ),
    (
        "bodies",
        "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM bodies b WHERE b.doc = a.doc)",
        "{n} articles without a body (repair drops them)",
        True,
    ),
    (
        "bodies",
        "SELECT count(*) FROM bodies b WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.doc = b.doc)",
        "{n} bodies of no article",
        True,
    ),
    (
        "records",
        "SELECT count(*) FROM records r WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.doc = r.doc)",
        "{n} records of no article",
        True,
    ),
    (
        "bands",
        "SELECT count(*) FROM bands WHERE doc NOT IN (SELECT doc FROM articles WHERE in_lsh = 1)",
        "{n} LSH rows of no article (or of an exact copy)",
        True,
    ),
    (
        "bands",
        "SELECT count(*) FROM articles a WHERE in_lsh = 1 AND NOT EXISTS "
        "(SELECT 1 FROM bands b WHERE b.doc = a.doc)",
        "{n} articles missing their LSH rows",
        True,
    ),
    (
        "counters",
        "SELECT (SELECT count(*) FROM articles) != coalesce("
        "(SELECT n FROM counters WHERE name = 'articles'), -1)",
        "the article counter differs from the articles stored",
        True,
    ),
    (
        "counters",
        "SELECT count(*) FROM (SELECT relation FROM ("
        "SELECT relation, count(*) AS n FROM articles GROUP BY relation UNION ALL "
        "SELECT substr(name, 10), -n FROM counters WHERE name LIKE 'relation:%') "
        "GROUP BY relation HAVING sum(n) != 0)",
        "{n} relation counter(s) that differ from the articles stored",
        True,
    ),
    (
        "counters",
        "SELECT count(*) FROM df WHERE n < 0",
        "{n} negative document frequencies",
        False,
    ),
    (
        "doc numbers",
        "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE name = 'seq'), 0) "
        "< (SELECT coalesce(max(doc), 0) FROM articles) "
        "AND EXISTS (SELECT 1 FROM meta WHERE name = 'seq')",
        "the last doc number given is below a stored doc",
        True,
    ),
]


def check_sqlite(store: SQLiteStore, *, quick: bool = False, repair: bool = False) -> CheckReport:
    """Check (and with ``repair`` fix) an SQLite index; the report says what is still wrong."""
    report = CheckReport(store.location, "sqlite")
    db = store._db
    report.checks.append("quick_check" if quick else "integrity_check")
    try:
        rows = [r[0] for r in db.execute(f"PRAGMA {'quick_check' if quick else 'integrity_check'}")]
    except (sqlite3.DatabaseError, UnicodeDecodeError) as err:
        rows = [str(err)]
    if rows != ["ok"]:
        report.problems.append(
            Problem(
                "sqlite", len(rows), "; ".join(rows[:3]) + (" ..." if len(rows) > 3 else ""), False
            )
        )
    report.checks.append("manifest")
    manifest_ok = _manifest_problem(store, report)
    found = _invariants(db, report)
    if repair and any(p.repairable for p in found):
        if not manifest_ok:
            raise IndexStoreError(
                "cannot repair an index whose manifest is damaged; rebuild it from "
                "`newsdedup index export`",
                path=store.location,
            )
        with store.writing():
            _repair(store)
        report.problems = [p for p in report.problems if p not in found]
        after = _invariants(db, CheckReport(store.location, "sqlite"))
        report.repaired = [p for p in found if p.repairable]
        report.problems += after
    return report


def _manifest_problem(store: SQLiteStore, report: CheckReport) -> bool:
    try:
        manifest = store.load_manifest()
        if manifest is not None:
            config_of(manifest, store.location)
    except IndexDamaged as err:
        report.problems.append(Problem("manifest", 1, err.what, False))
        return False
    except IndexStoreError as err:
        report.problems.append(Problem("manifest", 1, err.message, False))
        return False
    return True


def _invariants(db: sqlite3.Connection, report: CheckReport) -> list[Problem]:
    found = []
    for name, sql, what, repairable in INVARIANTS:
        if name not in report.checks:
            report.checks.append(name)
        try:
            n = int(db.execute(sql).fetchone()[0] or 0)
        except (sqlite3.DatabaseError, UnicodeDecodeError) as err:
            found.append(Problem(name, 1, f"{what.format(n='')}: could not be read ({err})", False))
            continue
        if n:
            found.append(Problem(name, n, what.format(n=n), repairable))
    report.problems += found
    return found


def _repair(store: SQLiteStore) -> None:
    """One transaction (inside ``writing``): drop what points at nothing, re-derive the rest."""
    db = store._db
    steps: list[Callable[[], object]] = [
        lambda: db.execute("DELETE FROM bodies WHERE doc NOT IN (SELECT doc FROM articles)"),
        lambda: db.execute("DELETE FROM records WHERE doc NOT IN (SELECT doc FROM articles)"),
        lambda: _drop_articles_without_body(store),
        lambda: db.execute(
            "DELETE FROM bands WHERE doc NOT IN (SELECT doc FROM articles WHERE in_lsh = 1)"
        ),
        lambda: _restore_bands(store),
        lambda: _repoint_chains(db),
        lambda: store._reelect(
            [
                r[0]
                for r in db.execute(
                    "SELECT DISTINCT a.root FROM articles a WHERE a.root >= 0 "
                    "AND NOT EXISTS (SELECT 1 FROM articles r WHERE r.doc = a.root)"
                )
            ]
        ),
        lambda: db.execute("UPDATE articles SET relation = 'new' WHERE root = -1"),
        lambda: _recount(db),
    ]
    for step in steps:
        step()


def _drop_articles_without_body(store: SQLiteStore) -> None:
    db = store._db
    docs = [
        r[0]
        for r in db.execute(
            "SELECT doc FROM articles a WHERE NOT EXISTS (SELECT 1 FROM bodies b WHERE b.doc = a.doc)"
        )
    ]
    for doc in docs:
        db.execute("DELETE FROM bands WHERE doc = ?", (doc,))
        db.execute("DELETE FROM articles WHERE doc = ?", (doc,))
        db.execute("DELETE FROM records WHERE doc = ?", (doc,))
    if docs:
        store._reelect(docs)


def _restore_bands(store: SQLiteStore) -> None:
    docs = np.array(
        [
            r[0]
            for r in store._db.execute(
                "SELECT doc FROM articles a WHERE in_lsh = 1 AND NOT EXISTS "
                "(SELECT 1 FROM bands b WHERE b.doc = a.doc)"
            )
        ],
        np.int64,
    )
    if len(docs):
        s = store.summaries(docs)
        store._insert_bands(docs, s.signatures, s.word_signatures)


def _repoint_chains(db: sqlite3.Connection) -> None:
    """A copy of a copy points at that copy's original; the members of a cycle become originals."""
    for _ in range(64):
        changed = db.execute(
            "UPDATE articles SET root = (SELECT r.root FROM articles r WHERE r.doc = articles.root) "
            "WHERE root >= 0 AND EXISTS "
            "(SELECT 1 FROM articles r WHERE r.doc = articles.root AND r.root >= 0)"
        ).rowcount
        db.execute("UPDATE articles SET root = -1 WHERE root = doc")
        if not changed:
            return
    # Still chained after 64 rounds: a cycle. Its members become originals.
    db.execute(
        "UPDATE articles SET root = -1 WHERE root >= 0 "
        "AND root IN (SELECT doc FROM articles WHERE root >= 0)"
    )


def _recount(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM counters WHERE name LIKE 'relation:%'")
    db.execute(
        "INSERT INTO counters SELECT 'relation:' || relation, count(*) FROM articles GROUP BY relation"
    )
    db.execute(
        "INSERT INTO counters SELECT 'articles', count(*) FROM articles WHERE true "
        "ON CONFLICT(name) DO UPDATE SET n = excluded.n"
    )
    db.execute(
        "UPDATE meta SET value = (SELECT CAST(coalesce(max(doc), 0) AS TEXT) FROM articles) "
        "WHERE name = 'seq' AND CAST(value AS INTEGER) < (SELECT coalesce(max(doc), 0) FROM articles)"
    )
