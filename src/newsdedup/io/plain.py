"""Read a plain-text or Markdown file as one article whose id is its path.

Example:
    >>> import tempfile, pathlib
    >>> from newsdedup.io import FieldMap, ReadReport
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("Body\\n", encoding="utf-8")
    >>> ctx = ReadContext(FieldMap(), False, 1000, ReadReport())
    >>> [(a.id == str(folder / "a.txt"), a.text) for a in read_plain(folder / "a.txt", str(folder / "a.txt"), ctx)]
    [(True, 'Body\\n')]
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..models import Article
from .counters import ReadContext
from .source import read_text

__all__ = ["read_plain"]


def read_plain(path: Path, name: str, ctx: ReadContext) -> Iterator[Article]:
    """Yield the file's whole text as one article (title ``None``, id = ``name``)."""
    text = read_text(path, name, ctx, one_article=True)
    if text is not None:
        yield Article(id=name, text=text, origin=name)
