"""Dates written in a text: the figures beside a month name are a date, not data.

Why a module of its own: the figure guard (:mod:`newsdedup.judge.verify`)
and the OCR units (:mod:`newsdedup.sketch.ocrunits`) must agree on what a
date is, so a dispatch re-sent the next day (only its dateline's day
changed) stays a copy while a daily report whose figures changed is a
template.

Example:
    >>> from newsdedup.text.tokenize import tokenize
    >>> b = tokenize(["Paris, 22 mars 2024 - 40 tonnes"])
    >>> [bool(x) for x in date_figures(b.hashes, b.flags, b.offsets)]
    [False, True, False, True, False, False]
"""

from __future__ import annotations

import functools

import numpy as np

from .. import _kernels as K
from ..text.tokenize import token_hash

__all__ = ["MONTHS", "date_figures"]


#: Month names (and their usual abbreviations) of the languages news is mostly read in here,
#: Urdu and Arabic included (a newspaper dates its story ``2 دسمبر``).
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "januar",
    "februar",
    "marz",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "gennaio",
    "febbraio",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "settembre",
    "ottobre",
    "dicembre",
    "janeiro",
    "fevereiro",
    "marco",
    "maio",
    "junho",
    "julho",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
    # Urdu, then Arabic (Gregorian calendar)
    "جنوری",
    "فروری",
    "مارچ",
    "اپریل",
    "مئی",
    "جون",
    "جولائی",
    "اگست",
    "ستمبر",
    "اکتوبر",
    "نومبر",
    "دسمبر",
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "ابريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
]


@functools.lru_cache(maxsize=1)
def _month_hashes() -> np.ndarray:
    return np.array(sorted({token_hash(m) for m in MONTHS}), np.uint32)


@functools.lru_cache(maxsize=1)
def _day_or_year_hashes() -> np.ndarray:
    """Hashes of what a date's day or year can be: 1-31 (01-09, 1st, 22nd, 1er), 1800-2199."""
    days = [str(d) for d in range(1, 32)] + [f"0{d}" for d in range(1, 10)]
    ordinals = [d + s for d in days for s in ("st", "nd", "rd", "th")] + ["1er"]
    years = [str(y) for y in range(1800, 2200)]
    return np.array(sorted({token_hash(t) for t in days + ordinals + years}), np.uint32)


def date_figures(tokens: np.ndarray, flags: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Which tokens are the day or year of a date: figures next to a month name (``March 22``, ``22 mars``).

    Only what can be a day or a year: in a table ``quote 69.35 69.25 April 3``,
    69.25 is a price that happens to come before a month, not a date.

    Why apart: a dispatch re-sent the next day changes only its dateline's
    day; that is the same news, where a daily report that changes its
    figures is not.

    Example:
        >>> from newsdedup.text.tokenize import tokenize
        >>> b = tokenize(["HAVANA, March 22 - Spain lends 25 mln dlrs"])
        >>> date_figures(b.hashes, b.flags, b.offsets).tolist()
        [False, False, True, False, False, False, False, False]
    """
    month = np.isin(tokens, _month_hashes())
    doc = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    same_doc = doc[1:] == doc[:-1]
    near_month = np.zeros(len(tokens), bool)
    near_month[1:] |= month[:-1] & same_doc
    near_month[:-1] |= month[1:] & same_doc
    is_number = (flags & K.FLAG_NUMBER).astype(bool)
    return near_month & is_number & np.isin(tokens, _day_or_year_hashes())
