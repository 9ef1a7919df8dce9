"""Read the real corpora the benchmarks run on: Reuters-21578 and BBC News.

Neither corpus has duplicate labels; they serve to measure speed on real text,
to report what a detector finds there for a person to judge, and as the
vocabulary of the synthetic corpus (:mod:`benchmarks.corpus.build`).

Example:
    >>> arts = list(iter_bbc(data_root() / "bbc"))  # doctest: +SKIP
    >>> arts[0].id, arts[0].title  # doctest: +SKIP
    ('business/001', 'Ad sales boost Time Warner profit')
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from newsdedup.errors import InputError
from newsdedup.models import Article

__all__ = [
    "DATA_VARIABLE",
    "DEFAULT_DATA",
    "data_root",
    "iter_bbc",
    "iter_reuters",
    "reuters_files",
]

#: The one environment variable naming the folder that holds the real corpora:
#: ``bbc/``, ``reuters21578/`` and ``counter-dev/``. Tests and benchmarks read it alike.
DATA_VARIABLE = "NEWSDEDUP_DATA"
#: Where the corpora are when the variable is not set: ``../shared/data`` beside the project.
DEFAULT_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"

_DISPATCH = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_NEWID = re.compile(r'NEWID="(\d+)"')
_TEXT_TYPE = re.compile(r'<TEXT(?:\s+TYPE="(\w+)")?\s*>(.*?)</TEXT>', re.S)
_DATE = re.compile(r"(\d{1,2})-([A-Z]{3})-(\d{4})\s+(\d{1,3}):(\d{2}):(\d{2})")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"),
        start=1,
    )
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def data_root() -> Path:
    """The data folder: ``$NEWSDEDUP_DATA``, else ``shared/data`` beside the project root.

    Example:
        >>> data_root()  # doctest: +SKIP
        PosixPath('/work/shared/data')
    """
    return Path(os.environ.get(DATA_VARIABLE) or DEFAULT_DATA)


def _tag(name: str, chunk: str) -> str | None:
    match = re.search(rf"<{name}>(.*?)</{name}>", chunk, re.S)
    return match.group(1) if match else None


def _clean(raw: str) -> str:
    """Decode SGML entities (``&lt;``, ``&#3;``) and drop the control characters they encode."""
    return _CONTROL.sub("", html.unescape(raw)).strip()


def _codes(name: str, chunk: str) -> list[str]:
    block = _tag(name, chunk) or ""
    return re.findall(r"<D>(.*?)</D>", block)


def _parse_date(raw: str | None) -> datetime | None:
    """``26-FEB-1987 15:01:01.79`` → aware UTC datetime; None when malformed (a few are)."""
    match = _DATE.search(raw or "")
    if not match:
        return None
    day, month, year, hour, minute, second = match.groups()
    try:
        return datetime(
            int(year),
            _MONTHS[month],
            int(day),
            int(hour),
            int(minute),
            int(second),
            tzinfo=timezone.utc,
        )
    except (KeyError, ValueError):
        return None


def reuters_files(path: str | Path) -> list[Path]:
    """The ``reut2-*.sgm`` files of a Reuters-21578 folder (or the one file given).

    Raises:
        InputError: The path does not exist, or holds no ``reut2-*.sgm`` file.
    """
    root = Path(path)
    if not root.exists():
        raise InputError(
            "Reuters-21578 not found (expected a folder of reut2-*.sgm files)", path=str(root)
        )
    files = [root] if root.is_file() else sorted(root.glob("reut2-*.sgm"))
    if not files:
        raise InputError("no reut2-*.sgm files in this folder", path=str(root))
    return files


def _dispatch(attrs: str, chunk: str, origin: str, with_title_only: bool) -> Article | None:
    newid = _NEWID.search(attrs)
    text_match = _TEXT_TYPE.search(chunk)
    if newid is None or text_match is None:
        raise InputError("dispatch without NEWID or TEXT", path=origin)
    kind, inner = text_match.group(1) or "NORM", text_match.group(2)
    title = _tag("TITLE", inner)
    dateline = _clean(_tag("DATELINE", inner) or "")
    body = _tag("BODY", inner)
    if body is not None:
        text = _clean(body)
        text = f"{dateline} {text}" if dateline else text
    elif kind == "UNPROC":
        text = _clean(inner)
    else:
        text = ""
    if not text and not with_title_only:
        return None
    return Article(
        id=newid.group(1),
        text=text,
        title=_clean(title) if title is not None else None,
        source="reuters",
        published=_parse_date(_tag("DATE", chunk)),
        origin=origin,
        extra={
            "type": kind,
            "dateline": dateline,
            "topics": _codes("TOPICS", chunk),
            "places": _codes("PLACES", chunk),
        },
    )


def iter_reuters(path: str | Path, *, with_title_only: bool = False) -> Iterator[Article]:
    """Yield the dispatches of Reuters-21578, in file order.

    Of the 21,578 dispatches, 19,043 have a ``BODY`` (the text is the
    dateline, then the body) and 737 are unprocessed tables (``TYPE="UNPROC"``,
    the text is the whole table); both are yielded. The 1,798 briefs
    (``TYPE="BRIEF"``) have a title and no text ("Blah blah blah.") and are
    only yielded, with an empty text, when ``with_title_only`` is set.

    Args:
        path: The ``reuters21578`` folder, or one ``reut2-NNN.sgm`` file.
        with_title_only: Also yield dispatches that have no text.

    Yields:
        :class:`Article` with ``id`` = NEWID, ``source="reuters"``,
        ``published`` from DATE (UTC; None for the few malformed dates) and
        ``extra`` = ``{"type", "dateline", "topics", "places"}``.

    Raises:
        InputError: Missing folder or files, or a dispatch without NEWID.

    Example:
        >>> next(iter_reuters(data_root() / "reuters21578")).title  # doctest: +SKIP
        'BAHIA COCOA REVIEW'
    """
    for file in reuters_files(path):
        try:
            content = file.read_text(encoding="latin-1")
        except OSError as err:
            raise InputError(f"cannot read: {err.strerror}", path=str(file)) from None
        line, last = 1, 0
        for match in _DISPATCH.finditer(content):
            line += content.count("\n", last, match.start())
            last = match.start()
            article = _dispatch(match.group(1), match.group(2), f"{file}:{line}", with_title_only)
            if article is not None:
                yield article


def _read_bbc(file: Path) -> str:
    raw = file.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # one file of the corpus has a bare £ (0xA3)


def iter_bbc(path: str | Path) -> Iterator[Article]:
    """Yield the articles of the BBC News corpus (``topic/NNN.txt``, first line the title).

    Args:
        path: The ``bbc`` folder holding ``business``, ``sport``... folders.

    Yields:
        :class:`Article` with ``id`` = ``"topic/NNN"``, ``source="bbc"`` and
        ``extra={"topic": topic}``; the body keeps its paragraphs (blank
        lines between them).

    Raises:
        InputError: Missing folder, or no ``topic/NNN.txt`` file in it.

    Example:
        >>> next(iter_bbc(data_root() / "bbc")).id  # doctest: +SKIP
        'business/001'
    """
    root = Path(path)
    if not root.is_dir():
        raise InputError(
            "BBC News corpus not found (expected a folder of topic/NNN.txt files)", path=str(root)
        )
    files = sorted(root.glob("*/*.txt"))
    if not files:
        raise InputError("no topic/NNN.txt files in this folder", path=str(root))
    for file in files:
        title, _, body = _read_bbc(file).strip().partition("\n")
        paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
        yield Article(
            id=f"{file.parent.name}/{file.stem}",
            text="\n\n".join(paragraphs),
            title=title.strip(),
            source="bbc",
            origin=str(file),
            extra={"topic": file.parent.name},
        )
