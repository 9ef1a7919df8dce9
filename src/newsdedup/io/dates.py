"""Turn the date values found in news data into timezone-aware datetimes.

Why so many paths: dates arrive as ISO 8601 strings (JSON exports, HTML meta
tags), RFC 2822 strings (RSS ``pubDate``), Reuters-21578 stamps (``26-FEB-1987
15:01:01.79``), epoch numbers, and as a page prints them (``Feb 14, 2023 9:30
AM EST``, ``14/02/2023``, ``le 14 février 2023``). The date decides which
article is the original, so a wrong time is worse than none: a value that is
not understood, or whose time zone is unknown, gives ``None`` (readers count
and report it), never a guess.

Paths, cheapest first: epoch numbers; numbers with slashes or dots (day or
month first, see :func:`parse_date`); ISO 8601, extended and basic forms,
parsed here so Python 3.10 reads ``+0100`` and ``20230214T093000Z`` too;
Reuters; day, month name and year in English, French, Spanish, German or
Italian from a built-in table, which also reads RFC 2822 (``Tue, 14 Feb 2023
09:30:00 +0100``, but never drops a zone it does not know, as
``email.utils`` does); python-dateutil for the other English forms;
and, when the optional ``dateparser`` package is installed
(``pip install 'newsdedup[dates]'``), dateparser for the rest.

A time without a zone is taken as UTC. Zone abbreviations are read from a
fixed table (:data:`ZONES`: ``UTC``, ``EST``, ``CET``...; ``ET``, ``PT``... follow
daylight saving time); any other abbreviation makes the value not understood.

Example:
    >>> parse_date("2023-02-14T09:30:00Z").isoformat()
    '2023-02-14T09:30:00+00:00'
    >>> parse_date("Tue, 14 Feb 2023 09:30:00 +0100").isoformat()
    '2023-02-14T09:30:00+01:00'
    >>> parse_date("Feb 14, 2023 9:30 AM EST").isoformat()
    '2023-02-14T09:30:00-05:00'
    >>> parse_date("le 14 février 2023 à 9h30").isoformat()
    '2023-02-14T09:30:00+00:00'
    >>> parse_date(" 2-MAR-1987 11:44:41.93").isoformat()
    '1987-03-02T11:44:41.930000+00:00'
    >>> parse_date("next Tuesday") is None
    True
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any

__all__ = ["ZONES", "ParsedDate", "parse_date", "read_date"]

#: Zone abbreviations read in dates: fixed offsets in hours, or IANA names for
#: the generic North American zones, whose offset follows daylight saving time.
#: Ambiguous abbreviations (IST, BST in Asia...) are left out on purpose.
ZONES: dict[str, float | str] = {
    "UTC": 0, "UT": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1,
    "CET": 1, "CEST": 2, "MEZ": 1, "MESZ": 2, "EET": 2, "EEST": 3, "MSK": 3,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "JST": 9, "KST": 9, "HKT": 8, "SGT": 8,
    "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
    "ET": "America/New_York", "CT": "America/Chicago",
    "MT": "America/Denver", "PT": "America/Los_Angeles",
}  # fmt: skip

#: Month names and abbreviations (accents removed, lower case) in the languages
#: the normaliser knows: English, French, Spanish, German, Italian.
_MONTH_WORDS = (
    "jan january janv janvier enero januar janner gennaio",
    "feb february fev fevr fevrier febrero februar febbraio",
    "mar march mars marzo marz maerz",
    "apr april avr avril abril aprile",
    "may mai mayo maggio",
    "jun june juin junio juni giugno",
    "jul july juil juillet julio juli luglio",
    "aug august aout agosto",
    "sep sept september septembre septiembre setiembre settembre",
    "oct october octobre octubre oktober ottobre",
    "nov november novembre noviembre",
    "dec december decembre diciembre dezember dicembre",
)
MONTHS = {word: n for n, words in enumerate(_MONTH_WORDS, start=1) for word in words.split()}

_EPOCH_STRING = re.compile(r"-?\d{9,}(?:\.\d+)?")
#: Epoch values above this are taken as milliseconds (as seconds they would be past the year 5000).
_MILLISECONDS_ABOVE = 1e11
_ZONE = r"(?P<zone>Z|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{1,5})"
_TIME = (
    r"(?P<hour>\d{1,2})[:h.](?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?\s*(?:uhr|h)?"
)
_ISO = re.compile(
    r"(?P<year>\d{4})(?P<dash>-?)(?P<month>\d{2})(?P=dash)(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2})(?P<colon>:?)(?P<minute>\d{2})"
    r"(?:(?P=colon)(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?)?"
    rf"(?:\s*{_ZONE})?",
    re.IGNORECASE,
)
_REUTERS = re.compile(
    r"(\d{1,2})-([A-Za-z]{3})-(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?"
)
_NUMERIC = re.compile(
    r"(?P<first>\d{1,2})(?P<sep>[/.-])(?P<second_part>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})"
    rf"(?:,?\s+(?:at\s+)?{_TIME})?(?:\s*{_ZONE})?",
    re.IGNORECASE,
)
_WORDS = re.compile(
    r"(?:[^\W\d_]+,?\s+)?(?:(?:le|el|il|den|am)\s+)?"  # weekday, article
    r"(?P<day>\d{1,2})(?:er|\.|º|°)?\s+(?:de\s+)?(?P<month_name>[^\W\d_]+)\.?,?\s+"
    r"(?:de\s+)?(?P<year>\d{4})"
    rf"(?:,?\s+(?:(?:à|a las|a la|um|alle|ore|at)\s+)?{_TIME})?(?:\s*{_ZONE})?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ParsedDate:
    """A date read from a value, and how sure the reading is.

    Attributes:
        value: The aware datetime, or None when the value was not understood.
        ambiguous: Day and month could be swapped (``02/03/2023``) and were
            read month-first because no ``day_first`` was given.
    """

    value: datetime | None
    ambiguous: bool = False


def parse_date(value: object, *, day_first: bool | None = None) -> datetime | None:
    """Parse a publication date; a time without a zone is taken as UTC.

    Args:
        value: A string (see the module's paths), an int or float (epoch
            seconds, or milliseconds when above 1e11), a ``datetime`` or a ``date``.
        day_first: How to read numeric dates such as ``02/03/2023``: True
            for day first (2 March), False for month first (3 February),
            None to decide from the value (``14/02/2023`` can only be day
            first) and read month first when both are possible.

    Returns:
        An aware ``datetime``, or ``None`` when the value is empty or not understood.

    Example:
        >>> parse_date("14/02/2023").date(), parse_date("02/03/2023", day_first=True).date()
        (datetime.date(2023, 2, 14), datetime.date(2023, 3, 2))
    """
    return read_date(value, day_first=day_first).value


def read_date(value: object, *, day_first: bool | None = None) -> ParsedDate:
    """Like :func:`parse_date`, and say whether day and month were ambiguous.

    Example:
        >>> read_date("02/03/2023")
        ParsedDate(value=datetime.datetime(2023, 2, 3, 0, 0, tzinfo=datetime.timezone.utc), ambiguous=True)
    """
    if value is None or isinstance(value, bool):
        return ParsedDate(None)
    if isinstance(value, datetime):
        return ParsedDate(_aware(value))
    if isinstance(value, date):
        return ParsedDate(datetime(value.year, value.month, value.day, tzinfo=timezone.utc))
    if isinstance(value, (int, float)):
        return ParsedDate(_from_epoch(value))
    if not isinstance(value, str) or not value.strip():
        return ParsedDate(None)
    text = value.strip()
    if _EPOCH_STRING.fullmatch(text):
        return ParsedDate(_from_epoch(float(text)))
    try:  # the common case, in C; Python 3.10 reads fewer forms here, the rest are read below
        return ParsedDate(_aware(datetime.fromisoformat(text)))
    except ValueError:
        text = " ".join(text.split())
    numeric = _NUMERIC.fullmatch(text)
    if numeric is not None:
        return _from_numeric(numeric, day_first)
    try:
        for parse in (_from_iso, _from_reuters, _from_words, _from_dateutil):
            result = parse(text, day_first)
            if result is not None:
                return ParsedDate(result)
    except _UnknownZone:  # a date in a zone not in ZONES: none rather than a guess
        return ParsedDate(None)
    return ParsedDate(_from_dateparser(text, day_first))


class _UnknownZone(ValueError):
    """A value dateutil reads, naming a zone abbreviation outside :data:`ZONES`."""


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _from_epoch(seconds: float) -> datetime | None:
    if abs(seconds) > _MILLISECONDS_ABOVE:
        seconds = seconds / 1000
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def _zone(name: str | None, naive: datetime) -> tzinfo | None:
    """The zone of an offset (``+01:00``, ``+0100``, ``Z``) or a known abbreviation; None if unknown."""
    if not name:
        return timezone.utc
    if name[0] in "+-":
        digits = name[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
        return timezone(timedelta(minutes=minutes if name[0] == "+" else -minutes))
    known = ZONES.get(name.upper())
    if isinstance(known, str):
        return _named_zone(known)
    return None if known is None else timezone(timedelta(hours=known))


def _named_zone(name: str) -> tzinfo | None:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except (ImportError, KeyError, ValueError, OSError):  # no time-zone database installed
        return None


def _build(
    year: int, month: int, day: int, parts: dict[str, str | None], zone: str | None
) -> datetime | None:
    """A datetime from matched parts, or None when they name no real instant."""
    hour = int(parts.get("hour") or 0)
    ampm = (parts.get("ampm") or "").lower()[:1]
    if ampm and not 1 <= hour <= 12:
        return None
    if ampm:
        hour = hour % 12 + (12 if ampm == "p" else 0)
    micro = int((parts.get("fraction") or "0")[:6].ljust(6, "0"))
    try:
        naive = datetime(
            year,
            month,
            day,
            hour,
            int(parts.get("minute") or 0),
            int(parts.get("second") or 0),
            micro,
        )
    except ValueError:
        return None
    tz = _zone(zone, naive)
    return None if tz is None else naive.replace(tzinfo=tz)


def _from_iso(text: str, day_first: bool | None = None) -> datetime | None:
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    parts = match.groupdict()
    return _build(int(parts["year"]), int(parts["month"]), int(parts["day"]), parts, parts["zone"])


def _from_reuters(text: str, day_first: bool | None = None) -> datetime | None:
    match = _REUTERS.match(text)
    if match is None:
        return None
    day, month_name, year, hour, minute, second, fraction = match.groups()
    month = MONTHS.get(month_name.lower())
    if month is None:
        return None
    parts = {"hour": hour, "minute": minute, "second": second, "fraction": fraction}
    return _build(int(year), month, int(day), parts, None)


def _from_numeric(match: re.Match[str], day_first: bool | None) -> ParsedDate:
    """``14/02/2023``, ``02.03.23 09:30``: day or month first, as asked or as the value shows."""
    parts = match.groupdict()
    first, second, year = int(parts["first"]), int(parts["second_part"]), int(parts["year"])
    if len(parts["year"]) == 2:  # POSIX strptime's rule: 69-99 are 1900s, 00-68 2000s
        year += 1900 if year >= 69 else 2000
    ambiguous = False
    if day_first is None:
        ambiguous = first <= 12 and second <= 12 and first != second
        day_first = first > 12
    day, month = (first, second) if day_first else (second, first)
    return ParsedDate(_build(year, month, day, parts, parts["zone"]), ambiguous)


def _from_words(text: str, day_first: bool | None = None) -> datetime | None:
    """``le 14 février 2023``, ``14. Februar 2023, 09:30 Uhr``, ``Tue, 14 Feb 2023 09:30 +0100``."""
    match = _WORDS.fullmatch(text)
    if match is None:
        return None
    parts = match.groupdict()
    month = MONTHS.get(_plain(parts["month_name"]))
    if month is None:
        return None
    return _build(int(parts["year"]), month, int(parts["day"]), parts, parts["zone"])


def _plain(word: str) -> str:
    """``Février`` → ``fevrier``; ``März`` → ``marz`` (accents removed, lower case)."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _from_dateutil(text: str, day_first: bool | None = None) -> datetime | None:
    """English forms python-dateutil knows (``February 14, 2023``, ``9:30 AM EST``), complete only.

    A value missing its year, month or day is refused (dateutil would fill
    them in from today), and so is one naming a zone outside :data:`ZONES`.
    """
    try:
        from dateutil import parser
    except ImportError:  # a dependency; kept optional so a broken install still reads ISO dates
        return None
    results = []
    for default in (datetime(2001, 1, 1), datetime(2002, 2, 2)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # an unknown zone name is a warning there
            try:
                results.append(
                    parser.parse(text, default=default, dayfirst=bool(day_first), tzinfos=_tzinfos)
                )
            except _UnknownZone:
                raise
            except (ValueError, OverflowError, TypeError, Warning):
                return None
    if results[0] != results[1]:  # a part came from the default
        return None
    return _aware(results[0])


def _tzinfos(name: str, offset: int | None) -> tzinfo | None:
    """dateutil's zone callback: a numeric offset as given, names from :data:`ZONES` only."""
    if offset is not None:
        return timezone(timedelta(seconds=offset))
    tz = _zone(name, datetime(2000, 1, 1))
    if tz is None:
        raise _UnknownZone(f"unknown time zone {name!r}")
    return tz


def _from_dateparser(text: str, day_first: bool | None) -> datetime | None:
    """Other languages and forms, when the optional ``dateparser`` package is installed."""
    try:
        import dateparser
    except ImportError:
        return None
    settings: dict[str, Any] = {
        "STRICT_PARSING": True,  # year, month and day must all be given
        "RETURN_AS_TIMEZONE_AWARE": True,
        "TIMEZONE": "UTC",  # what a value without a zone means
        "DATE_ORDER": "DMY" if day_first else "MDY",
        "PARSERS": ["absolute-time"],  # never "yesterday" or "in two days"
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = dateparser.parse(text, settings=settings)
        except (ValueError, OverflowError, TypeError):
            return None
    return None if result is None else _aware(result)
