"""Which files found inside folders are read, and a count of those that are not.

Why counted: a folder of unsupported files (Reuters' ``.sgm``) used to be
skipped without a word, and a run that read nothing looked like a run that
found nothing. Files of a type newsdedup cannot read, and a corpus's own
documentation, are left out with a warning that counts them and names a few.

The rules, for files found while walking a folder (a file named on the
command line is always read, whatever its name):

* a file of an unknown type is skipped, counted by extension;
* a documentation file (``README``, ``LICENSE``, ``CHANGELOG``... whatever the
  extension, e.g. BBC News' ``README.TXT``) is skipped with a note: it
  describes the corpus, it is not an article;
* ``--include`` globs, when given, keep only the files matching one of them;
  ``--exclude`` globs drop the files matching any. A glob is matched against
  the file's path relative to the folder given (``2023/*.txt``) and against
  its name alone (``*.txt``); ``*`` also crosses folders.

Example:
    >>> from pathlib import Path
    >>> s = Selection(exclude=["drafts/*"])
    >>> root = Path("news")
    >>> [s.wants(root / p, root, known=k) for p, k in
    ...  [("a.txt", True), ("drafts/b.txt", True), ("c.sgm", False), ("README.TXT", True)]]
    [True, False, False, False]
    >>> s.messages("news")
    ['news: skipped 1 file of an unsupported type (.sgm: 1, e.g. news/c.sgm)', 'news: skipped 1 documentation file, not an article (README.TXT); name it to read it']
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError

__all__ = ["DOCUMENTATION_NAMES", "Selection", "check_glob"]

#: File names (without extension, any case) taken for a corpus's documentation.
DOCUMENTATION_NAMES = frozenset(
    {
        "README",
        "READ_ME",
        "LICENSE",
        "LICENCE",
        "COPYING",
        "CHANGELOG",
        "CHANGES",
        "NOTICE",
        "AUTHORS",
        "CONTRIBUTING",
        "CITATION",
    }
)
_EXAMPLES = 3


def check_glob(glob: str) -> str:
    """The glob, checked: not empty, brackets closed.

    Raises:
        ConfigError: The glob cannot mean what was meant.

    Example:
        >>> check_glob("[ab]*.txt")
        '[ab]*.txt'
    """
    if not glob.strip():
        raise ConfigError("empty glob in --include/--exclude")
    depth = 0
    for char in glob:
        if char == "[":
            depth += 1
        elif char == "]" and depth:
            depth -= 1
    if depth:
        raise ConfigError(f"bad glob {glob!r}: '[' is never closed")
    return glob


def _matches(relative: str, name: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(relative, g) or fnmatch.fnmatchcase(name, g) for g in globs)


@dataclass
class Selection:
    """Include/exclude globs, and what was left out while walking folders.

    Attributes:
        include: Keep only files matching one of these (all when empty).
        exclude: Drop files matching any of these.
        unsupported: Extension → number of files of that unknown type.
        documentation: Documentation files skipped.
        filtered: Files left out by ``include``/``exclude`` (asked for: no warning).
    """

    include: Sequence[str] = ()
    exclude: Sequence[str] = ()
    unsupported: dict[str, int] = field(default_factory=dict)
    documentation: int = 0
    filtered: int = 0
    _examples: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.include = [check_glob(g) for g in self.include]
        self.exclude = [check_glob(g) for g in self.exclude]

    def wants(self, path: Path, root: Path, known: bool) -> bool:
        """Whether a file found under folder ``root`` is read (counting it if not)."""
        if not known:
            kind = path.suffix.lower() or "no extension"
            self.unsupported[kind] = self.unsupported.get(kind, 0) + 1
            self._example(kind, path)
            return False
        if path.stem.upper() in DOCUMENTATION_NAMES:
            self.documentation += 1
            self._example("documentation", path)
            return False
        relative = path.relative_to(root).as_posix()
        if (self.include and not _matches(relative, path.name, self.include)) or _matches(
            relative, path.name, self.exclude
        ):
            self.filtered += 1
            return False
        return True

    def _example(self, key: str, path: Path) -> None:
        shown = self._examples.setdefault(key, [])
        if len(shown) < _EXAMPLES:
            shown.append(str(path))

    def messages(self, where: str) -> list[str]:
        """One warning per kind of file left out unasked (none when nothing was)."""
        out = []
        total = sum(self.unsupported.values())
        if total:
            kinds = ", ".join(
                f"{kind}: {n}" for kind, n in sorted(self.unsupported.items(), key=lambda x: -x[1])
            )
            examples = ", ".join(e for k in self.unsupported for e in self._examples.get(k, []))
            examples = ", ".join(examples.split(", ")[:_EXAMPLES])
            out.append(
                f"{where}: skipped {_files(total)} of an unsupported type ({kinds}, e.g. {examples})"
            )
        if self.documentation:
            names = ", ".join(Path(p).name for p in self._examples["documentation"])
            out.append(
                f"{where}: skipped {_files(self.documentation, 'documentation file')}, "
                f"not an article ({names}); name it to read it"
            )
        return out


def _files(n: int, noun: str = "file") -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
