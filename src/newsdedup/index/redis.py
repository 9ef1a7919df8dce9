"""The shared backend: Redis, for several ingest processes on one or many machines.

Why Redis: every process sees one index, writes are atomic (``MULTI/EXEC``)
and reads are a few pipelined round trips. The LSH part is datasketch's own
``MinHashLSH`` with Redis storage: buckets are written in datasketch's layout
(``{prefix}:lsh_bucket_<band>``), so ``MinHashLSH(..., storage_config=...)``
with the same basename queries the same index. Keys, all under ``P`` =
``{prefix}`` (a hash tag: the whole index is one Redis Cluster slot, see
``redis_connect.py``):

=====================  ======================================================
``P:meta``             hash: manifest (JSON), ``n`` articles, ``seq`` last doc
``P:ids``              hash: article id → doc
``P:doc:<doc>``        hash: id, root, relation, exact, in_lsh, dates,
                       signatures, tokens, number bits, compressed record
``P:exact:<key>``      set of docs with that exact-text key
``P:copies:<doc>``     set of the docs whose original is <doc>
``P:age``              sorted set: doc scored by published (else added) time
``P:df``               hash: hashed feature → document frequency
``P:relations``        hash: relation → count
``P:lsh*``/``P:wlsh*`` datasketch buckets (k-gram and word-set LSH)
``P:lock``             writer lock (one writer at a time; expires if it dies)
=====================  ======================================================

A batch is one ``MULTI/EXEC``: if the connection drops before ``EXEC``,
Redis discards all of it; an article is reported stored only after ``EXEC``
returned. Unreachable server (or cluster node) →
:class:`~newsdedup.errors.BackendUnavailable`. The manifest records the key
layout (``redis_layout``); an index of the older layout (keys ``prefix:...``,
before cluster support) is refused with a pointer to ``newsdedup index migrate``.
Removing an original re-elects one of its copies (``P:copies:<doc>`` finds
them) inside the ``MULTI/EXEC`` that removes it. Every value read back is
validated (``validate.py``): a crafted or damaged value is an
:class:`~newsdedup.errors.IndexDamaged`, never a traceback.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any, cast

import numpy as np

from ..errors import ConfigError, IndexDamaged, IndexStoreError
from .base import Bodies, IndexStats, IndexStore, Known, NewArticles, Summaries
from .codec import bodies_from_blobs, decode_record, exported_record, pack_flags
from .integrity import CheckReport, elect
from .redis_connect import (
    LAYOUT,
    check_layout,
    check_reachable,
    cluster_errors,
    connect,
    refuse_layout_1,
)
from .redis_lsh import BatchScripts, DatasketchBuckets
from .validate import check_docs, check_roots, decoding, manifest_from_json, signature_rows

try:
    import redis
except ImportError:  # pragma: no cover - the test extra installs it
    redis = None  # type: ignore[assignment]

__all__ = ["RedisStore"]

#: Seconds the writer lock lives if its holder dies without releasing it.
LOCK_LEASE = 15.0
_PIPE_CHUNK = 2000


class RedisStore(IndexStore):
    """An index in Redis under a key prefix.

    Args:
        url: ``redis://host:port/db`` (``rediss://`` for TLS, password in the URL), or
            ``redis+cluster://host:port[,host:port...]`` for a Redis Cluster (any nodes of it).
        prefix: Namespace of this index's keys; several indexes share a server (or cluster).
        wait_seconds: How long a writer waits for the lock held by another.
        manifest: Load and validate the manifest now (``index check`` opens a
            damaged index without it, to report what is wrong).

    Raises:
        BackendUnavailable: The server cannot be reached.
        ConfigError: The URL is not a Redis URL, or the redis client is missing.
    """

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        *,
        prefix: str = "newsdedup",
        wait_seconds: float = 120.0,
        manifest: bool = True,
    ) -> None:
        if redis is None:
            raise ConfigError(
                "the Redis backend needs the redis client: pip install 'newsdedup[redis]'"
            )
        self.location = f"{url} (prefix {prefix!r})"
        self.url, self.prefix, self.wait_seconds = url, prefix, wait_seconds
        self._conn = connect(url, prefix, {"socket_connect_timeout": 5, "socket_timeout": 60})
        self._params = self._conn.params
        self._scripts = BatchScripts(self._r)
        self._buckets: DatasketchBuckets | None = None
        self._shape: dict[str, int] | None = None
        self._perms = (0, 0)
        check_reachable(self._conn, url)
        if manifest:
            self.load_manifest()

    # --- plumbing --------------------------------------------------------------------
    @property
    def _r(self) -> Any:
        """The client of the server, or of the cluster node serving this index's slot."""
        return self._conn.client

    def _key(self, *parts: object) -> str:
        return ":".join([self._conn.tag, *map(str, parts)])

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            with cluster_errors(self._conn, self.url, self.location):
                yield
        except redis.exceptions.LockError as err:
            raise IndexStoreError(f"lost the writer lock: {err}", path=self.location) from None
        except redis.exceptions.ResponseError as err:
            if "WRONGTYPE" in str(err) or "not an integer" in str(err) or "script" in str(err):
                raise IndexDamaged(f"Redis: {err}", path=self.location) from None
            raise IndexStoreError(f"Redis error: {err}", path=self.location) from None
        except redis.exceptions.RedisError as err:
            raise IndexStoreError(f"Redis error: {err}", path=self.location) from None

    def _pipelined(self, commands, transaction: bool = False) -> list:
        """Run ``commands(pipe)`` on one pipeline; returns all replies.

        A ``MOVED`` reply (the slot went to another node; in a transaction, nothing was
        applied) makes it look the slot up and run once more.
        """
        for attempt in (1, 2):
            try:
                with self._errors():
                    pipe = self._r.pipeline(transaction=transaction)
                    commands(pipe)
                    return pipe.execute()
            except IndexStoreError as err:
                if attempt == 2 or "slot moved" not in err.message:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _hmget_docs(self, docs: np.ndarray, fields: tuple[str, ...]) -> list[list]:
        """The fields of each doc's hash (None where absent), a few script calls in all."""
        keys = [self._key("doc", int(d)) for d in docs]
        if not keys:
            return []
        flat = [
            v
            for reply in self._pipelined(lambda p: self._scripts.hmget_many(p, keys, fields))
            for v in reply
        ]
        width = len(fields)
        return [flat[i : i + width] for i in range(0, len(flat), width)]

    def _bucket_keys(
        self, signatures: np.ndarray, word_signatures: np.ndarray
    ) -> list[list[tuple[Any, bytes]]]:
        if self._buckets is None:
            assert self._shape is not None
            self._buckets = DatasketchBuckets(
                self._params, self._conn.tag, self._shape, self._perms
            )
        return self._buckets.of(signatures, word_signatures)

    # --- configuration ---------------------------------------------------------------
    def load_manifest(self) -> dict[str, Any] | None:
        with self._errors():
            raw = self._r.hget(self._key("meta"), "manifest")
            if raw is None:
                refuse_layout_1(self._conn, self.prefix, self.location)
        if raw is None:
            return None
        manifest = manifest_from_json(raw, self.location)
        check_layout(manifest.pop("redis_layout", 1), self.location)
        self._shape = {k: manifest[k] for k in ("bands", "rows", "word_bands", "word_rows")}
        self._perms = (int(manifest["num_perm"]), int(manifest["word_num_perm"]))
        return manifest

    def save_manifest(self, manifest: dict[str, Any]) -> dict[str, Any]:
        with self._errors():
            self._r.hsetnx(
                self._key("meta"), "manifest", json.dumps({**manifest, "redis_layout": LAYOUT})
            )
        stored = self.load_manifest()
        assert stored is not None
        return stored

    # --- reads -----------------------------------------------------------------------
    def known(self, ids: list[str]) -> dict[str, Known]:
        if not ids:
            return {}
        with self._errors():
            docs = self._r.hmget(self._key("ids"), ids)
        with decoding(self.location, "the id table"):
            found = [(aid, int(d)) for aid, d in zip(ids, docs) if d is not None]
        check_docs(np.array([d for _, d in found], np.int64), self.location)
        rows = self._hmget_docs(np.array([d for _, d in found], np.int64), ("root", "relation"))
        with decoding(self.location, "an article's original"):
            roots = check_roots(
                np.array([int(r[0]) if r[0] is not None else -1 for r in rows], np.int64),
                self.location,
            ).tolist()
            root_ids = self._hmget_docs(np.array([r for r in roots if r >= 0], np.int64), ("id",))
            names = dict(zip([r for r in roots if r >= 0], (x[0] for x in root_ids)))
            return {
                aid: Known(doc, _text(names.get(root)), _text(row[1]) or "")
                for (aid, doc), row, root in zip(found, rows, roots)
                if row[1] is not None
            }

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
        bands = self._shape["bands"]
        buckets = self._bucket_keys(signatures, word_signatures)
        keys = [[table.redis_key(h) for table, h in row] for row in buckets]
        exact = [int(k) for k in np.asarray(exact_keys, np.uint64)]
        # One script reads every bucket: k-gram buckets and exact keys give at most max_bucket
        # members (a random sample of a bigger one), a bigger word-set bucket gives none.
        flat_keys = [k for row in keys for k in row] + [self._key("exact", x) for x in exact if x]
        sample = [j < bands for row in keys for j in range(len(row))] + [True] * sum(
            1 for x in exact if x
        )
        replies = self._pipelined(
            lambda p: self._scripts.read_buckets(p, flat_keys, sample, max_bucket)
        )
        with decoding(self.location, "an LSH bucket"):
            members = _split_counted([v for reply in replies for v in reply])
            docs_found = check_docs(
                np.array([int(d) for part in members for d in part], np.int64),
                self.location,
                "a doc number in an LSH bucket",
            )
        del docs_found
        out: list[set] = [set() for _ in range(n)]
        at = 0
        for i in range(n):
            for part in members[at : at + len(keys[i])]:
                out[i].update(part)
            at += len(keys[i])
        for i, x in enumerate(exact):
            if x:
                out[i].update(members[at])
                at += 1
        return [np.array(sorted(int(d) for d in docs), np.int64) for docs in out]

    def summaries(self, docs: np.ndarray) -> Summaries:
        docs = np.asarray(docs, np.int64)
        rows = self._hmget_docs(docs, ("id", "root", "exact", "sig", "wsig"))
        n = len(docs)
        out = Summaries(
            docs,
            np.zeros(n, bool),
            [None] * n,
            np.full(n, -1, np.int64),
            np.zeros(n, np.uint64),
            np.full((n, self._perms[0]), 0xFFFFFFFF, np.uint32),
            np.full((n, self._perms[1]), 0xFFFFFFFF, np.uint32),
        )
        at = [i for i, row in enumerate(rows) if row[0] is not None]
        found = [rows[i] for i in at]
        if not found:
            return out
        with decoding(self.location, "an article hash"):
            ids = [row[0].decode("utf-8") for row in found]
            roots = check_roots(np.array([int(r[1]) for r in found], np.int64), self.location)
            exact = np.array([int(r[2]) for r in found], np.uint64)
        out.present[at] = True
        for i, aid in zip(at, ids):
            out.ids[i] = aid
        out.roots[at] = roots
        out.exact_keys[at] = exact
        out.signatures[at] = signature_rows([r[3] for r in found], self._perms[0], self.location)
        out.word_signatures[at] = signature_rows(
            [r[4] for r in found], self._perms[1], self.location
        )
        return out

    def bodies(self, docs: np.ndarray) -> Bodies:
        rows = self._hmget_docs(np.asarray(docs, np.int64), ("tokens", "numbers"))
        return bodies_from_blobs(
            [(r[0], r[1]) if r[0] is not None else None for r in rows], self.location
        )

    def document_frequencies(self, features: np.ndarray) -> tuple[np.ndarray, int]:
        wanted = [int(f) for f in features]
        with self._errors():
            pipe = self._r.pipeline(transaction=False)
            pipe.hget(self._key("meta"), "n")
            for lo in range(0, len(wanted), _PIPE_CHUNK):
                pipe.hmget(self._key("df"), wanted[lo : lo + _PIPE_CHUNK])
            replies = pipe.execute()
        with decoding(self.location, "document frequencies"):
            values = np.array(
                [int(v) if v is not None else 0 for part in replies[1:] for v in part], np.int64
            )
            n_docs = int(replies[0] or 0)
        if (values < 0).any() or n_docs < 0:
            raise IndexDamaged("a negative document frequency or article count", path=self.location)
        return values, n_docs

    # --- writes ----------------------------------------------------------------------
    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        with self._errors():
            lock = self._r.lock(
                self._key("lock"), timeout=LOCK_LEASE, blocking_timeout=self.wait_seconds
            )
            if not lock.acquire():
                raise IndexStoreError(
                    f"another writer kept the index locked for over {self.wait_seconds:.0f} s",
                    path=self.location,
                )
        try:
            yield
        finally:
            with contextlib.suppress(redis.exceptions.RedisError):
                lock.release()

    def reserve(self, n: int) -> np.ndarray:
        with self._errors():
            top = int(self._r.hincrby(self._key("meta"), "seq", n))
        return np.arange(top - n + 1, top + 1, dtype=np.int64)

    def store(self, batch: NewArticles) -> None:
        if not len(batch):
            return
        lsh_rows = np.flatnonzero(batch.in_lsh)
        buckets = self._bucket_keys(batch.signatures[lsh_rows], batch.word_signatures[lsh_rows])
        members = [str(int(batch.docs[row])).encode() for row in lsh_rows.tolist()]
        relations: dict[str, int] = {}
        for r in batch.relations:
            relations[r] = relations.get(r, 0) + 1

        def commands(pipe):
            pipe.hset(self._key("ids"), mapping=dict(zip(batch.ids, batch.docs.tolist())))
            for i, doc in enumerate(batch.docs.tolist()):
                self._store_doc(pipe, batch, i, doc)
            self._scripts.add_to_buckets(pipe, buckets, members)
            self._scripts.increment(pipe, self._key("df"), batch.df_features, batch.df_counts)
            self._scripts.increment(
                pipe, self._key("relations"), list(relations), list(relations.values())
            )
            pipe.hincrby(self._key("meta"), "n", len(batch))

        self._pipelined(commands, transaction=True)

    def _store_doc(self, pipe, batch: NewArticles, i: int, doc: int) -> None:
        lo, hi = batch.offsets[i], batch.offsets[i + 1]
        published = batch.published[i]
        exact = int(np.uint64(batch.exact_keys[i]))
        pipe.hset(
            self._key("doc", doc),
            mapping={
                "id": batch.ids[i],
                "root": int(batch.roots[i]),
                "relation": batch.relations[i],
                "exact": exact,
                "in_lsh": int(batch.in_lsh[i]),
                "added": float(batch.added[i]),
                "published": "" if np.isnan(published) else float(published),
                "sig": batch.signatures[i].tobytes(),
                "wsig": batch.word_signatures[i].tobytes(),
                "tokens": batch.tokens[lo:hi].tobytes(),
                "numbers": pack_flags(batch.flags[lo:hi]),
                "record": batch.records[i],
            },
        )
        if exact:
            pipe.sadd(self._key("exact", exact), doc)
        if batch.roots[i] >= 0:
            pipe.sadd(self._key("copies", int(batch.roots[i])), doc)
        pipe.zadd(
            self._key("age"),
            {doc: float(batch.added[i]) if np.isnan(published) else float(published)},
        )

    def remove(self, docs: np.ndarray, df_features: np.ndarray, df_counts: np.ndarray) -> int:
        docs = np.asarray(docs, np.int64)
        rows = self._hmget_docs(docs, ("id", "exact", "in_lsh", "relation", "sig", "wsig", "root"))
        present = [(int(d), r) for d, r in zip(docs, rows) if r[0] is not None]
        if not present:
            return 0
        lsh = [(d, r) for d, r in present if r[2] == b"1"]
        buckets = self._bucket_keys(
            signature_rows([r[4] for _, r in lsh], self._perms[0], self.location),
            signature_rows([r[5] for _, r in lsh], self._perms[1], self.location),
        )
        relations: dict[str, int] = {}
        with decoding(self.location, "an article hash"):
            for _, r in present:
                relations[r[3].decode()] = relations.get(r[3].decode(), 0) - 1
            exact_keys = [int(r[1]) for _, r in present]
            roots = [int(r[6]) if r[6] is not None else -1 for _, r in present]
        gone = {d for d, _ in present}
        groups = self._elect(sorted(gone))
        for group in groups.values():
            relations["new"] = relations.get("new", 0) + 1
            relations[group[0][1]] = relations.get(group[0][1], 0) - 1

        def commands(pipe):
            self._scripts.remove_from_buckets(pipe, buckets, [str(d).encode() for d, _ in lsh])
            pipe.hdel(self._key("ids"), *[r[0] for _, r in present])
            for (doc, _), exact, root in zip(present, exact_keys, roots):
                pipe.delete(self._key("doc", doc), self._key("copies", doc))
                pipe.srem(self._key("exact", exact), doc)
                if root >= 0 and root not in gone:
                    pipe.srem(self._key("copies", root), doc)
            pipe.zrem(self._key("age"), *[d for d, _ in present])
            self._reelect(pipe, groups)
            self._scripts.increment(pipe, self._key("df"), df_features, -np.asarray(df_counts))
            self._scripts.increment(
                pipe, self._key("relations"), list(relations), list(relations.values())
            )
            pipe.hincrby(self._key("meta"), "n", -len(present))

        self._pipelined(commands, transaction=True)
        self._promote_twins({int(r[1]) for _, r in lsh if int(r[1])})
        return len(present)

    def _elect(self, removed: list[int]) -> dict[int, list[tuple[int, str]]]:
        """The surviving copies of each removed doc, in election order (see :func:`elect`)."""
        with self._errors():
            pipe = self._r.pipeline(transaction=False)
            for doc in removed:
                pipe.smembers(self._key("copies", doc))
            replies = pipe.execute()
        gone = set(removed)
        with decoding(self.location, "a copies set"):
            pairs = [(old, int(d)) for old, members in zip(removed, replies) for d in members]
        pairs = [(old, d) for old, d in pairs if d not in gone]
        rows = self._hmget_docs(
            np.array([d for _, d in pairs], np.int64), ("published", "relation")
        )
        with decoding(self.location, "an article hash"):
            copies = [
                (old, d, float(r[0]) if r[0] else None, r[1].decode())
                for (old, d), r in zip(pairs, rows)
                if r[1] is not None
            ]
        return elect(copies)

    def _reelect(self, pipe, groups: dict[int, list[tuple[int, str]]]) -> None:
        """Queue the writes that make each group's first copy the original of the others."""
        for group in groups.values():
            winner = group[0][0]
            pipe.hset(self._key("doc", winner), mapping={"root": -1, "relation": "new"})
            others = [doc for doc, _ in group[1:]]
            for doc in others:
                pipe.hset(self._key("doc", doc), "root", winner)
            if others:
                pipe.sadd(self._key("copies", winner), *others)

    def _promote_twins(self, exact_keys: set[int]) -> None:
        """Give LSH entries to one exact copy of each removed LSH document, if none has them."""
        for key in exact_keys:
            with self._errors(), decoding(self.location, "an exact-key set"):
                docs = sorted(int(d) for d in self._r.smembers(self._key("exact", key)))
            check_docs(np.array(docs, np.int64), self.location)
            flags = self._hmget_docs(np.array(docs, np.int64), ("in_lsh",))
            if docs and not any(f[0] == b"1" for f in flags):
                s = self.summaries(np.array(docs[:1], np.int64))
                bands = self._bucket_keys(s.signatures, s.word_signatures)[0]
                member = str(docs[0]).encode()

                def restore(p: Any, bands=bands, member=member, doc=docs[0]) -> None:
                    self._scripts.add_to_buckets(p, [bands], [member])
                    p.hset(self._key("doc", doc), "in_lsh", 1)

                self._pipelined(restore, transaction=True)

    def check_integrity(self, *, quick: bool = False, repair: bool = False) -> CheckReport:
        from .redis_check import check_redis

        return check_redis(self, quick=quick, repair=repair)

    def ids_older_than(self, cutoff: float) -> list[str]:
        with self._errors(), decoding(self.location, "the age index"):
            found = self._r.zrangebyscore(self._key("age"), "-inf", f"({cutoff}")
            docs = [int(d) for d in cast("list[bytes]", found)]
        docs = check_docs(np.array(sorted(docs), np.int64), self.location).tolist()
        with decoding(self.location, "an article id"):
            return [
                r[0].decode("utf-8")
                for r in self._hmget_docs(np.array(docs, np.int64), ("id",))
                if r[0] is not None
            ]

    # --- whole index -----------------------------------------------------------------
    def export(self) -> Iterator[dict[str, Any]]:
        # The docs named by the id table, in arrival order (not 1..seq: a crafted seq must not
        # make export walk billions of empty numbers).
        with self._errors(), decoding(self.location, "the id table"):
            docs = np.unique(np.array([int(d) for d in self._r.hvals(self._key("ids"))], np.int64))
        check_docs(docs, self.location)
        for lo in range(0, len(docs), 500):
            rows = self._hmget_docs(docs[lo : lo + 500], ("record", "relation", "root", "added"))
            rows = [r for r in rows if r[0] is not None]
            with decoding(self.location, "an article hash"):
                roots = check_roots(np.array([int(r[2]) for r in rows], np.int64), self.location)
                names = self._hmget_docs(np.maximum(roots, 0), ("id",))
                records = [
                    exported_record(
                        decode_record(r[0]),
                        r[1].decode(),
                        _text(name[0]) if root >= 0 else None,
                        float(r[3]),
                    )
                    for r, root, name in zip(rows, roots.tolist(), names)
                ]
            yield from records

    def stats(self) -> IndexStats:
        with self._errors(), decoding(self.location, "the counters"):
            n = int(self._r.hget(self._key("meta"), "n") or 0)
            relations = {
                (k.decode() if isinstance(k, bytes) else k): int(v)
                for k, v in self._r.hgetall(self._key("relations")).items()
                if int(v)
            }
            oldest = self._r.zrange(self._key("age"), 0, 0, withscores=True)
            newest = self._r.zrange(self._key("age"), -1, -1, withscores=True)
            used = int(self._r.info("memory").get("used_memory", 0))
        return IndexStats(
            "redis",
            self.location,
            n,
            relations,
            float(oldest[0][1]) if oldest else None,
            float(newest[0][1]) if newest else None,
            used,
            bytes_note="memory used by the whole Redis "
            + (f"cluster node {self._conn.node}" if self._conn.node else "server"),
        )

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._conn.close()


def _split_counted(flat: list) -> list[list]:
    """[2, a, b, 0, 1, c] -> [[a, b], [], [c]] (the reply shape of the bucket-read script)."""
    out, i = [], 0
    while i < len(flat):
        n = int(flat[i])
        out.append(flat[i + 1 : i + 1 + n])
        i += 1 + n
    return out


def _text(value: bytes | None) -> str | None:
    return value.decode("utf-8") if value is not None else None
