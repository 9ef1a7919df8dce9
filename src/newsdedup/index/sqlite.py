"""The embedded backend: one SQLite file in WAL mode.

Why SQLite: one file, no server, crash-safe transactions, and readers that
never wait for the writer. Every table is keyed so that a lookup is a handful
of B-tree seeks and opening a file of a million articles reads nothing but
the manifest:

=========  ================================================================
meta       manifest (JSON), seq (the last doc number given)
counters   articles, and articles per relation
articles   doc, id (unique), root, relation, exact_key, in_lsh, dates, and
           the k-gram and word-set MinHash signatures (one read per candidate)
bodies     doc → body: token hashes and number bits, compact (``sqlite_codec``)
records    doc → the article record, compressed (``--store-text``), or a
           reference: origin (file and line), source, URL, date; a table of
           its own so that two ~2 KB bodies share a 4 KB page
bands      (LSH key, doc), the key being a 64-bit hash of one band's rows
df         hashed feature → number of stored articles containing it
=========  ================================================================

Integrity: everything read back is validated (``validate.py``) before it
reaches a kernel; a damaged page or value is an
:class:`~newsdedup.errors.IndexDamaged` naming what, never a crash. Doc numbers
are never reused (``meta.seq``), and removing an original re-elects one of
its copies in the same transaction, so no copy ever points at a deleted or
unrelated article. A file holding other tables is refused
(:class:`~newsdedup.errors.NotAnIndex`) rather than turned into an index.
Read-only commands open the file read-only (``mode=ro``): they neither write
nor wait for a writer (WAL readers see the last commit).

Concurrency: each write batch is one ``BEGIN IMMEDIATE`` transaction. A second
writer waits (SQLite's busy timeout, retried until ``wait_seconds``) and then
gets a clear :class:`~newsdedup.errors.IndexStoreError`, never a traceback.
``synchronous=NORMAL``: a killed process loses at most its open batch; a
power cut may also lose the last committed batches, never corrupt the file.

Example:
    >>> store = SQLiteStore(":memory:")
    >>> store.load_manifest() is None, store.stats().articles
    (True, 0)
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..errors import ConfigError, IndexDamaged, IndexStoreError
from .base import Bodies, IndexStats, IndexStore, Known, NewArticles, Summaries
from .codec import band_keys, cap_per_key, join_lookups
from .integrity import CheckReport, elect
from .sqlite_codec import bodies_of, body_blobs, exported, record_value
from .sqlite_layout import (
    LAYOUT,
    check_text_choice,
    file_layout,
    old_layout_error,
    split_storage,
    storage_of,
)
from .sqlite_open import connect, error_for, refuse_foreign, undecodable
from .validate import check_docs, check_roots, decoding, manifest_from_json, signature_rows

__all__ = ["SQLiteStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    doc INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, root INTEGER NOT NULL, relation TEXT NOT NULL,
    exact_key INTEGER NOT NULL, in_lsh INTEGER NOT NULL, published REAL, added REAL NOT NULL,
    signature BLOB NOT NULL, word_signature BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS articles_exact ON articles(exact_key);
CREATE INDEX IF NOT EXISTS articles_age ON articles(coalesce(published, added));
CREATE INDEX IF NOT EXISTS articles_root ON articles(root) WHERE root >= 0;
CREATE TABLE IF NOT EXISTS bodies (doc INTEGER PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS records (doc INTEGER PRIMARY KEY, record NOT NULL);
CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS df (feature INTEGER PRIMARY KEY, n INTEGER NOT NULL);
INSERT OR IGNORE INTO counters VALUES ('articles', 0);
"""

#: Host parameters per statement (SQLite allows 32766 since 3.32; stay well below).
_CHUNK = 900


def _chunks(values: list, size: int = _CHUNK) -> Iterator[list]:
    for lo in range(0, len(values), size):
        yield values[lo : lo + size]


class SQLiteStore(IndexStore):
    """An index in one SQLite file.

    Args:
        path: The file (``:memory:`` for a throwaway index).
        create: Create the file if it does not exist; otherwise a missing
            file is an error (``query``, ``stats`` never create one).
        wait_seconds: How long a writer waits for another one before giving up.
        read_only: Open the file read-only (``mode=ro``): for commands that only read.
        manifest: Load and validate the manifest now (``index check`` opens a
            damaged index without it, to report what is wrong).
        store_text: Keep each article's whole record (``--store-text``), or
            only a reference to it (False). Chosen when the index is created
            and recorded in its manifest; None follows the index (no texts
            for a new one), a different choice later is an error.

    Raises:
        IndexStoreError: The file is not a newsdedup index, or missing.
        BackendUnavailable: The file cannot be opened.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        create: bool = True,
        wait_seconds: float = 120.0,
        read_only: bool = False,
        manifest: bool = True,
        store_text: bool | None = None,
    ) -> None:
        self.location = str(path)
        self.asked_text = store_text
        #: Whether article records are kept whole (from the manifest once there is one).
        self.store_text = bool(store_text)
        self.wait_seconds = wait_seconds
        self._shape: dict[str, int] | None = None
        self._perms = (0, 0)
        memory = self.location == ":memory:"
        self.read_only = read_only and not memory
        if not memory and os.path.isdir(self.location):
            raise ConfigError("--db names a folder; give the index file", path=self.location)
        if not memory and (read_only or not create) and not os.path.exists(self.location):
            raise IndexStoreError(
                "no index here (create one with `newsdedup index add`)", path=self.location
            )
        self._db = connect(self.location, self.read_only, min(10.0, wait_seconds))
        with self._errors():
            self._db.execute(f"PRAGMA busy_timeout = {int(min(10.0, wait_seconds) * 1000)}")
            refuse_foreign(self._db, self.location, self.read_only)
            if file_layout(self._db) == 1:
                raise old_layout_error(self.location, 1)
            if not self.read_only:
                self._retry(lambda: self._db.execute("PRAGMA journal_mode = WAL"))
            # cell_size_check: damaged B-tree pages are reported as such when read, not misread.
            for pragma in ("cache_size = -65536", "temp_store = MEMORY", "cell_size_check = ON"):
                self._db.execute(f"PRAGMA {pragma}")
            if not self.read_only:
                self._db.execute("PRAGMA synchronous = NORMAL")
                self._db.execute("PRAGMA wal_autocheckpoint = 16384")
                self._retry(lambda: self._db.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}COMMIT;"))
        if manifest:
            self.load_manifest()

    # --- plumbing --------------------------------------------------------------------
    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as err:
            if self._db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            raise error_for(str(err), self.location, self.wait_seconds) from None
        except UnicodeDecodeError as err:
            raise undecodable(err, self.location) from None

    def _retry(self, action):
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                return action()
            except sqlite3.OperationalError as err:
                if (
                    "locked" not in str(err) and "busy" not in str(err)
                ) or time.monotonic() > deadline:
                    raise
                with contextlib.suppress(sqlite3.Error):
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                time.sleep(0.05)

    def _rows(self, sql: str, values: list) -> list[tuple]:
        out: list[tuple] = []
        with self._errors():
            for part in _chunks(values):
                out.extend(self._db.execute(sql.format(",".join("?" * len(part))), part).fetchall())
        return out

    # --- configuration ---------------------------------------------------------------
    def load_manifest(self) -> dict[str, Any] | None:
        with self._errors():
            row = self._db.execute("SELECT value FROM meta WHERE name = 'manifest'").fetchone()
        if row is None:
            return None
        manifest, storage = split_storage(manifest_from_json(row[0], self.location))
        storage = storage_of(storage, self.location)
        check_text_choice(storage["text"], self.asked_text, self.location)
        self.store_text = storage["text"]
        self._shape = {k: manifest[k] for k in ("bands", "rows", "word_bands", "word_rows")}
        self._perms = (int(manifest["num_perm"]), int(manifest["word_num_perm"]))
        return manifest

    def save_manifest(self, manifest: dict[str, Any]) -> dict[str, Any]:
        with self._errors():
            self._retry(lambda: self._db.execute("BEGIN IMMEDIATE"))
            self._db.execute(
                "INSERT OR IGNORE INTO meta VALUES ('manifest', ?)",
                (json.dumps({**manifest, "storage": {"layout": LAYOUT, "text": self.store_text}}),),
            )
            self._db.execute("COMMIT")
        stored = self.load_manifest()
        assert stored is not None
        return stored

    # --- reads -----------------------------------------------------------------------
    def known(self, ids: list[str]) -> dict[str, Known]:
        rows = self._rows(
            "SELECT a.id, a.doc, r.id, a.relation FROM articles a LEFT JOIN articles r "
            "ON r.doc = a.root WHERE a.id IN ({})",
            list(ids),
        )
        return {aid: Known(doc, original, relation) for aid, doc, original, relation in rows}

    def candidates(
        self,
        signatures: np.ndarray,
        word_signatures: np.ndarray,
        exact_keys: np.ndarray,
        max_bucket: int,
    ) -> list[np.ndarray]:
        n = len(signatures)
        if self._shape is None or n == 0:
            return [np.zeros(0, np.int64) for _ in range(n)]
        keys = band_keys(signatures, word_signatures, self._shape)
        bands = self._shape["bands"]
        exact = np.asarray(exact_keys, np.uint64).view(np.int64)
        with_text = np.flatnonzero(exact != 0)
        # k-gram buckets and exact keys hold copies of one story: one IN query, then the newest
        # max_bucket docs of each. Word-set buckets are read per key, at most max_bucket + 1 docs
        # along the (key, doc) primary key: a fuller one is a stop bucket and is skipped.
        found = self._rows(
            "SELECT key, doc FROM bands WHERE key IN ({})", np.unique(keys[:, :bands]).tolist()
        )
        found += self._rows(
            "SELECT exact_key, doc FROM articles WHERE exact_key IN ({})",
            np.unique(exact[with_text]).tolist(),
        )
        with decoding(self.location, "an LSH row"):
            pairs = np.array(found, np.int64).reshape(-1, 2)
        check_docs(pairs[:, 1], self.location, "a doc number in the LSH table")
        found_keys, found_docs = cap_per_key(pairs[:, 0], pairs[:, 1], max_bucket)
        with decoding(self.location, "an LSH row"):
            word = np.array(
                self._small_buckets(np.unique(keys[:, bands:]).tolist(), max_bucket), np.int64
            ).reshape(-1, 2)
        check_docs(word[:, 1], self.location, "a doc number in the LSH table")
        found_keys = np.concatenate([found_keys, word.reshape(-1, 2)[:, 0]])
        found_docs = np.concatenate([found_docs, word.reshape(-1, 2)[:, 1]])
        # Band keys and exact keys are both 64-bit hashes: one join serves both (a chance
        # collision between the two would only add a candidate, which verification drops).
        query_keys = np.concatenate([keys.ravel(), exact[with_text]])
        query_rows = np.concatenate([np.repeat(np.arange(n), keys.shape[1]), with_text])
        return join_lookups(query_keys, query_rows, found_keys, found_docs, n)

    def _small_buckets(self, keys: list[int], max_bucket: int) -> list[tuple]:
        """(key, doc) rows of the buckets holding at most ``max_bucket`` docs."""
        sql = "SELECT key, doc FROM bands WHERE key = ? LIMIT ?"
        out: list[tuple] = []
        with self._errors():
            for key in keys:
                rows = self._db.execute(sql, (key, max_bucket + 1)).fetchall()
                if len(rows) <= max_bucket:
                    out.extend(rows)
        return out

    def summaries(self, docs: np.ndarray) -> Summaries:
        docs = np.asarray(docs, np.int64)
        rows = self._rows(
            "SELECT doc, id, root, exact_key, signature, word_signature FROM articles "
            "WHERE doc IN ({})",
            docs.tolist(),
        )
        return _summaries(docs, rows, self._perms, self.location)

    def bodies(self, docs: np.ndarray) -> Bodies:
        docs = np.asarray(docs, np.int64)
        rows = dict(self._rows("SELECT doc, body FROM bodies WHERE doc IN ({})", docs.tolist()))
        return bodies_of([rows.get(int(d)) for d in docs], self.location)

    def document_frequencies(self, features: np.ndarray) -> tuple[np.ndarray, int]:
        features = np.asarray(features, np.int64)
        found = dict(
            self._rows("SELECT feature, n FROM df WHERE feature IN ({})", features.tolist())
        )
        with self._errors():
            row = self._db.execute("SELECT n FROM counters WHERE name = 'articles'").fetchone()
        with decoding(self.location, "document frequencies"):
            df = np.array([found.get(int(f), 0) for f in features], np.int64)
            n_docs = int(row[0]) if row is not None else 0
        if (df < 0).any() or n_docs < 0:
            raise IndexDamaged("a negative document frequency or article count", path=self.location)
        return df, n_docs

    # --- writes ----------------------------------------------------------------------
    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        with self._errors():
            self._retry(lambda: self._db.execute("BEGIN IMMEDIATE"))
            try:
                yield
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise
            self._retry(lambda: self._db.execute("COMMIT"))

    def reserve(self, n: int) -> np.ndarray:
        """Fresh doc numbers, never given before (``meta.seq``): copies of a removed
        article can never come to point at an unrelated newer one."""
        with self._errors():
            db = self._db
            top = db.execute("SELECT coalesce(max(doc), 0) FROM articles").fetchone()[0]
            seq = db.execute("SELECT value FROM meta WHERE name = 'seq'").fetchone()
            with decoding(self.location, "the last doc number"):
                top = max(int(top), int(seq[0]) if seq else 0)
            check_docs(np.array([top + n]), self.location, "the last doc number")
            db.execute(
                "INSERT INTO meta VALUES ('seq', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                (str(top + n),),
            )
        return np.arange(top + 1, top + 1 + n, dtype=np.int64)

    def store(self, batch: NewArticles) -> None:
        if not len(batch):
            return
        docs = batch.docs.tolist()
        exact = batch.exact_keys.astype(np.uint64).view(np.int64).tolist()
        published = [None if np.isnan(p) else float(p) for p in batch.published]
        with self._errors():
            db = self._db
            db.executemany(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                zip(
                    docs,
                    batch.ids,
                    batch.roots.tolist(),
                    batch.relations,
                    exact,
                    batch.in_lsh.astype(int).tolist(),
                    published,
                    # Whole seconds (what export shows): 4 bytes on disk instead of 8.
                    np.floor(batch.added).tolist(),
                    (s.tobytes() for s in batch.signatures),
                    (w.tobytes() for w in batch.word_signatures),
                ),
            )
            db.executemany(
                "INSERT INTO bodies VALUES (?, ?)",
                zip(docs, body_blobs(batch.tokens, batch.flags, batch.offsets)),
            )
            db.executemany(
                "INSERT INTO records VALUES (?, ?)",
                zip(docs, (record_value(r, self.store_text) for r in batch.records)),
            )
            self._insert_bands(
                batch.docs[batch.in_lsh],
                batch.signatures[batch.in_lsh],
                batch.word_signatures[batch.in_lsh],
            )
            self._add_df(batch.df_features, batch.df_counts)
            self._count(batch.relations, +1)

    def _insert_bands(
        self, docs: np.ndarray, signatures: np.ndarray, word_signatures: np.ndarray
    ) -> None:
        if len(docs) and self._shape is not None:
            keys = band_keys(signatures, word_signatures, self._shape).ravel()
            order = np.argsort(
                keys, kind="stable"
            )  # in key order: B-tree pages are touched once each
            rows = zip(
                keys[order].tolist(), np.repeat(docs, len(keys) // len(docs))[order].tolist()
            )
            self._db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)", rows)

    def _count(self, relations: list[str], sign: int) -> None:
        """Keep the article counters (total and per relation) in step, in the same transaction."""
        deltas: dict[str, int] = {"articles": 0}
        for relation in relations:
            deltas["articles"] += sign
            deltas[f"relation:{relation}"] = deltas.get(f"relation:{relation}", 0) + sign
        self._db.executemany(
            "INSERT INTO counters VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET n = n + excluded.n",
            deltas.items(),
        )

    def _add_df(self, features: np.ndarray, counts: np.ndarray) -> None:
        self._db.executemany(
            "INSERT INTO df VALUES (?, ?) ON CONFLICT(feature) DO UPDATE SET n = n + excluded.n",
            zip(np.asarray(features).tolist(), np.asarray(counts).tolist()),
        )

    def remove(self, docs: np.ndarray, df_features: np.ndarray, df_counts: np.ndarray) -> int:
        docs = np.asarray(docs, np.int64)
        rows = self._rows(
            "SELECT doc, exact_key, in_lsh, relation FROM articles WHERE doc IN ({})", docs.tolist()
        )
        if not rows:
            return 0
        docs = np.array([r[0] for r in rows], np.int64)
        lsh = np.array([bool(r[2]) for r in rows])
        summaries = self.summaries(docs[lsh])
        with self._errors():
            if lsh.any() and self._shape is not None:
                keys = band_keys(summaries.signatures, summaries.word_signatures, self._shape)
                self._db.executemany(
                    "DELETE FROM bands WHERE key = ? AND doc = ?",
                    zip(keys.ravel().tolist(), np.repeat(docs[lsh], keys.shape[1]).tolist()),
                )
            self._add_df(df_features, -np.asarray(df_counts))
            for table in ("articles", "bodies", "records"):
                self._db.executemany(
                    f"DELETE FROM {table} WHERE doc = ?", ((int(d),) for d in docs)
                )
            self._count([r[3] for r in rows], -1)
            self._reelect(docs.tolist())
            self._promote_twins({r[1] for r, in_lsh in zip(rows, lsh) if in_lsh and r[1] != 0})
        return len(docs)

    def _reelect(self, removed: list[int]) -> None:
        """Copies of removed originals: the earliest published becomes the original, the rest point to it.

        Called in the transaction that removed them, so no reader ever sees a
        copy whose original is gone (see :func:`elect`).
        """
        copies = self._rows(
            "SELECT root, doc, published, relation FROM articles WHERE root IN ({})", removed
        )
        for old, group in elect(copies).items():
            winner, relation = group[0]
            self._db.execute(
                "UPDATE articles SET root = -1, relation = 'new' WHERE doc = ?", (winner,)
            )
            self._db.execute(
                "UPDATE articles SET root = ? WHERE root = ? AND doc != ?", (winner, old, winner)
            )
            self._db.executemany(
                "INSERT INTO counters VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET n = n + excluded.n",
                [("relation:new", 1), (f"relation:{relation}", -1)],
            )

    def _promote_twins(self, exact_keys: set[int]) -> None:
        """Give LSH entries to one exact copy of each removed LSH document, if none has them."""
        for key in exact_keys:
            rows = self._db.execute(
                "SELECT doc, in_lsh FROM articles WHERE exact_key = ? ORDER BY doc", (key,)
            ).fetchall()
            if rows and not any(in_lsh for _, in_lsh in rows):
                doc = np.array([rows[0][0]], np.int64)
                s = self.summaries(doc)
                self._insert_bands(doc, s.signatures, s.word_signatures)
                self._db.execute("UPDATE articles SET in_lsh = 1 WHERE doc = ?", (int(doc[0]),))

    def check_integrity(self, *, quick: bool = False, repair: bool = False) -> CheckReport:
        from .sqlite_check import check_sqlite

        return check_sqlite(self, quick=quick, repair=repair)

    def ids_older_than(self, cutoff: float) -> list[str]:
        with self._errors():
            return [
                r[0]
                for r in self._db.execute(
                    "SELECT id FROM articles WHERE coalesce(published, added) < ? ORDER BY doc",
                    (cutoff,),
                )
            ]

    # --- whole index -----------------------------------------------------------------
    def export(self) -> Iterator[dict[str, Any]]:
        sql = (
            "SELECT a.doc, a.id, r.id, a.relation, a.added, b.record FROM articles a LEFT JOIN records b ON b.doc = a.doc "
            "LEFT JOIN articles r ON r.doc = a.root WHERE a.doc > ? ORDER BY a.doc LIMIT 1000"
        )
        last = 0
        while True:
            with self._errors():
                rows = self._db.execute(sql, (last,)).fetchall()
            if not rows:
                return
            for doc, aid, original, relation, added, value in rows:
                with decoding(self.location, f"the record of doc {doc}"):
                    record = exported(aid, value, relation, original, added)
                yield record
            last = rows[-1][0]

    def stats(self) -> IndexStats:
        with self._errors():
            db = self._db
            counters = dict(db.execute("SELECT name, n FROM counters").fetchall())
            n = counters.get("articles", 0)
            relations = {
                k.split(":", 1)[1]: v
                for k, v in counters.items()
                if k.startswith("relation:") and v
            }
            # Two queries, so each is answered from one end of the age index.
            oldest = db.execute("SELECT min(coalesce(published, added)) FROM articles").fetchone()[
                0
            ]
            newest = db.execute("SELECT max(coalesce(published, added)) FROM articles").fetchone()[
                0
            ]
            pages = (
                db.execute("PRAGMA page_count").fetchone()[0]
                * db.execute("PRAGMA page_size").fetchone()[0]
            )
        size = (
            pages
            if self.location == ":memory:"
            else sum(
                os.path.getsize(p)
                for p in (self.location, self.location + "-wal")
                if os.path.exists(p)
            )
        )
        return IndexStats("sqlite", self.location, int(n), relations, oldest, newest, int(size))

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()


def _summaries(
    docs: np.ndarray, rows: list[tuple], perms: tuple[int, int], location: str
) -> Summaries:
    """Summaries from (doc, id, root, exact_key, signature, word_signature) rows, aligned with ``docs``.

    Every value is validated first (see ``validate.py``): ids are text, roots
    are -1 or doc numbers, signatures have the manifest's width.
    """
    n = len(docs)
    out = Summaries(
        docs,
        np.zeros(n, bool),
        [None] * n,
        np.full(n, -1, np.int64),
        np.zeros(n, np.uint64),
        np.full((n, perms[0]), 0xFFFFFFFF, np.uint32),
        np.full((n, perms[1]), 0xFFFFFFFF, np.uint32),
    )
    if not rows:
        return out
    position = {doc: i for i, doc in enumerate(docs.tolist())}
    with decoding(location, "an article row"):
        at = np.array([position[r[0]] for r in rows], np.int64)
        ids = [r[1] if isinstance(r[1], str) else None for r in rows]
        if None in ids:
            raise ValueError("an id that is not text")
        roots = check_roots(np.array([r[2] for r in rows], np.int64), location)
        exact = np.array([r[3] for r in rows], np.int64).view(np.uint64)
    out.present[at] = True
    for i, aid in zip(at.tolist(), ids):
        out.ids[i] = aid
    out.roots[at] = roots
    out.exact_keys[at] = exact
    out.signatures[at] = signature_rows([r[4] for r in rows], perms[0], location)
    out.word_signatures[at] = signature_rows([r[5] for r in rows], perms[1], location)
    return out
