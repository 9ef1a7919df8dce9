"""Turn the date values found in news data into timezone-aware datetimes.

Why lenient: dates arrive as ISO 8601 strings (JSON exports), RFC 2822
strings (RSS ``pubDate``), Reuters-21578 stamps (``26-FEB-1987
15:01:01.79``, sometimes with stray letters after them) and epoch numbers.
An unparseable date is not an error: the article simply has no date.

Example:
    >>> parse_date("2023-02-14T09:30:00Z").isoformat()
    '2023-02-14T09:30:00+00:00'
    >>> parse_date("Tue, 14 Feb 2023 09:30:00 +0100").isoformat()
    '2023-02-14T09:30:00+01:00'
    >>> parse_date(" 2-MAR-1987 11:44:41.93").isoformat()
    '1987-03-02T11:44:41.930000+00:00'
    >>> parse_date(0).isoformat()
    '1970-01-01T00:00:00+00:00'
    >>> parse_date("next Tuesday") is None
    True
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime

__all__ = ["parse_date"]

_REUTERS = re.compile(
    r"(\d{1,2})-([A-Za-z]{3})-(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_EPOCH_STRING = re.compile(r"-?\d{9,}(?:\.\d+)?")
#: Epoch values above this are taken as milliseconds (as seconds they would be past the year 5000).
_MILLISECONDS_ABOVE = 1e11


def parse_date(value: object) -> datetime | None:
    """Parse a publication date; naive results are taken as UTC.

    Args:
        value: A string (ISO 8601, RFC 2822, Reuters ``DD-MON-YYYY
            HH:MM:SS.cc``, or epoch seconds with 9+ digits), an int or
            float (epoch seconds, or milliseconds when above 1e11), a
            ``datetime`` or a ``date``.

    Returns:
        An aware ``datetime``, or ``None`` when the value is empty or not
        recognised.

    Example:
        >>> parse_date("2023-02-14").isoformat()
        '2023-02-14T00:00:00+00:00'
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    if isinstance(value, (int, float)):
        return _from_epoch(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if _EPOCH_STRING.fullmatch(text):
        return _from_epoch(float(text))
    for parse in (_from_iso, _from_rfc2822, _from_reuters):
        result = parse(text)
        if result is not None:
            return result
    return None


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _from_epoch(seconds: float) -> datetime | None:
    if abs(seconds) > _MILLISECONDS_ABOVE:
        seconds = seconds / 1000
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def _from_iso(text: str) -> datetime | None:
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    try:
        return _aware(datetime.fromisoformat(text))
    except ValueError:
        return None


def _from_rfc2822(text: str) -> datetime | None:
    try:
        return _aware(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _from_reuters(text: str) -> datetime | None:
    match = _REUTERS.match(text)
    if match is None:
        return None
    day, month_name, year, hour, minute, second, fraction = match.groups()
    month = _MONTHS.get(month_name.lower())
    if month is None:
        return None
    micro = int((fraction or "0").ljust(6, "0"))
    try:
        return datetime(
            int(year),
            month,
            int(day),
            int(hour),
            int(minute),
            int(second),
            micro,
            tzinfo=timezone.utc,
        )
    except ValueError:
        return None
