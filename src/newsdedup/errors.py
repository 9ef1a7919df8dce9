"""The exceptions newsdedup raises, so callers can catch exactly what they mean.

Every error a user can cause by what they pass in (a path, a file, an option,
an index) is a :class:`NewsDedupError`; the CLI prints it as one line,
``Error: <message>``, and exits with the error's ``exit_code``. Anything else
escaping the library is a bug.

Hierarchy::

    NewsDedupError                  exit 1 unless noted
    ├── InputError                  unreadable or malformed input      (exit 2)
    │   └── NoArticlesError         nothing to work on                 (exit 2)
    ├── ConfigError                 invalid option or combination      (exit 2)
    ├── OutputError                 cannot write the requested output  (exit 1)
    └── IndexStoreError             persistent index problems          (exit 1)
        ├── IndexConfigMismatch     index built with other settings    (exit 2)
        ├── NotAnIndex              the file is something else         (exit 2)
        ├── IndexDamaged            stored data fails validation       (exit 1)
        └── BackendUnavailable      database / Redis not reachable     (exit 3)

Example:
    >>> try:
    ...     raise InputError("bad JSON", path="feed.jsonl", line=3)
    ... except NewsDedupError as err:
    ...     str(err)
    'feed.jsonl:3: bad JSON'
"""

from __future__ import annotations

__all__ = [
    "BackendUnavailable",
    "ConfigError",
    "IndexConfigMismatch",
    "IndexDamaged",
    "IndexStoreError",
    "InputError",
    "ModelError",
    "NewsDedupError",
    "NoArticlesError",
    "NotAnIndex",
    "OutputError",
]


class NewsDedupError(Exception):
    """Base class of every error caused by what the user asked for."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return f"{where}{self.message}"


class InputError(NewsDedupError):
    """An input path or record cannot be read as articles."""

    exit_code = 2


class NoArticlesError(InputError):
    """The inputs hold no article at all (an empty folder, only empty files)."""


class ConfigError(NewsDedupError):
    """An option value, or a combination of them, makes no sense."""

    exit_code = 2


class ModelError(ConfigError):
    """A relation model file is missing, of another version or malformed, or cannot be trained."""


class OutputError(NewsDedupError):
    """The requested output cannot be written."""


class IndexStoreError(NewsDedupError):
    """The persistent index cannot be opened, read or written."""


class IndexConfigMismatch(IndexStoreError):
    """The index was built with settings that differ from the ones asked for."""

    exit_code = 2


class NotAnIndex(IndexStoreError):
    """The path holds something other than a newsdedup index (another SQLite database, a text file).

    Why exit 2: the user named the wrong file; writing an index into it would
    mix tables into someone else's database.
    """

    exit_code = 2


class IndexDamaged(IndexStoreError):
    """What the index holds fails validation: a damaged page, a value out of range, a bad manifest.

    Why a type of its own: stored values drive array indexing in compiled
    kernels, so everything read is checked first, and a failure points the
    user at ``newsdedup index check`` instead of crashing.

    Example:
        >>> str(IndexDamaged("root 99 of doc 3 is past the last doc", path="news.db"))
        "news.db: damaged (root 99 of doc 3 is past the last doc); run 'newsdedup index check'"
    """

    def __init__(self, what: str, *, path: str | None = None) -> None:
        self.what = what
        super().__init__(f"damaged ({what}); run 'newsdedup index check'", path=path)


class BackendUnavailable(IndexStoreError):
    """The storage backend (SQLite file, Redis server) cannot be reached."""

    exit_code = 3
