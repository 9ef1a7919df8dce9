"""Why two articles match: the passages they share, and what each has alone.

A person checking a flagged pair wants to see at a glance what was copied,
and what was added or cut. Shared passages are the longest common runs of
words, found greedily from every position of A where a run of at least
``min_words`` words also appears in B (in any order, so moved paragraphs are
found too).

Example:
    >>> from newsdedup.text.tokenize import tokenize
    >>> batch = tokenize(["the ministers meet in brussels on tuesday to talk",
    ...                   "breaking: the ministers meet in brussels on tuesday"], spans=True)
    >>> [p.text for p in shared_passages(batch, 0, 1, min_words=3)]
    ['the ministers meet in brussels on tuesday']
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from ..text.tokenize import TokenBatch

__all__ = ["Passage", "coverage", "only_in", "shared_passages"]


@dataclass(frozen=True)
class Passage:
    """A run of words found in both texts (token positions, end exclusive)."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    text: str

    @property
    def words(self) -> int:
        return self.a_end - self.a_start

    def to_dict(self) -> dict:
        return {
            "words": self.words,
            "a": [self.a_start, self.a_end],
            "b": [self.b_start, self.b_end],
            "text": self.text,
        }


def _text_of(batch: TokenBatch, doc: int, start: int, end: int) -> str:
    base = int(batch.offsets[doc])
    lo = int(batch.starts[base + start])
    hi = int(batch.ends[base + end - 1])
    return unicodedata.normalize("NFC", batch.data[lo:hi].decode("utf-8", "replace"))


def shared_passages(batch: TokenBatch, a: int, b: int, min_words: int = 5) -> list[Passage]:
    """Longest common runs of at least ``min_words`` tokens between documents a and b.

    Args:
        batch: Tokens of both documents, tokenised with ``spans=True``.
        a, b: The two documents' positions in the batch.
        min_words: Shortest run worth showing.

    Returns:
        Passages in A's order, none overlapping in A.
    """
    ta = batch.doc(a).tolist()
    tb = batch.doc(b).tolist()
    k = max(1, min_words)
    starts_in_b: dict[tuple[int, ...], list[int]] = {}
    for j in range(len(tb) - k + 1):
        starts_in_b.setdefault(tuple(tb[j : j + k]), []).append(j)
    passages: list[Passage] = []
    i = 0
    while i <= len(ta) - k:
        best_len, best_j = 0, -1
        for j in starts_in_b.get(tuple(ta[i : i + k]), ()):
            length = k
            while (
                i + length < len(ta) and j + length < len(tb) and ta[i + length] == tb[j + length]
            ):
                length += 1
            if length > best_len:
                best_len, best_j = length, j
        if best_len:
            passages.append(
                Passage(
                    i, i + best_len, best_j, best_j + best_len, _text_of(batch, a, i, i + best_len)
                )
            )
            i += best_len
        else:
            i += 1
    return passages


def coverage(passages: list[Passage], n_a: int, n_b: int) -> tuple[float, float]:
    """Share of A's and of B's words inside shared passages."""
    in_a = np.zeros(max(n_a, 1), bool)
    in_b = np.zeros(max(n_b, 1), bool)
    for p in passages:
        in_a[p.a_start : p.a_end] = True
        in_b[p.b_start : p.b_end] = True
    return (float(in_a[:n_a].mean()) if n_a else 0.0, float(in_b[:n_b].mean()) if n_b else 0.0)


def only_in(
    batch: TokenBatch, doc: int, passages: list[Passage], side: str, min_words: int = 3
) -> list[Passage]:
    """Runs of a document's words outside every shared passage: what one side added or cut.

    Args:
        batch: Tokens of both documents, tokenised with ``spans=True``.
        doc: The document's position in the batch.
        passages: Shared passages from :func:`shared_passages`.
        side: ``"a"`` or ``"b"``: which side of the passages ``doc`` is.
        min_words: Shorter runs are left out (a changed word here and there).

    Returns:
        The runs, longest first, as passages whose other side is empty.
    """
    n = int(batch.offsets[doc + 1] - batch.offsets[doc])
    covered = np.zeros(n + 1, bool)
    for p in passages:
        lo, hi = (p.a_start, p.a_end) if side == "a" else (p.b_start, p.b_end)
        covered[lo:hi] = True
    covered[n] = True
    runs: list[Passage] = []
    start = None
    for i in range(n + 1):
        if not covered[i] and start is None:
            start = i
        elif covered[i] and start is not None:
            if i - start >= min_words:
                text = _text_of(batch, doc, start, i)
                runs.append(
                    Passage(start, i, 0, 0, text) if side == "a" else Passage(0, 0, start, i, text)
                )
            start = None
    return sorted(runs, key=lambda p: -(p.a_end - p.a_start + p.b_end - p.b_start))
