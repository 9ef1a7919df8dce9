"""``newsdedup index migrate``: rename the keys of a Redis index of layout 1 to layout 2.

Why: layout 1 (newsdedup before cluster support) named keys ``prefix:...``;
layout 2 names them ``{prefix}:...`` so that a Redis Cluster keeps the whole
index in one slot (see ``redis_connect.py``). Nothing else changes: the
values are the same, except the band hashes of the LSH, whose values name
their bucket keys (datasketch's layout). The renaming runs on the server the
index was built on, under the writer locks of both layouts; it is resumable:
``prefix:meta`` is renamed last, so an interrupted run is simply run again.
A migrated index can then move into a cluster with ``redis-cli --cluster
import`` (its keys all go to the one slot of ``{prefix}``).

Example (not run here: needs a server)::

    newsdedup index migrate --redis redis://127.0.0.1:6379/0 --prefix news
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import ConfigError, IndexStoreError
from .redis_connect import LAYOUT

__all__ = ["migrate_layout"]

#: Families of keys of a layout-1 index, after ``prefix:`` (doc, exact and copies end in numbers).
#: A band's hash (``lsh_bucket_`` and the band's 2 bytes); its buckets add the band hash after.
_BAND = re.compile(rb"w?lsh_bucket_..", re.S)
_FAMILIES = re.compile(rb"(meta|ids|age|df|relations|(doc|exact|copies):\d+|w?lsh_bucket_.*)", re.S)


def migrate_layout(store: Any) -> int:
    """Rename every key of the layout-1 index under ``store.prefix``; returns how many were renamed.

    ``store`` is a :class:`~newsdedup.index.redis.RedisStore` opened with ``manifest=False``.

    Raises:
        ConfigError: A cluster URL (migrate on the single server the index was built on).
        IndexStoreError: No layout-1 index under that prefix.
    """
    if store._conn.node:
        raise ConfigError(
            "migrate an index on the single server it was built on, then move it into the "
            "cluster with `redis-cli --cluster import`"
        )
    r, old = store._r, store.prefix.encode()
    with store._errors():
        if r.exists(store._key("meta")) and not r.exists(old + b":meta"):
            return 0  # already layout 2
        if not r.exists(old + b":meta"):
            raise IndexStoreError(
                "no index of the older Redis key layout under this prefix", path=store.location
            )
        old_lock = r.lock(f"{store.prefix}:lock", timeout=60, blocking_timeout=store.wait_seconds)
        if not old_lock.acquire():
            raise IndexStoreError("an older newsdedup holds the index's lock", path=store.location)
        try:
            with store.writing():
                return _rename_all(store, r, old)
        finally:
            old_lock.release()


def _rename_all(store: Any, r: Any, old: bytes) -> int:
    """Rename the keys, ``prefix:meta`` last (with the layout added to its manifest)."""
    tag = store._conn.tag.encode()
    pattern = re.sub(rb"([*?\[\]\\])", rb"\\\1", old) + b":*"
    keys = [
        k
        for k in r.scan_iter(match=pattern, count=1000)
        if _FAMILIES.fullmatch(k[len(old) + 1 :]) and k != old + b":meta"
    ]
    for lo in range(0, len(keys), 1000):
        pipe = r.pipeline(transaction=False)
        for key in keys[lo : lo + 1000]:
            new = tag + key[len(old) :]
            if _BAND.fullmatch(key[len(old) + 1 :]):  # a band's hash: its values name buckets
                values = r.hgetall(key)
                pipe.hset(key, mapping={h: tag + v[len(old) :] for h, v in values.items()})
            pipe.rename(key, new)
        pipe.execute()
    raw = r.hget(old + b":meta", "manifest")
    if raw is not None:
        manifest = json.loads(raw)
        r.hset(old + b":meta", "manifest", json.dumps({**manifest, "redis_layout": LAYOUT}))
    r.rename(old + b":meta", tag + b":meta")
    return len(keys) + 1
