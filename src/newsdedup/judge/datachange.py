"""Which figures of a pair changed in the same place: the mark of a recurring report.

Why: a daily report (rainfall, money-market help, a price table) repeats its
wording and changes its data. Its figures change *in place*: the same word
come before a new value (``STATE: GUAXUPE 33.0`` → ``STATE: GUAXUPE NIL``,
``to arrange two billion`` → ``to arrange 1.5 billion``, ``Previous quote
69.35`` → ``Previous quote 70.03``). A copy keeps its figures, and a rewrite
that drops or moves some does not put a new value after the same two words. Number words count as values with the
figure they name (``five`` is ``5``; ``nil``, ``none``, ``zero`` are ``0``;
``unchanged`` a value of its own), so ``5`` → ``five`` is no change and
``6-1/16`` → ``six`` is one. Dates are left out (a re-send changes its
dateline's day); numbers are compared in the tokenizer's one format
(``1,234.5`` is ``1.234,5``).

Example:
    >>> import numpy as np
    >>> from newsdedup.text.tokenize import tokenize
    >>> b = tokenize(["rain at guaxupe 33.0 mm, at franca nil",
    ...               "rain at guaxupe nil, at franca nil",
    ...               "rain at guaxupe 33,0 mm, at franca zero"])
    >>> changed_figures(b.hashes, b.flags, b.offsets, np.array([0, 0]), np.array([1, 2])).tolist()
    [1, 0]
"""

from __future__ import annotations

import functools

import numpy as np

from .. import _kernels as K
from ..text.tokenize import token_hash

__all__ = ["FIGURE_WORDS", "changed_figures"]

#: Words that stand for a value, with the figure they name (None: a value of its own).
FIGURE_WORDS: dict[str, str | None] = {
    "nil": "0",
    "none": "0",
    "zero": "0",
    "nought": "0",
    "unchanged": None,
    **{
        w: str(i)
        for i, w in enumerate(
            [
                "one",
                "two",
                "three",
                "four",
                "five",
                "six",
                "seven",
                "eight",
                "nine",
                "ten",
                "eleven",
                "twelve",
                "thirteen",
                "fourteen",
                "fifteen",
                "sixteen",
                "seventeen",
                "eighteen",
                "nineteen",
                "twenty",
            ],
            start=1,
        )
    },
    **{
        w: str(10 * i)
        for i, w in enumerate(
            ["thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], start=3
        )
    },
    "hundred": "100",
}


@functools.lru_cache(maxsize=1)
def _word_values() -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the figure words (sorted) and of the values they stand for."""
    pairs = sorted(
        (token_hash(w), token_hash(v if v is not None else w)) for w, v in FIGURE_WORDS.items()
    )
    return np.array([p[0] for p in pairs], np.uint32), np.array([p[1] for p in pairs], np.uint32)


def _values(tokens: np.ndarray, is_figure: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which tokens are values (figures or figure words), and each token's value hash."""
    words, named = _word_values()
    at = np.clip(np.searchsorted(words, tokens), 0, len(words) - 1)
    is_word = words[at] == tokens
    values = np.where(is_word, named[at], tokens).astype(np.uint32)
    return is_figure | is_word, values


#: What any number stands for in a place: a table row's place is its words, whatever values
#: come before (``previous quote 69.35 69.25`` puts 69.25 after ``quote <value>``).
_ANY_NUMBER = np.uint32(0x5EEDF00D)


def _two_before(tokens: np.ndarray, offsets: np.ndarray, numeric: np.ndarray) -> np.ndarray:
    """The place of each token: a hash of the two words before it (0 for what is missing).

    A number before it (a value or a date) counts as any number: a new value
    in the row before must not move the places after it.
    """
    tokens = np.where(numeric, _ANY_NUMBER, tokens)
    position = np.arange(len(tokens)) - np.repeat(offsets[:-1], np.diff(offsets))
    one = np.where(position >= 1, np.roll(tokens, 1), 0).astype(np.uint64)
    two = np.where(position >= 2, np.roll(tokens, 2), 0).astype(np.uint64)
    return ((one * np.uint64(0x9E3779B1)) ^ two) & np.uint64(0xFFFFFFFF)


def _single_valued(before: np.ndarray, is_value: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Values whose place (the two words before) holds no other value in the same text.

    A word followed by several values (``between 600 and 800``, a table's
    columns) does not say which value took whose place: left out.
    """
    doc = np.repeat(np.arange(len(offsets) - 1, dtype=np.uint64), np.diff(offsets))
    keys = (doc << np.uint64(32)) | before
    _, inverse, counts = np.unique(keys[is_value], return_inverse=True, return_counts=True)
    single = np.zeros(len(before), bool)
    single[np.flatnonzero(is_value)] = counts[inverse] == 1
    return single


def changed_figures(
    tokens: np.ndarray,
    flags: np.ndarray,
    offsets: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    dates: np.ndarray | None = None,
) -> np.ndarray:
    """Per pair, how many places (the two words before a value) hold a new value in the other text.

    A value is new when the other text has it nowhere (on either side): a copy whose edits
    moved a figure next to another word has changed no data. Only places with
    one value in each text count (see :func:`_single_valued`). A loop over
    the pairs: it runs on matches published a day or more apart only.

    Args:
        tokens, flags, offsets: The documents (CSR).
        left, right: Document positions of each pair.
        dates: Tokens that are the day or year of a date (left out).
    """
    if len(left) == 0:
        return np.zeros(0, np.int64)
    # Only the documents of these pairs: a chunk holds many more.
    docs, local = np.unique(np.concatenate([left, right]), return_inverse=True)
    flags = K.gather_rows(flags, offsets, docs)[0]
    if dates is not None:
        dates = K.gather_rows(dates.astype(np.uint8), offsets, docs)[0].astype(bool)
    tokens, offsets = K.gather_rows(tokens, offsets, docs)
    left, right = local[: len(left)], local[len(left) :]
    is_figure = (flags & K.FLAG_PURE).astype(bool)  # not OCR-damaged words such as ``1evel``
    if dates is not None:
        is_figure &= ~dates
    is_value, values = _values(tokens, is_figure)
    numeric = is_value | (flags & K.FLAG_PURE).astype(bool)  # dates too
    before = _two_before(tokens, offsets, numeric)
    is_value &= _single_valued(before, is_value, offsets)
    docs = np.unique(np.concatenate([left, right]))
    places = _places(before.astype(np.uint32), values, is_value, offsets, docs)
    out = np.zeros(len(left), np.int64)
    for n, (a, b) in enumerate(zip(left.tolist(), right.tolist())):
        (at_a, values_a), (at_b, values_b) = places[a], places[b]
        out[n] = sum(
            1
            for p in at_a.keys() & at_b.keys()
            if at_a[p] not in values_b or at_b[p] not in values_a
        )
    return out


def _places(
    before: np.ndarray, values: np.ndarray, is_value: np.ndarray, offsets: np.ndarray, docs
) -> dict[int, tuple[dict[int, int], set[int]]]:
    """Per document: its single-valued places (place → value) and all its values."""
    out = {}
    for d in docs.tolist():
        lo, hi = int(offsets[d]), int(offsets[d + 1])
        keep = is_value[lo:hi]
        at = dict(zip(before[lo:hi][keep].tolist(), values[lo:hi][keep].tolist()))
        out[d] = (at, set(at.values()))
    return out
