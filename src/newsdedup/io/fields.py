"""Turn one input record (a JSON object, a CSV row) into an :class:`Article`.

Why shared: JSON, JSONL, CSV, standard input and the persistent index all
store articles as flat records; one function decides what a valid record is,
so every reader rejects the same things with the same words.

Example:
    >>> a = article_from_record({"id": 7, "text": "Body", "lang": "en"}, FieldMap(), "a.jsonl:1")
    >>> (a.id, a.text, a.extra)
    ('7', 'Body', {'lang': 'en'})
    >>> article_from_record({"text": "Body"}, FieldMap(), "a.jsonl:2").id
    'a.jsonl:2'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..models import Article
from .dates import read_date

if TYPE_CHECKING:  # counters.py imports this module
    from .counters import ReadReport

__all__ = ["DATE_FALLBACKS", "FieldMap", "article_from_record"]

#: Tried, in order, when the configured date field is absent.
DATE_FALLBACKS = ("date", "pubDate", "published_at")


@dataclass(frozen=True)
class FieldMap:
    """Which record fields hold what.

    Attributes:
        id: Unique identifier; when missing, the record's origin
            (``path:line`` or ``path#index``) is used instead.
        text: The body; required, a non-empty string.
        title: Headline.
        date: Publication date; when absent, ``date``, ``pubDate`` and
            ``published_at`` are tried as well.
        source: Outlet or feed name.
        url: Address of the article.
        day_first: How the date field's numeric dates are read: True for
            day first (``02/03/2023`` is 2 March), False for month first
            (3 February), None to decide from each value (``14/02/2023``
            can only be day first) and read month first when both are
            possible, counting those in the read report.

    Example:
        >>> FieldMap(text="body").text
        'body'
        >>> rec = {"text": "B", "published": "02/03/2023"}
        >>> article_from_record(rec, FieldMap(day_first=True), "a.csv:2").published.month
        3
    """

    id: str = "id"
    text: str = "text"
    title: str = "title"
    date: str = "published"
    source: str = "source"
    url: str = "url"
    day_first: bool | None = None


def article_from_record(
    record: Any, fields: FieldMap, origin: str, report: ReadReport | None = None
) -> Article:
    """Build an article from a record; fields not mapped go to ``extra``.

    Args:
        record: The decoded record (anything; non-objects are rejected).
        fields: Which fields hold what.
        origin: Where the record was read (``path:line``, ``path#index``,
            ``<stdin>:line``); used in messages and as the fallback id.
        report: Counts dates not understood, and dates read month first
            although day and month could be swapped (see ``day_first``).

    Returns:
        The article. An unparseable date leaves ``published`` empty and keeps
        the raw value in ``extra``; non-text values of title, url or source
        are kept in ``extra`` too, so nothing is lost.

    Raises:
        InputError: The record is not an object, has no usable text, or its
            id is neither a string nor an integer. The message names the
            origin, never the article's text.

    Example:
        >>> article_from_record({"body": "B", "headline": "H"},
        ...                     FieldMap(text="body", title="headline"), "x.csv:2").title
        'H'
    """
    if not isinstance(record, dict):
        raise InputError(f"record is not an object (got {_kind(record)})", path=origin)
    text = _required_text(record, fields.text, origin)
    used = {fields.id, fields.text}
    values: dict[str, Any] = {}
    for name in ("title", "source", "url"):
        key = getattr(fields, name)
        values[name] = _optional_text(record.get(key))
        if values[name] is not None or record.get(key) in (None, ""):
            used.add(key)
    date_key = _date_key(record, fields)
    published = _published(record, date_key, fields, origin, report)
    if date_key is not None and (published is not None or record[date_key] in (None, "")):
        used.add(date_key)
    extra = {key: value for key, value in record.items() if key not in used}
    return Article(
        id=_record_id(record.get(fields.id), origin),
        text=text,
        published=published,
        origin=origin,
        extra=extra,
        **values,
    )


def _published(
    record: dict[str, Any],
    key: str | None,
    fields: FieldMap,
    origin: str,
    report: ReadReport | None,
) -> datetime | None:
    """The record's date as an aware datetime, or None; problems go to ``report``."""
    if key is None or record[key] in (None, ""):
        return None
    parsed = read_date(record[key], day_first=fields.day_first)
    if report is not None and parsed.value is None:
        report.date_not_understood(record[key], origin)
    elif report is not None and parsed.ambiguous:
        report.date_ambiguous(record[key], origin)
    return parsed.value


def _required_text(record: dict[str, Any], key: str, origin: str) -> str:
    if key not in record or record[key] is None:
        raise InputError(f"record has no {key!r} field", path=origin)
    text = record[key]
    if not isinstance(text, str):
        raise InputError(f"{key!r} field is not a string (got {_kind(text)})", path=origin)
    if not text.strip():
        raise InputError(f"{key!r} field is empty", path=origin)
    return text


def _record_id(value: Any, origin: str) -> str:
    if value is None or value == "":
        return origin
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InputError(f"id must be a string or an integer (got {_kind(value)})", path=origin)
    return str(value)


def _optional_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _date_key(record: dict[str, Any], fields: FieldMap) -> str | None:
    for key in (fields.date, *DATE_FALLBACKS):
        if record.get(key) not in (None, ""):
            return key
    return fields.date if fields.date in record else None


def _kind(value: Any) -> str:
    names = {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        type(None): "null",
    }
    return names.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__
    )
