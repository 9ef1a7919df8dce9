"""A persistent index of articles seen, for deduplicating a live feed.

``LiveIndex`` answers, for each incoming article, "new, or a copy of which
indexed original?", and stores it. Where it stores is a backend behind one
small contract (:class:`IndexStore`): :class:`SQLiteStore` (one file,
embedded, the default) or :class:`RedisStore` (shared by many processes).

Example:
    >>> from newsdedup.models import Article
    >>> with LiveIndex(SQLiteStore(":memory:")) as index:
    ...     [v.verdict for v in index.add([Article("a", "Ministers meet in Brussels on Tuesday to talk.")])]
    ['new']
"""

from __future__ import annotations

from .base import IndexStore
from .live import LiveIndex
from .sqlite import SQLiteStore
from .verdict import VERDICTS, Verdict


def __getattr__(name: str):
    # The Redis backend imports the redis client, an optional dependency: load it on demand.
    if name == "RedisStore":
        from .redis import RedisStore

        return RedisStore
    raise AttributeError(name)


__all__ = [
    "VERDICTS",
    "IndexStore",
    "LiveIndex",
    "RedisStore",
    "SQLiteStore",
    "Verdict",
]
