"""Open local paths and fsspec URLs (``s3://``, ``gs://``, ``hdfs://``...) alike.

Why here: the readers of Parquet and compressed JSON Lines take either a
local file or a URL; a URL needs fsspec and the filesystem's own package
(``s3fs``, ``gcsfs``...), and a missing one must be a one-line error, not
an ImportError.

Example:
    >>> is_url("s3://bucket/news.parquet"), is_url("news/a.jsonl")
    (True, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import InputError
from .source import open_input, os_reason

__all__ = ["expand_url", "is_url", "open_binary"]

_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def is_url(path: object) -> bool:
    """Whether a path as given is a URL (``scheme://...``) rather than a local path."""
    return bool(_URL.match(str(path)))


def _filesystem(url: str) -> tuple[Any, str]:
    try:
        import fsspec
    except ImportError:
        raise InputError(
            "reading URLs needs fsspec (pip install 'newsdedup[io]')", path=url
        ) from None
    try:
        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as error:
        raise InputError(f"cannot open this kind of URL: {error}", path=url) from None


def open_binary(path: Path | str, name: str) -> BinaryIO:
    """Open a local path or a URL for binary reading.

    Raises:
        InputError: The file or URL cannot be opened.
    """
    if not is_url(path):
        return open_input(Path(path), name)
    fs, inner = _filesystem(str(path))
    try:
        return fs.open(inner, "rb")
    except OSError as error:
        raise InputError(os_reason(error), path=name) from None


def expand_url(url: str, known: Any) -> Iterator[str]:
    """The file URLs behind a URL: itself, or (for a folder) its files of known types, sorted.

    Args:
        url: A file or folder URL.
        known: ``known(name) -> bool``, whether a file name is of a readable type.

    Raises:
        InputError: The URL does not exist or cannot be listed.
    """
    fs, inner = _filesystem(url)
    scheme = url.split("://", 1)[0]
    try:
        if not fs.exists(inner):
            raise InputError("no such file or directory", path=url)
        if not fs.isdir(inner):
            yield url
            return
        names = sorted(fs.find(inner))
    except OSError as error:
        raise InputError(os_reason(error), path=url) from None
    for name in names:
        base = name.rsplit("/", 1)[-1]
        if not base.startswith(".") and known(base):
            yield name if "://" in name else f"{scheme}://{name}"
