"""Write output files all-or-nothing; stream to pipes and devices.

Why atomic: a run that fails halfway (bad input, full disk, Ctrl-C) must
never leave a half-written file where a good one was, nor a truncated file
a later step would trust. Output goes to a temporary file in the target's
folder, is flushed to disk, and replaces the target in one ``os.replace``.

What the target path may be:

* a regular file, or nothing yet: written atomically as above;
* a symbolic link: followed, its target is replaced atomically, the link kept;
* a FIFO or a character device (``/dev/null``, ``/dev/stdout``), or ``-``:
  written to directly, never replaced (the reader is on the other side);
* anything else (a folder, a block device, a socket): refused.

Example:
    >>> import json, tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.jsonl"
    >>> write_jsonl_atomic(target, [{"id": "a", "text": "Été"}])
    1
    >>> target.read_text(encoding="utf-8")
    '{"id": "a", "text": "Été"}\\n'
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

from .. import interrupts
from ..errors import ConfigError, OutputError
from .source import os_reason

__all__ = ["atomic_writer", "check_distinct_outputs", "write_jsonl_atomic"]


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO[Any]]:
    """Open ``path`` for writing so it appears complete or not at all.

    Args:
        path: Target file, or ``-`` for standard output (written directly,
            not atomic, not closed). A symlink is followed; a FIFO or a
            character device is written to directly.
        mode: ``"w"`` (UTF-8 text, ``\\n`` line endings) or ``"wb"``.

    Yields:
        A file object writing to a hidden temporary file next to the target.
        On success it is flushed, fsynced and renamed over the target
        (keeping the old target's permissions); if the block raises, the
        temporary file is removed and any old target is left untouched.

    Raises:
        OutputError: The folder does not exist, the path is a folder, a
            block device or a socket, or the file cannot be created or
            replaced.
        ValueError: ``mode`` is neither ``"w"`` nor ``"wb"``.

    Example:
        >>> import tempfile, pathlib
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "report.txt"
        >>> with atomic_writer(target) as out:
        ...     _ = out.write("done\\n")
        >>> target.read_text()
        'done\\n'
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', not {mode!r}")
    kind, target = _classify(path)
    if kind != "file":
        with _stream(kind, target, mode) as stream:
            yield stream
        return
    temp, handle = _create_temp(target, mode)
    try:
        yield handle
        with interrupts.committing():
            _commit(handle, temp, target)
    except BaseException:
        with interrupts.deferred():
            handle.close()
            with contextlib.suppress(OSError):
                temp.unlink()
        raise


def check_distinct_outputs(*paths: str | os.PathLike[str] | None) -> None:
    """Refuse two outputs that name the same file (one would silently replace the other).

    Paths are compared by what they lead to: ``a.jsonl``, ``./x/../a.jsonl``
    and a symlink to it are one file; ``-`` and ``/dev/stdout`` are both
    standard output. Devices that swallow everything (``/dev/null``) may be
    named twice.

    Raises:
        ConfigError: Two of ``paths`` lead to the same file (exit 2).

    Example:
        >>> check_distinct_outputs("kept.jsonl", None, "removed.jsonl")
        >>> check_distinct_outputs("kept.jsonl", "./kept.jsonl")
        Traceback (most recent call last):
        ...
        newsdedup.errors.ConfigError: two outputs name the same file: kept.jsonl and ./kept.jsonl
    """
    seen: dict[object, str] = {}
    for path in paths:
        if path is None:
            continue
        key = _identity(path)
        if key is None:
            continue
        if key in seen:
            raise ConfigError(f"two outputs name the same file: {seen[key]} and {path}")
        seen[key] = str(path)


def write_jsonl_atomic(path: str | os.PathLike[str], records: Iterable[dict[str, Any]]) -> int:
    """Write ``records`` as JSON Lines (UTF-8, ``ensure_ascii=False``), atomically.

    Dates and datetimes are written in ISO 8601.

    Args:
        path: Target file, or ``-`` for standard output.
        records: Dicts; consumed lazily, so a generator may be passed.

    Returns:
        The number of records written.

    Raises:
        OutputError: The file cannot be written (the old one is kept).
        TypeError: A record holds a value JSON cannot represent (nothing is
            written).
    """
    count = 0
    with atomic_writer(path) as out:
        try:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False, default=_json_default))
                out.write("\n")
                count += 1
        except OSError as error:
            raise OutputError(os_reason(error), path=str(path)) from None
    return count


def _classify(path: str | os.PathLike[str]) -> tuple[str, Path]:
    """What writing to ``path`` means: ``stdout``, ``stderr``, ``stream`` or ``file``."""
    if str(path) == "-":
        return "stdout", Path("-")
    given = Path(path)
    try:
        info = given.stat()
    except FileNotFoundError:
        # Nothing there, or a dangling symlink: create the file (the link's target).
        return "file", Path(os.path.realpath(given)) if given.is_symlink() else given
    except OSError as error:
        raise OutputError(os_reason(error), path=str(path)) from None
    if stat.S_ISREG(info.st_mode):
        return "file", Path(os.path.realpath(given)) if given.is_symlink() else given
    if stat.S_ISDIR(info.st_mode):
        raise OutputError("is a directory", path=str(path))
    if stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode):
        for name, descriptor in (("stdout", 1), ("stderr", 2)):
            if _same_file(info, descriptor):
                return name, given
        return "stream", given
    raise OutputError("not a regular file, FIFO or character device", path=str(path))


def _same_file(info: os.stat_result, descriptor: int) -> bool:
    try:
        return os.path.samestat(info, os.fstat(descriptor))
    except OSError:
        return False


@contextlib.contextmanager
def _stream(kind: str, target: Path, mode: str) -> Iterator[IO[Any]]:
    """Write straight to standard output, standard error, a FIFO or a device."""
    if kind in ("stdout", "stderr"):
        text = sys.stdout if kind == "stdout" else sys.stderr
        stream: IO[Any] = text if mode == "w" else text.buffer
        yield stream
        stream.flush()
        return
    try:
        if mode == "wb":
            handle: IO[Any] = open(target, "wb")  # noqa: SIM115
        else:
            handle = open(target, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
    except OSError as error:
        raise OutputError(os_reason(error), path=str(target)) from None
    with handle:
        yield handle


def _identity(path: str | os.PathLike[str]) -> object | None:
    """What an output path leads to, for :func:`check_distinct_outputs` (None: no conflict)."""
    if str(path) == "-":
        return "stdout"
    try:
        info = os.stat(path)
    except OSError:
        return ("path", os.path.realpath(path))
    if stat.S_ISREG(info.st_mode):
        return ("file", info.st_dev, info.st_ino)
    for name, descriptor in (("stdout", 1), ("stderr", 2)):
        if _same_file(info, descriptor):
            return name
    if stat.S_ISCHR(info.st_mode):
        return None  # /dev/null and friends
    return ("file", info.st_dev, info.st_ino)


def _create_temp(target: Path, mode: str) -> tuple[Path, IO[Any]]:
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(f"no such directory: {folder}", path=str(target))
    temp = folder / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        # 0o666 filtered by the umask, like any new file (mkstemp would force 0o600).
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise OutputError(os_reason(error), path=str(target)) from None
    if mode == "wb":
        return temp, os.fdopen(descriptor, "wb")
    return temp, os.fdopen(descriptor, "w", encoding="utf-8", newline="\n")


def _commit(handle: IO[Any], temp: Path, target: Path) -> None:
    try:
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temp, stat.S_IMODE(target.stat().st_mode))
        os.replace(temp, target)
    except OSError as error:
        raise OutputError(os_reason(error), path=str(target)) from None


def _json_default(value: Any) -> str:
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    raise TypeError(f"cannot write a {type(value).__name__} as JSON")
