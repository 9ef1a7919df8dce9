"""What happened while reading: counters, warnings, and the policy for bad input.

Why a context object: every reader meets the same problems (a malformed
record, an empty file, an oversized article). :class:`ReadContext` decides
once what each one means (raise, or skip and warn) so the readers stay short
and the messages stay identical across formats.

Example:
    >>> report = ReadReport()
    >>> ctx = ReadContext(FieldMap(), skip_bad=True, max_article_bytes=100, report=report)
    >>> ctx.bad("invalid JSON: Expecting value", "a.jsonl", 3)
    >>> report.warnings, report.skipped
    (['a.jsonl:3: invalid JSON: Expecting value; skipped'], 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InputError
from .fields import FieldMap

__all__ = ["ReadContext", "ReadReport", "size_text", "too_large_message"]


@dataclass
class ReadReport:
    """Counters and warnings filled in while articles are read.

    Attributes:
        files: Input files (and standard input) opened.
        articles: Articles yielded.
        skipped: Files, records and articles left out (each has a warning).
        bad_dates: Dates present but not understood (the article is kept,
            without a date).
        ambiguous_dates: Dates such as ``02/03/2023`` read month first
            because no ``day_first`` was given.
        warnings: One-line messages, each ``path[:line]: what happened``;
            they never contain article text. Date problems are one warning
            each kind, naming the first value and the count.

    Example:
        >>> r = ReadReport(files=2, articles=5, skipped=1)
        >>> r.summary()
        'read 5 articles from 2 files, 1 skipped'
    """

    files: int = 0
    articles: int = 0
    skipped: int = 0
    bad_dates: int = 0
    ambiguous_dates: int = 0
    warnings: list[str] = field(default_factory=list)
    _date_warnings: dict[str, tuple[int, str]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def warn(self, message: str, path: str, line: int | None = None) -> None:
        """Record a warning located at ``path`` (and ``line``, if known)."""
        where = f"{path}:{line}" if line is not None else path
        self.warnings.append(f"{where}: {message}")

    def summary(self) -> str:
        """One line for the end of a run."""
        files = "file" if self.files == 1 else "files"
        articles = "article" if self.articles == 1 else "articles"
        text = f"read {self.articles} {articles} from {self.files} {files}"
        if self.skipped:
            text += f", {self.skipped} skipped"
        if self.bad_dates:
            text += (
                f", {self.bad_dates} {'date' if self.bad_dates == 1 else 'dates'} not understood"
            )
        return text

    def date_not_understood(self, value: object, where: str) -> None:
        """Count a date that could not be read; one warning names the first and the count.

        Example:
            >>> r = ReadReport()
            >>> r.date_not_understood("next Tuesday", "a.jsonl:3")
            >>> r.date_not_understood("soon", "a.jsonl:9")
            >>> r.warnings
            ["a.jsonl:3: date 'next Tuesday' not understood, left empty (2 dates in all)"]
        """
        self.bad_dates += 1
        self._date_warning("bad", where, f"date {_shown(value)} not understood, left empty")

    def date_ambiguous(self, value: object, where: str) -> None:
        """Count a date read month first although day and month could be swapped."""
        self.ambiguous_dates += 1
        self._date_warning(
            "ambiguous",
            where,
            f"date {_shown(value)} read month first (day and month could be swapped; "
            "use --day-first, day_first=True in Python, if they are day first)",
        )

    def _date_warning(self, kind: str, where: str, first: str) -> None:
        count = self.bad_dates if kind == "bad" else self.ambiguous_dates
        if kind not in self._date_warnings:
            self._date_warnings[kind] = (len(self.warnings), f"{where}: {first}")
            self.warnings.append("")
        at, message = self._date_warnings[kind]
        self.warnings[at] = message if count == 1 else f"{message} ({count} dates in all)"


@dataclass
class ReadContext:
    """The options of one read and where its problems go.

    Attributes:
        fields: Record field names.
        skip_bad: Skip malformed records with a warning instead of raising.
        max_article_bytes: Articles larger than this (UTF-8 bytes of the
            text, or the file size for one-article files) are skipped.
        report: Where counters and warnings go.
    """

    fields: FieldMap
    skip_bad: bool
    max_article_bytes: int
    report: ReadReport

    def bad(self, message: str, path: str, line: int | None = None) -> None:
        """Malformed input: raise :class:`InputError`, or skip it with a warning.

        Raises:
            InputError: Unless ``skip_bad`` is set.
        """
        if not self.skip_bad:
            raise InputError(message, path=path, line=line)
        self.skip(f"{message}; skipped", path, line)

    def bad_error(self, error: InputError) -> None:
        """Like :meth:`bad`, for an error raised by a shared helper."""
        if not self.skip_bad:
            raise error
        self.report.skipped += 1
        self.report.warnings.append(f"{error}; skipped")

    def skip(self, message: str, path: str, line: int | None = None) -> None:
        """Input left out on purpose (empty, binary, too large): warn and count."""
        self.report.skipped += 1
        self.report.warn(message, path, line)

    def note(self, message: str, path: str, line: int | None = None) -> None:
        """Input read, but suspicious: warn only."""
        self.report.warn(message, path, line)


def _shown(value: object) -> str:
    """A date value for a message: quoted, at most 40 characters."""
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def size_text(size: int) -> str:
    """A byte count for humans, in decimal units.

    Example:
        >>> size_text(50_000_000), size_text(2_500), size_text(12)
        ('50.0 MB', '2.5 kB', '12 bytes')
    """
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.1f} kB"
    return f"{size} bytes"


def too_large_message(size: int, limit: int) -> str:
    """The warning for an article over the size limit.

    Example:
        >>> too_large_message(50_000_000, 10_000_000)
        'article is 50.0 MB, over the 10.0 MB limit; skipped'
    """
    return f"article is {size_text(size)}, over the {size_text(limit)} limit; skipped"
