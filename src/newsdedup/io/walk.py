"""Find the input files behind the paths a user gives.

Why strict up front: a typo in the last of ten paths should fail before the
first file is read, not after an hour of work. Folders are walked
recursively in sorted order so runs are reproducible; hidden files and
folders are ignored inside folders; files of unknown types, documentation and
files left out by ``--include/--exclude`` are skipped and counted by a
:class:`~newsdedup.io.select.Selection` (but a file named explicitly must be
of a known type, and is read whatever its name).

Example:
    >>> format_of(Path("news/2023/a.JSONL"))
    'jsonl'
    >>> format_of(Path("notes.pdf")) is None
    True
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import InputError
from .remote import expand_url, is_url
from .select import Selection
from .source import os_reason

__all__ = ["FORMATS", "check_inputs", "format_of", "iter_input_files"]

#: Told about an entry of a folder that cannot be looked at: (path, reason).
OnUnreadable = Callable[[Path, str], None]

#: File extension (lower case) -> reader family.
FORMATS = {
    ".txt": "plain",
    ".md": "plain",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".parquet": "parquet",
    ".jsonl.gz": "jsonl.gz",
    ".ndjson.gz": "jsonl.gz",
    ".jsonl.zst": "jsonl.zst",
    ".ndjson.zst": "jsonl.zst",
}


def format_of(path: Path) -> str | None:
    """The reader family of a file, from its extension (case-insensitive).

    Example:
        >>> format_of(Path("2024/feed.JSONL.gz")), format_of(Path("news.parquet"))
        ('jsonl.gz', 'parquet')
    """
    double = "".join(path.suffixes[-2:]).lower()
    return FORMATS.get(double) or FORMATS.get(path.suffix.lower())


def check_inputs(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Check that every path exists and that named files are of a known type.

    Raises:
        InputError: For the first path that is missing, unreachable or of an
            unsupported type.
    """
    checked = []
    for given in paths:
        if is_url(given):  # checked when listed (io/remote.py)
            continue
        path = Path(given)
        try:
            mode = path.stat().st_mode
        except OSError as error:
            raise InputError(os_reason(error), path=str(given)) from None
        if not stat.S_ISDIR(mode) and format_of(path) is None:
            known = ", ".join(sorted(FORMATS))
            raise InputError(f"unsupported file type (expected one of {known})", path=str(given))
        checked.append(path)
    return checked


def iter_input_files(
    paths: Iterable[str | os.PathLike[str]],
    unreadable: OnUnreadable | None = None,
    selection: Selection | None = None,
) -> Iterator[Path | str]:
    """Yield the files to read, folders expanded recursively in sorted order.

    Args:
        paths: Files and folders. All are checked before the first file is
            yielded.
        unreadable: Called for an entry of a folder that cannot be looked at
            (a symlink loop ``x.txt -> x.txt``, a link into a forbidden
            folder), which is then left out; without it, such an entry is an
            :class:`InputError`.
        selection: Which files found in folders are read; counts the others.

    Yields:
        File paths (URLs as strings), joined onto the path as given (``corpus/a/b.txt``), so
        their string form is a stable, readable id.

    Raises:
        InputError: A path does not exist, a named file has an unsupported
            type, or a folder cannot be listed.

    Example:
        >>> list(iter_input_files([]))
        []
    """
    selection = selection if selection is not None else Selection()
    paths = list(paths)
    urls = {str(p) for p in paths if is_url(p)}
    check_inputs(paths)
    for given in paths:
        if str(given) in urls:
            yield from expand_url(str(given), lambda name: format_of(Path(name)) is not None)
            continue
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, path, selection, unreadable)
        else:
            yield path


def _walk(
    folder: Path, root: Path, selection: Selection, unreadable: OnUnreadable | None
) -> Iterator[Path]:
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        raise InputError(os_reason(error), path=str(folder)) from None
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        # Symlinked folders are not followed: a link loop must not hang a run.
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(path, root, selection, unreadable)
            continue
        try:
            is_file = entry.is_file()  # follows a symlink, which may loop
        except OSError as error:
            if unreadable is None:
                raise InputError(os_reason(error), path=str(path)) from None
            unreadable(path, os_reason(error))
            continue
        if is_file and selection.wants(path, root, known=format_of(path) is not None):
            yield path
