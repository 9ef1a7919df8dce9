"""Bound how deeply HTML nests before it reaches the parser, so parsing stays linear.

Why: an HTML parser keeps a stack of open elements and, for most start tags,
searches it (is a ``<p>`` open in scope? which element does this end tag
close?). Real pages nest a few dozen levels; a hostile page of a million
nested ``<div>`` makes every tag cost a walk of a million entries: 1.1 MB
took 74 s to parse. Here a linear pre-pass follows the nesting the way the
parser will, approximately, and drops the start tags (and their end tags)
that would open more than :data:`MAX_DEPTH` levels. The text is kept; only
structure past that depth is lost. Markup that never nests that deeply,
which is every ordinary page, is returned unchanged.

Example:
    >>> deep = "<div>" * 1000 + "text" + "</div>" * 1000
    >>> bounded = limit_nesting(deep, max_depth=3)
    >>> bounded.count("<div>"), bounded.count("</div>"), "text" in bounded
    (3, 3, True)
    >>> limit_nesting("<p>a<p>b</p>") == "<p>a<p>b</p>"
    True
"""

from __future__ import annotations

import re

__all__ = ["MAX_DEPTH", "limit_nesting"]

#: Open elements allowed at once. Parsing cost grows with tags × depth; at
#: 256 levels a 10 MB page of nested tags parses in about a second.
MAX_DEPTH = 256

#: A start or end tag. Comments are not recognised (an unterminated ``<!--``
#: would make the search quadratic); tags inside them only make the model
#: count a little deeper than the parser will.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)([^<>]*)>")

#: Elements that never hold content.
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
#: Elements the parser closes by itself when a sibling opens (``<p>a<p>b``),
#: so a run of them does not nest.
_SELF_CLOSING_SIBLINGS = frozenset(
    [
        "p",
        "li",
        "dt",
        "dd",
        "option",
        "optgroup",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "colgroup",
        "caption",
        "rb",
        "rp",
        "rt",
        "rtc",
        "html",
        "head",
        "body",
    ]
)
#: Foreign content, where ``<x/>`` really closes the element.
_FOREIGN = frozenset({"svg", "math"})


def limit_nesting(markup: str, max_depth: int = MAX_DEPTH) -> str:
    """``markup`` with start tags past ``max_depth`` open elements removed (linear time).

    Args:
        markup: An HTML page or fragment.
        max_depth: How many elements may be open at once.

    Returns:
        ``markup`` itself when it never nests deeper than ``max_depth``;
        otherwise a copy where the deeper start tags, and the end tags that
        match them, are replaced by a space.
    """
    if markup.count("<") <= max_depth:
        return markup  # cannot nest deeper than it has tags
    pieces: list[str] = []
    kept_until = 0
    stack = _Stack()
    dropped: dict[str, int] = {}
    foreign = 0  # depth inside <svg> or <math>
    for match in _TAG.finditer(markup):
        closing, name = match.group(1), match.group(2).lower()
        if closing:
            keep = _close(stack, name, dropped)
            if not keep:
                pieces.append(markup[kept_until : match.start()])
                pieces.append(" ")
                kept_until = match.end()
            elif name in _FOREIGN and foreign:
                foreign -= 1
            continue
        if name in _VOID or name in _SELF_CLOSING_SIBLINGS:
            continue
        if foreign and match.group(3).endswith("/"):
            continue  # <path/> inside SVG opens nothing
        if len(stack) >= max_depth:
            dropped[name] = dropped.get(name, 0) + 1
            pieces.append(markup[kept_until : match.start()])
            pieces.append(" ")
            kept_until = match.end()
            continue
        stack.push(name)
        if name in _FOREIGN:
            foreign += 1
    if not pieces:
        return markup
    pieces.append(markup[kept_until:])
    return "".join(pieces)


class _Stack:
    """The open elements, with a count per name so a stray end tag costs O(1)."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.open: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.names)

    def push(self, name: str) -> None:
        self.names.append(name)
        self.open[name] = self.open.get(name, 0) + 1

    def close(self, name: str) -> bool:
        """Pop up to and including the innermost ``name``; False if none is open.

        Each element is popped once, so closing costs O(1) amortised.
        """
        if not self.open.get(name):
            return False
        while True:
            top = self.names.pop()
            self.open[top] -= 1
            if top == name:
                return True


def _close(stack: _Stack, name: str, dropped: dict[str, int]) -> bool:
    """Apply an end tag to the model stack; False if it closes a dropped start tag."""
    if name in _VOID or name in _SELF_CLOSING_SIBLINGS:
        return True
    if dropped.get(name):  # the innermost element of that name is a dropped one
        dropped[name] -= 1
        return False
    stack.close(name)  # False for a stray end tag: the parser ignores it, so may we
    return True
