"""Extract an article's title, date and readable text from an HTML page.

Why our own walk over the tree: ``node.text()`` glues paragraphs together
(``end.Next``), which merges words across paragraphs and hides the
paragraph structure later stages use. Markup is first bounded in depth
(:mod:`newsdedup.io.nesting`) so that hostile nesting cannot make parsing
quadratic. Block elements become blank-line
breaks, ``<br>`` a line break, and page furniture (scripts, navigation,
headers, footers, asides, forms) is dropped before the text is taken from
the page's ``<article>`` or ``<main>`` when it has one.

Example:
    >>> html_to_text("<p>First <b>para</b>.</p><script>x()</script><p>Second<br>line</p>")
    'First para.\\n\\nSecond\\nline'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..models import Article
from .counters import ReadContext
from .dates import parse_date
from .nesting import limit_nesting
from .source import read_text

__all__ = ["HtmlPage", "extract_page", "html_to_text", "read_html"]

_DROP = [
    "script",
    "style",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "noscript",
    "template",
    "iframe",
    "svg",
]
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
    ]
)
_CELLS = frozenset({"td", "th"})
_PARAGRAPH = object()
_LINE = object()
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class HtmlPage:
    """What :func:`extract_page` finds in a page (``None`` when absent)."""

    text: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    site: str | None = None


def html_to_text(markup: str) -> str:
    """Readable text of an HTML document or fragment, paragraphs separated by blank lines.

    Args:
        markup: HTML (a whole page or a fragment such as a feed summary).

    Returns:
        The text, whitespace collapsed within lines; ``""`` when there is none.
    """
    tree = LexborHTMLParser(limit_nesting(markup))
    tree.strip_tags(_DROP)
    root = tree.body or tree.root
    return _node_text(root) if root is not None else ""


def extract_page(markup: str) -> HtmlPage:
    """Title, publication date, canonical URL, site name and main text of a page.

    The title is ``og:title``, else ``<title>``, else the first ``<h1>``. The
    date is the ``article:published_time`` meta tag, else the first
    ``<time datetime>``. The text comes from the longest ``<article>``, else
    ``<main>``, else ``<body>``.

    Example:
        >>> page = extract_page('<title>T</title><nav>Menu</nav><article><p>Body</p></article>')
        >>> (page.title, page.text)
        ('T', 'Body')
    """
    tree = LexborHTMLParser(limit_nesting(markup))
    title = _meta(tree, "og:title") or _first_text(tree, "title") or _first_text(tree, "h1")
    published = _meta(tree, "article:published_time") or _attribute(
        tree, "time[datetime]", "datetime"
    )
    url = _attribute(tree, 'link[rel="canonical"]', "href") or _meta(tree, "og:url")
    site = _meta(tree, "og:site_name")
    tree.strip_tags(_DROP)
    articles = tree.css("article")
    if articles:
        main: LexborNode | None = max(articles, key=lambda node: len(node.text(strip=True)))
    else:
        main = tree.css_first("main") or tree.body or tree.root
    text = _node_text(main) if main is not None else ""
    return HtmlPage(text=text, title=title, published=published, url=url, site=site)


def read_html(path: Path, name: str, ctx: ReadContext) -> Iterator[Article]:
    """Yield the one article of an HTML file (id = the path)."""
    markup = read_text(path, name, ctx, one_article=True)
    if markup is None:
        return
    page = extract_page(markup)
    if not page.text:
        ctx.skip("no text found in the HTML page, skipped", name)
        return
    yield Article(
        id=name,
        text=page.text,
        title=page.title,
        url=page.url,
        source=page.site,
        published=parse_date(page.published),
        origin=name,
    )


def _meta(tree: LexborHTMLParser, key: str) -> str | None:
    node = tree.css_first(f'meta[property="{key}"], meta[name="{key}"]')
    return _clean(node.attributes.get("content")) if node is not None else None


def _attribute(tree: LexborHTMLParser, selector: str, attribute: str) -> str | None:
    node = tree.css_first(selector)
    return _clean(node.attributes.get(attribute)) if node is not None else None


def _first_text(tree: LexborHTMLParser, selector: str) -> str | None:
    node = tree.css_first(selector)
    return _clean(node.text()) if node is not None else None


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    return _SPACES.sub(" ", value).strip() or None


def _node_text(root: LexborNode) -> str:
    return _assemble(_pieces(root))


def _pieces(root: LexborNode) -> list[object]:
    """Text fragments and break markers, in document order (iterative: no recursion limit)."""
    pieces: list[object] = []
    stack: list[object] = [root]
    while stack:
        item = stack.pop()
        if not isinstance(item, LexborNode):
            pieces.append(item)
            continue
        if item.is_text_node:
            pieces.append(_SPACES.sub(" ", item.text_content or ""))
            continue
        if not item.is_element_node:
            continue
        tag = item.tag
        if tag == "br":
            pieces.append(_LINE)
        marker = _PARAGRAPH if tag in _BLOCKS else " " if tag in _CELLS else None
        if marker is not None:
            pieces.append(marker)
            stack.append(marker)
        stack.extend(reversed(list(item.iter(include_text=True))))
    return pieces


def _assemble(pieces: list[object]) -> str:
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        lines = (" ".join(line.split()) for line in "".join(current).split("\n"))
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
        current.clear()

    for piece in pieces:
        if piece is _PARAGRAPH:
            flush()
        elif piece is _LINE:
            current.append("\n")
        else:
            current.append(str(piece))
    flush()
    return "\n\n".join(paragraphs)
