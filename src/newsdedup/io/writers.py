"""Write output files all-or-nothing.

Why atomic: a run that fails halfway (bad input, full disk, Ctrl-C) must
never leave a half-written file where a good one was, nor a truncated file
a later step would trust. Output goes to a temporary file in the target's
folder, is flushed to disk, and replaces the target in one ``os.replace``.

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

from ..errors import OutputError
from .source import os_reason

__all__ = ["atomic_writer", "write_jsonl_atomic"]


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO[Any]]:
    """Open ``path`` for writing so it appears complete or not at all.

    Args:
        path: Target file, or ``-`` for standard output (written directly,
            not atomic, not closed).
        mode: ``"w"`` (UTF-8 text, ``\\n`` line endings) or ``"wb"``.

    Yields:
        A file object writing to a hidden temporary file next to the target.
        On success it is flushed, fsynced and renamed over the target
        (keeping the old target's permissions); if the block raises, the
        temporary file is removed and any old target is left untouched.

    Raises:
        OutputError: The folder does not exist or the file cannot be
            created or replaced.
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
    if str(path) == "-":
        stream = sys.stdout if mode == "w" else sys.stdout.buffer
        yield stream
        stream.flush()
        return
    target = Path(path)
    temp, handle = _create_temp(target, mode)
    try:
        yield handle
        _commit(handle, temp, target)
    except BaseException:
        handle.close()
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


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


def _create_temp(target: Path, mode: str) -> tuple[Path, IO[Any]]:
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(f"no such directory: {folder}", path=str(target))
    if target.is_dir():
        raise OutputError("is a directory", path=str(target))
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
