"""``newsdedup index check`` for a Redis index: the same invariants as SQLite, on Redis keys.

Why: Redis has no integrity check of its own, and any client can write any
key. The check reads every article hash once and compares what the index
says about itself (the id table, originals, copies sets, age index,
counters) with what is stored. A repair is one ``MULTI/EXEC`` under the
writer lock: unreadable articles and entries pointing at nothing are
dropped, originals are re-elected, the rest is re-derived from the article
hashes. LSH buckets are not checked (a bucket member that is not stored is
skipped by every lookup).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..errors import IndexDamaged, IndexStoreError
from .integrity import CheckReport, Problem, elect
from .manifest import config_of
from .validate import MAX_DOC

__all__ = ["check_redis"]

_FIELDS = ("id", "root", "relation", "published", "added")


def check_redis(store: Any, *, quick: bool = False, repair: bool = False) -> CheckReport:
    """Check (and with ``repair`` fix) a Redis index; the report says what is still wrong."""
    report = CheckReport(store.location, "redis")
    report.checks.append("manifest")
    manifest_ok = True
    try:
        manifest = store.load_manifest()
        if manifest is not None:
            config_of(manifest, store.location)
    except IndexDamaged as err:
        report.problems.append(Problem("manifest", 1, err.what, False))
        manifest_ok = False
    with store._errors():
        state = _read(store)
    found = _problems(state)
    report.checks += ["ids", "articles", "roots", "copies", "age", "counters"]
    report.problems += found
    if repair and any(p.repairable for p in found):
        if not manifest_ok:
            raise IndexStoreError(
                "cannot repair an index whose manifest is damaged; rebuild it from "
                "`newsdedup index export`",
                path=store.location,
            )
        with store.writing(), store._errors():
            _repair(store, _read(store))
            after = _problems(_read(store))
        report.problems = [p for p in report.problems if p not in found] + after
        report.repaired = [p for p in found if p.repairable]
    return report


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -1 <= number < MAX_DOC else None


def _read(store: Any) -> dict[str, Any]:
    """Everything the invariants compare, decoded leniently (what does not decode is a problem)."""
    r, key = store._r, store._key
    ids = {name: _int(doc) for name, doc in r.hgetall(key("ids")).items()}
    hashes = {_int(k.rsplit(b":", 1)[1]): k for k in r.scan_iter(match=key("doc", "*"), count=1000)}
    docs: dict[int, dict[str, Any]] = {}
    unreadable: list[bytes] = [k for d, k in hashes.items() if d is None or d < 1]
    for doc, name in hashes.items():
        if doc is None or doc < 1:
            continue
        values = dict(zip(_FIELDS, r.hmget(name, _FIELDS)))
        try:
            docs[doc] = {
                "id": values["id"],
                "root": int(values["root"]),
                "relation": values["relation"].decode(),
                "published": float(values["published"]) if values["published"] else None,
                "added": float(values["added"]),
            }
            values["id"].decode()
        except (TypeError, ValueError, AttributeError, UnicodeDecodeError):
            unreadable.append(name)
    copies = {
        _int(k.rsplit(b":", 1)[1]): {_int(m) for m in r.smembers(k)}
        for k in r.scan_iter(match=key("copies", "*"), count=1000)
    }
    meta = r.hmget(key("meta"), ["n", "seq"])
    return {
        "ids": ids,
        "docs": docs,
        "unreadable": unreadable,
        "copies": copies,
        "age": {_int(m) for m in r.zrange(key("age"), 0, -1)},
        "relations": {
            k.decode(errors="replace"): v for k, v in r.hgetall(key("relations")).items()
        },
        "n": meta[0],
        "seq": _int(meta[1]) if meta[1] is not None else None,
    }


def _expected_copies(docs: dict[int, dict[str, Any]]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for doc, d in docs.items():
        if d["root"] >= 0:
            out.setdefault(d["root"], set()).add(doc)
    return out


def _problems(state: dict[str, Any]) -> list[Problem]:
    docs, ids = state["docs"], state["ids"]
    out = []

    def add(check: str, n: int, what: str, repairable: bool = True) -> None:
        if n:
            out.append(Problem(check, n, what.format(n=n), repairable))

    add("articles", len(state["unreadable"]), "{n} article hashes that cannot be read")
    add("ids", sum(1 for d in ids.values() if d not in docs), "{n} ids naming no stored article")
    named = {d for d in ids.values() if d is not None}
    add("ids", sum(1 for d in docs if d not in named), "{n} articles missing from the id table")
    roots = [d["root"] for d in docs.values() if d["root"] >= 0]
    add("roots", sum(1 for r in roots if r not in docs), "{n} copies whose original is not stored")
    add(
        "roots",
        sum(1 for r in roots if r in docs and docs[r]["root"] >= 0),
        "{n} copies whose original is itself a copy",
    )
    add(
        "roots",
        sum(1 for d in docs.values() if d["root"] < 0 and d["relation"] != "new"),
        "{n} originals not marked 'new'",
    )
    expected = _expected_copies(docs)
    actual = {k: v for k, v in state["copies"].items() if v}
    differ = sum(
        1 for k in set(expected) | set(actual) if expected.get(k, set()) != actual.get(k, set())
    )
    add("copies", differ, "{n} copies sets that differ from the originals stored")
    add("age", len(state["age"] ^ set(docs)), "{n} entries of the age index that differ")
    counts = Counter(d["relation"] for d in docs.values())
    stored = {}
    for name, value in state["relations"].items():
        stored[name] = _int(value) if _int(value) is not None else -2
    if {k: v for k, v in stored.items() if v} != dict(counts):
        add("counters", 1, "relation counters differ from the articles stored")
    if _int(state["n"] or 0) != len(docs):
        add("counters", 1, "the article counter differs from the articles stored")
    if state["seq"] is not None and docs and state["seq"] < max(docs):
        add("doc numbers", 1, "the last doc number given is below a stored doc")
    return out


def _repair(store: Any, state: dict[str, Any]) -> None:
    """Drop what cannot be read or points at nothing; re-elect; re-derive sets and counters."""
    r, key = store._r, store._key
    docs = state["docs"]
    # Originals: chains point to the end of the chain; missing originals are re-elected.
    for doc, d in docs.items():
        seen = {doc}
        while d["root"] >= 0 and d["root"] in docs and docs[d["root"]]["root"] >= 0:
            nxt = docs[d["root"]]["root"]
            if nxt in seen:
                d["root"] = -1
                break
            seen.add(nxt)
            d["root"] = nxt
    orphans = [
        (d["root"], doc, d["published"], d["relation"])
        for doc, d in docs.items()
        if d["root"] >= 0 and d["root"] not in docs
    ]
    for group in elect(orphans).values():
        winner = group[0][0]
        for doc, _ in group:
            docs[doc]["root"] = -1 if doc == winner else winner
    for d in docs.values():
        if d["root"] < 0:
            d["relation"] = "new"
    names = {d["id"]: doc for doc, d in docs.items()}
    pipe = r.pipeline(transaction=True)
    if state["unreadable"]:
        pipe.delete(*state["unreadable"])
    pipe.delete(key("ids"), key("age"), key("relations"))
    for stale in r.scan_iter(match=key("copies", "*"), count=1000):
        pipe.delete(stale)
    if names:
        pipe.hset(key("ids"), mapping=names)
    for doc, d in docs.items():
        pipe.hset(key("doc", doc), mapping={"root": d["root"], "relation": d["relation"]})
        pipe.zadd(key("age"), {doc: d["published"] if d["published"] is not None else d["added"]})
    for root, members in _expected_copies(docs).items():
        pipe.sadd(key("copies", root), *members)
    counts = Counter(d["relation"] for d in docs.values())
    if counts:
        pipe.hset(key("relations"), mapping=dict(counts))
    pipe.hset(key("meta"), "n", len(docs))
    if docs:
        pipe.hset(key("meta"), "seq", max(max(docs), state["seq"] or 0))
    pipe.execute()
