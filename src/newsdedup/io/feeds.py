"""Read articles from RSS 2.0 and Atom feed files (``.xml``, ``.rss``, ``.atom``).

Why feedparser: it copes with the many dialects and encodings feeds come in.
It is imported only when a feed is read, so other inputs do not pay for it.
Entry bodies are HTML and go through the same HTML-to-text code as pages.

Example:
    >>> from newsdedup.io import FieldMap, ReadReport
    >>> ctx = ReadContext(FieldMap(), False, 10_000_000, ReadReport())
    >>> feed = b'''<rss version="2.0"><channel><title>Wire</title>
    ... <item><guid>g1</guid><title>Hello</title><description>&lt;p&gt;Body&lt;/p&gt;</description></item>
    ... </channel></rss>'''
    >>> [(a.id, a.title, a.text, a.source) for a in articles_from_feed(feed, "wire.rss", ctx)]
    [('g1', 'Hello', 'Body', 'Wire')]
"""

from __future__ import annotations

import io
from calendar import timegm
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..models import Article
from .counters import ReadContext
from .html import html_to_text
from .source import read_bytes

__all__ = ["articles_from_feed", "read_feed"]


def read_feed(path: Path, name: str, ctx: ReadContext) -> Iterator[Article]:
    """Yield the entries of a feed file as articles.

    Raises:
        InputError: The file is not a feed or has no entries (unless
            ``ctx.skip_bad``, which turns it into a warning).
    """
    raw = read_bytes(path, name, ctx)
    if raw is not None:
        yield from articles_from_feed(raw, name, ctx)


def articles_from_feed(raw: bytes, name: str, ctx: ReadContext) -> Iterator[Article]:
    """Yield the entries of a feed document.

    Ids are the entry id (``<guid>``, Atom ``<id>``), else its link, else
    ``path#n`` (from 0). The text is the entry's content, else its summary.
    """
    import feedparser  # lazy: only feeds need it

    # A stream, never bytes or str: feedparser would try those as a file name or URL.
    # Its HTML sanitizer and URI rewriting are off: entry bodies only go through
    # html_to_text (which drops scripts and bounds nesting), never to a browser, and
    # the sanitizer alone took 3 s per MB of nested markup.
    try:
        parsed = feedparser.parse(io.BytesIO(raw), sanitize_html=False, resolve_relative_uris=False)
    except Exception as error:
        ctx.bad(f"not a readable RSS or Atom feed ({type(error).__name__})", name)
        return
    problem = _bozo_reason(parsed)
    if not parsed.entries:
        ctx.bad(
            f"not a readable RSS or Atom feed ({problem})" if problem else "feed has no entries",
            name,
        )
        return
    if problem:
        ctx.note(f"feed is not well-formed ({problem}); read what could be parsed", name)
    source = parsed.feed.get("title") or None
    for index, entry in enumerate(parsed.entries):
        origin = f"{name}#{index}"
        text = _entry_text(entry)
        if not text:
            ctx.bad("entry has no content or summary", origin)
            continue
        yield Article(
            id=str(entry.get("id") or entry.get("link") or origin),
            text=text,
            title=entry.get("title") or None,
            url=_entry_url(entry),
            source=source,
            published=_entry_date(entry),
            origin=origin,
        )


def _entry_text(entry: Any) -> str:
    for content in entry.get("content") or []:
        text = _as_text(content.get("value"), content.get("type"))
        if text:
            return text
    detail = entry.get("summary_detail") or {}
    return _as_text(entry.get("summary"), detail.get("type"))


def _as_text(value: str | None, kind: str | None) -> str:
    if not value:
        return ""
    return value.strip() if kind == "text/plain" else html_to_text(value)


def _entry_url(entry: Any) -> str | None:
    # feedparser copies a guid/Atom id such as "urn:x:1" into ``link``; only addresses are URLs.
    link = entry.get("link")
    return link if link and "://" in link else None


def _entry_date(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(timegm(parsed), tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def _bozo_reason(parsed: Any) -> str | None:
    if not parsed.get("bozo"):
        return None
    error = parsed.get("bozo_exception")
    reason = (
        str(getattr(error, "getMessage", lambda: error)()) if error is not None else "malformed"
    )
    reason = " ".join(reason.split())
    return reason[:100] + "..." if len(reason) > 100 else reason
