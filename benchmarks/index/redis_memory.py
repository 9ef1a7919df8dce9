"""Redis memory of one index, per family of keys and per article (``MEMORY USAGE`` of every key).

Why: ``used_memory`` counts the whole server (other indexes, the server's own
overhead); this sums the keys of one index only, and says where the bytes go
(article hashes, LSH band hashes, LSH bucket sets, counters), which is what a
smaller layout would have to change. Works on one server and on a cluster
(it asks the node that serves the index's slot).

Example::

    python -m benchmarks.index.redis_memory --redis redis://127.0.0.1:6399/0 --prefix bench
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter

from newsdedup.index import RedisStore

#: A band's hash: ``lsh_bucket_`` and the band's 2 bytes (its bucket sets add the band hash).
_BAND = re.compile(rb":(w?lsh_bucket_)..", re.S)


def family(key: bytes, tag: bytes) -> str:
    """``doc``, ``lsh band``, ``lsh bucket``, ``wlsh band``, ... for a key of the index."""
    rest = key[len(tag) :]
    if _BAND.fullmatch(rest):
        return rest[1:].split(b"_")[0].decode() + " band"
    if b"lsh_bucket_" in rest:
        return rest[1:].split(b"_")[0].decode() + " bucket"
    return rest[1:].split(b":")[0].decode()


def measure(url: str, prefix: str) -> dict:
    store = RedisStore(url, prefix=prefix)
    client, tag = store._r, store._conn.tag.encode()
    sizes: Counter[str] = Counter()
    keys: Counter[str] = Counter()
    for key in client.scan_iter(match=tag + b":*", count=5000):
        name = family(key, tag)
        sizes[name] += client.memory_usage(key, samples=0) or 0
        keys[name] += 1
    articles = store.stats().articles
    store.close()
    return {
        "articles": articles,
        "bytes_per_article": round(sum(sizes.values()) / max(1, articles)),
        "families": {
            name: {"keys": keys[name], "bytes_per_article": round(size / max(1, articles))}
            for name, size in sizes.most_common()
        },
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--redis", required=True, help="redis://... or redis+cluster://...")
    p.add_argument("--prefix", required=True)
    args = p.parse_args()
    print(json.dumps(measure(args.redis, args.prefix)))


if __name__ == "__main__":
    main()
