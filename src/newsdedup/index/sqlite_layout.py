"""Which layout an SQLite index file has, and whether it keeps article texts.

Why: the file layout changed (layout 2: compact bodies, references instead
of records unless asked). An index of an older layout is never read with
the new code nor silently rewritten: opening one is a one-line error naming
the file and the command that converts it (``newsdedup index migrate``).

The manifest (JSON in ``meta``) records the layout and the text choice
under ``storage``, so every later ``add`` follows the choice made when the
index was created. The key is kept apart from the configuration the
manifest check compares (:func:`split_storage`).

Example:
    >>> split_storage({"schema": 1, "storage": {"layout": 2, "text": True}})
    ({'schema': 1}, {'layout': 2, 'text': True})
    >>> str(old_layout_error("news.db", 1)).startswith("news.db: index layout 1")
    True
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ..errors import IndexConfigMismatch, IndexDamaged, IndexStoreError

__all__ = [
    "LAYOUT",
    "check_text_choice",
    "file_layout",
    "old_layout_error",
    "split_storage",
    "storage_of",
]

#: The layout this newsdedup writes. 1: bodies held tokens, number bits and the whole record.
LAYOUT = 2


class OldLayout(IndexStoreError):
    """The index was written by an older newsdedup in another layout (exit code 2)."""

    exit_code = 2


def old_layout_error(location: str, layout: int) -> IndexStoreError:
    """The one-line error for an index of an older layout: what to run."""
    return OldLayout(
        f"index layout {layout} is older than this newsdedup's ({LAYOUT}); convert it with "
        f"`newsdedup index migrate {location}` (it is left unchanged until then)",
        path=location,
    )


def file_layout(db: sqlite3.Connection) -> int | None:
    """The layout the tables of an open file have (None: no ``bodies`` table yet)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(bodies)")}
    if not columns:
        return None
    return 1 if "tokens" in columns else LAYOUT


def split_storage(manifest: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The manifest without ``storage``, and ``storage`` (None in a layout-1 manifest)."""
    rest = {k: v for k, v in manifest.items() if k != "storage"}
    return rest, manifest.get("storage")


def storage_of(storage: Any, location: str) -> dict[str, Any]:
    """Validate a manifest's ``storage``: a layout this newsdedup reads, and the text choice.

    Raises:
        IndexStoreError: Layout 1 (migrate) or a newer layout (upgrade newsdedup).
        IndexDamaged: ``storage`` is not what any newsdedup writes.
    """
    if storage is None:
        raise old_layout_error(location, 1)
    if not isinstance(storage, dict) or not isinstance(storage.get("text"), bool):
        raise IndexDamaged("manifest: an unreadable 'storage' entry", path=location)
    layout = storage.get("layout")
    if not isinstance(layout, int) or isinstance(layout, bool) or layout < 1:
        raise IndexDamaged("manifest: an unreadable layout number", path=location)
    if layout < LAYOUT:
        raise old_layout_error(location, layout)
    if layout > LAYOUT:
        raise IndexStoreError(
            f"index layout {layout} is newer than this newsdedup's ({LAYOUT}); upgrade newsdedup",
            path=location,
        )
    return {"layout": layout, "text": storage["text"]}


def check_text_choice(stored: bool, asked: bool | None, location: str) -> None:
    """An index keeps texts or not from its creation on; asking otherwise later is an error."""
    if asked is not None and asked != stored:
        have = "keeps article texts" if stored else "keeps no article texts (only references)"
        raise IndexConfigMismatch(
            f"the index {have}, as chosen when it was created; "
            + (
                "add without --store-text"
                if stored
                else "build a new index with --store-text to keep texts"
            ),
            path=location,
        )
