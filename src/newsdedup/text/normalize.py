"""Raw article text → comparable text: Unicode, case, quotes, HTML, boilerplate.

Why: the same dispatch reaches outlets with curly or straight apostrophes,
HTML entities, different Unicode forms and each site's footer; none of that
is news. Normalisation removes it so the shingles that remain are the words.
Pure functions, no state: learned boilerplate lives in ``boilerplate.py``.

Example:
    >>> normalize_text("<p>L’Otan&nbsp;: « Partager »</p>\\nLa réunion")
    'L’Otan : « Partager »\\n\\nLa réunion'
    >>> normalize_text("Share this article\\nLa réunion de l’Otan")
    'La réunion de l’Otan'

"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable

from ..config import NormalizeConfig

__all__ = [
    "BOILERPLATE_PATTERNS",
    "is_boilerplate_line",
    "line_key",
    "normalize_text",
    "strip_html",
]


#: Tags that mark text as HTML. Any ``<WORD>`` would also catch stock tickers
#: written the wire way (``<GM>``, ``<MOB>``), which are text.
_HTML_TAGS = (
    "p|br|div|span|a|b|i|u|em|strong|h[1-6]|ul|ol|li|dl|dt|dd|table|thead|tbody|tr|td|th|img|"
    "script|style|html|body|head|article|section|header|footer|nav|aside|main|figure|figcaption|"
    "blockquote|meta|link|title|iframe|noscript|font|center|small|sup|sub|hr|pre|code|time|"
    "picture|source|video|audio|form|input|button|label|select|option|textarea|svg"
)
#: Real markup only: an end tag (``</p>``), a tag with an ``attribute=value``
#: (``<a href=...>``), a lower-case break or paragraph tag, a comment or an
#: entity. A known tag name alone is not enough: Reuters writes tickers as
#: ``<DD>``, ``<I>``, ``<P>`` and company names as ``<Video Shopping Mall Inc>``,
#: and never closes them.
_LOOKS_LIKE_HTML = re.compile(
    rf"</(?:{_HTML_TAGS})\s*>"
    rf"|<(?:{_HTML_TAGS})\s[^<>]*=[^<>]*>"
    r"|(?-i:<(?:br|hr|p)\s*/?>)"
    r"|<!--|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});",
    re.I,
)
_DROP_BLOCKS = re.compile(
    r"<(script|style|noscript|template|svg|iframe)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.S | re.I
)
_BLOCK_TAGS = re.compile(
    r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|header|footer|"
    r"blockquote|pre|figure|figcaption|aside|nav|main|hr|dd|dt|dl)\b[^>]*>",
    re.I,
)
_ANY_TAG = re.compile(r"<[^>]{0,2000}>")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")

#: Lines that are site furniture, not news, in the languages news is mostly
#: read in here. Each must match a whole line (case ignored).
BOILERPLATE_PATTERNS = (
    r"(sources?[ \t]*:[ \t]*)?source link[ \t\d:-]*",
    r"source[ \t]*:[ \t]*\w{1,12}",
    r"(share|partager|compartir|teilen|condividi)( (this|on|sur|en|auf|su)\b.*)?",
    r"((share|tweet|email|print|facebook|twitter|whatsapp|linkedin|pinterest|reddit|copy link)\W*)+",
    r"(click here|cliquez ici|read more|lire aussi|lire la suite|voir aussi|related( articles| stories)?|"
    r"à lire aussi|a lire aussi|de la même section\b.*|more from\b.*|sign up\b.*|subscribe\b.*|"
    r"abonnez-vous\b.*|follow us\b.*|suivez-nous\b.*)",
    r"(leave a (comment|reply)|laisser un commentaire|laissez un commentaire|deja un comentario|"
    r"posted in\b.*|publié dans\b.*|filed under\b.*|tags?[ \t]*:.*|catégories?[ \t]*:.*)",
    r"(your|votre) (email|e-mail|adresse e-mail|adresse de messagerie) .*(publi|shown|published).*",
    r"(all rights reserved|tous droits réservés|copyright\b.*|©.*)",
    r"(advertisement|publicité|anzeige|pubblicità|sponsored( content)?)",
)
#: Furniture recognised by words anywhere in a short line (cookie banners, comment forms).
BOILERPLATE_WORDS = (
    r".*(required fields are marked|champs obligatoires sont indiqués).*",
    r".*\b(cookies?|gdpr|rgpd)\b.*\b(accept|consent|utilis|use|policy|politique|paramètres|settings).*",
)
#: Lines longer than this are never boilerplate: footers are short, copied paragraphs long.
MAX_BOILERPLATE_CHARS = 240
_KNOWN_LINE = re.compile(r"[ \t]*(?:" + "|".join(BOILERPLATE_PATTERNS) + r")[^\w\n]*$", re.I)
_WORDS_LINE = re.compile(r"[ \t]*(?:" + "|".join(BOILERPLATE_WORDS) + r")[^\w\n]*$", re.I)
#: A line matching one of BOILERPLATE_WORDS holds one of these. Looking for them
#: first spares the backtracking ``.*`` patterns on every other line: they took
#: four fifths of the time spent on boilerplate, itself most of normalising.
#: (Substring tests on the lowered line: a regular-expression search is six times slower.)
_WORD_HINTS = ("cookie", "gdpr", "rgpd", "required fields", "champs obligatoires")


def _has_word_hint(lowered: str) -> bool:
    return (
        "cookie" in lowered
        or "gdpr" in lowered
        or "rgpd" in lowered
        or "required fields" in lowered
        or "champs obligatoires" in lowered
    )


def _is_known_line(line: str) -> bool:
    """Whether a line matches BOILERPLATE_PATTERNS or BOILERPLATE_WORDS (the caller bounds its length)."""
    if _KNOWN_LINE.match(line) is not None:
        return True
    return _has_word_hint(line.lower()) and _WORDS_LINE.match(line) is not None


def strip_html(text: str) -> str:
    """Drop tags (keeping block boundaries as blank lines) and decode entities.

    A light remover for HTML fragments inside feeds and JSON records; whole
    pages are handled by the HTML reader, which also finds the main content.

    Example:
        >>> strip_html("<p>One &amp; two</p><p>Three</p>")
        'One & two\\n\\nThree'
    """
    text = _DROP_BLOCKS.sub(" ", text)
    text = _BLOCK_TAGS.sub("\n\n", text)
    text = _ANY_TAG.sub(" ", text)
    text = html.unescape(text)
    return _BLANK_LINES.sub("\n\n", _SPACES.sub(" ", text)).strip()


def is_boilerplate_line(line: str) -> bool:
    """Whether one line is known site furniture (see BOILERPLATE_PATTERNS).

    Example:
        >>> is_boilerplate_line("Source link -32"), is_boilerplate_line("La réunion de l'Otan")
        (True, False)
    """
    return "\n" not in line and len(line) <= MAX_BOILERPLATE_CHARS and _is_known_line(line.strip())


def line_key(line: str) -> str:
    """A line as learned boilerplate is recorded: stripped, Unicode-normalised."""
    return line.strip()


def normalize_text(
    text: str,
    config: NormalizeConfig | None = None,
    drop_lines: Callable[[str], bool] | None = None,
) -> str:
    """Normalise one article's text for comparison; lines are kept.

    Steps: HTML → text, Unicode NFKC, and lines dropped when they are known
    boilerplate or when ``drop_lines(line_key)`` says so (learned
    boilerplate). Case, quotes, accents and elision are the tokenizer's job:
    it folds characters as it reads them.

    Args:
        text: Raw article text (title and body).
        config: Which steps run.
        drop_lines: Extra test on each short line's :func:`line_key`.
    """
    config = config or NormalizeConfig()
    if config.strip_html and ("<" in text or "&" in text) and _LOOKS_LIKE_HTML.search(text):
        text = strip_html(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if not config.boilerplate and drop_lines is None:
        return text
    known = _is_known_line if config.boilerplate else None
    kept: list[str] = []
    learned_at: list[int] = []  # positions in `kept` of lines only learned boilerplate would drop
    for line in text.split("\n"):
        if len(line) <= MAX_BOILERPLATE_CHARS:
            if known is not None and known(line):
                continue
            if drop_lines is not None and drop_lines(line.strip()):
                learned_at.append(len(kept))
        kept.append(line)
    if learned_at:
        dropped = sum(len(kept[i]) for i in learned_at)
        # Learned lines that make up most of an article are its content, not furniture.
        if 2 * dropped <= sum(len(line) for line in kept):
            skip = set(learned_at)
            kept = [line for i, line in enumerate(kept) if i not in skip]
    return "\n".join(kept)
