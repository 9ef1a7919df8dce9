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
from typing import Any

from ..errors import InputError
from ..models import Article
from .dates import parse_date

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

    Example:
        >>> FieldMap(text="body").text
        'body'
    """

    id: str = "id"
    text: str = "text"
    title: str = "title"
    date: str = "published"
    source: str = "source"
    url: str = "url"


def article_from_record(record: Any, fields: FieldMap, origin: str) -> Article:
    """Build an article from a record; fields not mapped go to ``extra``.

    Args:
        record: The decoded record (anything; non-objects are rejected).
        fields: Which fields hold what.
        origin: Where the record was read (``path:line``, ``path#index``,
            ``<stdin>:line``); used in messages and as the fallback id.

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
    published = parse_date(record[date_key]) if date_key else None
    if date_key and (published is not None or record[date_key] in (None, "")):
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
