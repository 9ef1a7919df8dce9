"""Reading articles in and writing results out.

Readers turn files, folders and standard input into a stream of
:class:`~newsdedup.models.Article`; every problem with the input becomes an
:class:`~newsdedup.errors.InputError` with a ``path:line`` location, or, when
it is harmless or ``skip_bad`` is set, a warning in a :class:`ReadReport`.
Writers replace their target atomically.

Supported inputs:

=====================  ==================================================
``.txt`` ``.md``       one article per file; id = path
``.html`` ``.htm``     one article per page; title, date and main text
``.json``              one object or an array of objects
``.jsonl`` ``.ndjson`` one object per line
``.csv``               header row, one article per row
``.xml`` ``.rss``      RSS 2.0 or Atom feed, one article per entry
``.atom``
``-``                  JSON Lines on standard input, read as it arrives
=====================  ==================================================

Example:
    >>> import io
    >>> report = ReadReport()
    >>> stdin = io.StringIO('{"id": "a1", "text": "Body", "published": "2023-02-14"}\\n')
    >>> [(a.id, a.published.year) for a in read_articles(["-"], stdin=stdin, report=report)]
    [('a1', 2023)]
"""

from __future__ import annotations

from .counters import ReadReport
from .dates import parse_date
from .fields import FieldMap, article_from_record
from .html import html_to_text
from .reader import read_articles
from .walk import iter_input_files
from .writers import atomic_writer, write_jsonl_atomic

__all__ = [
    "FieldMap",
    "ReadReport",
    "article_from_record",
    "atomic_writer",
    "html_to_text",
    "iter_input_files",
    "parse_date",
    "read_articles",
    "write_jsonl_atomic",
]
