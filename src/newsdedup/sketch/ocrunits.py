"""OCR units: folded character grams and folded figures of each article, in one compiled pass.

One pass over each article's UTF-8 text yields

* **grams**: 32-bit hashes of every ``k`` consecutive characters of the
  OCR-folded letter stream (:func:`newsdedup.text.ocr.ocr_fold`: spaces and
  punctuation gone, look-alikes merged), of which a fixed hash-defined
  sample is kept (1 in ``2**sample_bits``). The same grams are kept for
  every article, so the overlap of two samples estimates the overlap of
  the full sets (±0.03 at 400 grams an article) at an eighth of the cost;
* **figures**: the article's figures folded (:func:`newsdedup.text.ocr.fold_figure`),
  day numbers next to a month name left out (a re-send changes its dateline),
  each repeat of a value counted apart so that comparing sets compares
  multisets.

:mod:`newsdedup.sketch.robust` compares them.

Example:
    >>> units = ocr_units(["Up 1,250 tonnes on March 3.", "Up l250 t0nnes on March 4."])
    >>> bool((units.figures[:1] == units.figures[1:]).all()), units.figure_offsets.tolist()
    (True, [0, 1, 2])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from .. import _kernels as K
from .._kernels.hashing import FNV_OFFSET, U32, fmix64
from .._kernels.text import _decode, _mix
from ..text.ocr import DIGIT_LOOKALIKES, ocr_table
from ..text.tokenize import char_classes, fold_table

__all__ = ["GRAM_BASE", "OcrUnits", "RobustConfig", "figure_hash", "ocr_units"]


@dataclass(frozen=True)
class RobustConfig:
    """Parameters of the OCR units (see :class:`newsdedup.config.LSHConfig` for the pass's settings).

    Attributes:
        gram_size: Characters per gram of the folded stream.
        sample_bits: Keep 1 gram in ``2**sample_bits`` (by hash value).
    """

    gram_size: int = 7
    sample_bits: int = 3


@dataclass
class OcrUnits:
    """OCR units of a batch of documents (CSR layout)."""

    grams: np.ndarray  # uint32, sorted and unique per document
    gram_offsets: np.ndarray
    figures: np.ndarray  # uint32, sorted and unique per document
    figure_offsets: np.ndarray


def figure_hash(folded: str, repeat: int = 0) -> int:
    """The 32-bit value of the ``repeat``-th (0-based) occurrence of a folded figure.

    Example:
        >>> figure_hash("1250") != figure_hash("1250", 1)
        True
    """
    state = 0xCBF29CE484222325
    for ch in folded:
        state = ((state ^ ord(ch)) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    state = ((state ^ (0x10000 + repeat)) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    state ^= state >> 33
    state = (state * 0xFF51AFD7ED558CCD) & 0xFFFFFFFFFFFFFFFF
    state ^= state >> 33
    state = (state * 0xC4CEB9FE1A85EC53) & 0xFFFFFFFFFFFFFFFF
    state ^= state >> 33
    return state & 0xFFFFFFFF


@njit(cache=True)
def _close_figure(digits, n, n_real, n_look, glued, states, nf):
    """Fold one run of digits and look-alikes into ``states[nf]`` (a figure needs a real digit).

    A run of nothing but 0s, 1s and their look-alikes glued to a letter is a
    misread word (``g0vernment``, ``f1rst``), not a figure: left out, on
    both sides of a comparison alike.
    """
    if n_real == 0:
        return nf
    if glued:
        high = False
        for j in range(min(n, 32)):
            d = digits[j] & 0xFF
            high = high or (d != 0x30 and d != 0x31)
        if not high:
            return nf
    lo, hi = 0, n
    if n_look > n_real:  # a word run into a figure ("oil10"): strip the letters at its ends
        while lo < hi and digits[lo] >= 0x100:
            lo += 1
        while hi > lo and digits[hi - 1] >= 0x100:
            hi -= 1
    while lo < hi - 1 and (digits[lo] & 0xFF) == 0x30:  # leading zeros
        lo += 1
    state = FNV_OFFSET
    for j in range(lo, hi):
        state = _mix(state, digits[j] & 0xFF)
    states[nf] = state
    return nf + 1


@njit(cache=True)
def _word_hash(buf, lo, hi, fold):
    """The tokenizer's hash of the word at bytes [lo, hi) (folded code points, FNV-1a, fmix64)."""
    state = FNV_OFFSET
    i = lo
    while i < hi:
        c = buf[i]
        if c < 0x80:
            cp, ln = np.int64(fold[c]), 1
        else:
            raw, ln = _decode(buf, i)
            cp = np.int64(fold[raw]) if raw < fold.shape[0] else raw
        state = _mix(state, cp)
        i += ln
    return np.uint32(fmix64(state) & U32)


@njit(cache=True)
def _is_month(h, months, seen):
    if not seen[h & np.uint32(seen.shape[0] - 1)]:  # most words: one look-up
        return False
    for j in range(months.shape[0]):  # noqa: SIM110 (compiled: no generators)
        if months[j] == h:
            return True
    return False


@njit(cache=True)
def _doc_units(buf, lo, hi, table, fold, ocr, lookalike, k, mask, months, seen, grams, g, figs, f):
    """Grams and figures of one document, appended at ``g`` and ``f``; returns the new ends."""
    stream = np.empty(hi - lo + 1, np.int64)  # the folded letter stream
    m = 0
    in_word, word_lo, word_hi, last_lo, last_hi = False, lo, lo, lo, lo
    digits = np.zeros(32, np.int64)
    # Typed zeros, not literals: a literal would compile the callees twice (literal, then int64).
    zero = np.int64(0)
    nd, n_real, n_look, nf, pending = zero, zero, zero, zero, np.int64(-1)
    prev_cls, glued = K.SEP, False
    states = np.empty((hi - lo) // 2 + 2, np.uint64)  # a figure takes a byte and a separator
    is_date = np.empty((hi - lo) // 2 + 2, np.bool_)
    i = lo
    while i <= hi:
        # Read inline, as the tokenizer does: a call returning a tuple costs most of the loop.
        if i == hi:
            cp, cls, ln = np.int64(32), K.SEP, 1
        else:
            c = buf[i]
            if c < 0x80:
                cp, ln = np.int64(fold[c]), 1
            else:
                raw, ln = _decode(buf, i)
                cp = np.int64(fold[raw]) if raw < fold.shape[0] else raw
            cls = table[cp] if cp < table.shape[0] else K.WORD
        # Figure runs: digits and their look-alikes, number separators inside.
        if cls == K.DIGIT or (cp < 0x80 and lookalike[cp] != 0):
            if nd == 0:
                glued = prev_cls == K.WORD
            if nd < 32:
                digits[nd] = cp if cls == K.DIGIT else 0x100 | lookalike[cp]
                nd += 1
            n_real += cls == K.DIGIT
            n_look += cls != K.DIGIT
        elif nd > 0 and not (cls == K.JOIN or cls == K.SKIP):
            glued = glued or cls == K.WORD
            closed = _close_figure(digits, nd, n_real, n_look, glued, states, nf)
            if closed > nf:
                is_date[nf] = last_hi > last_lo and _is_month(
                    _word_hash(buf, last_lo, last_hi, fold), months, seen
                )
                last_lo, last_hi, pending = lo, lo, nf
            nf, nd, n_real, n_look = closed, 0, 0, 0
        # Words, to find the month names next to figures (dates are left out): a
        # word is hashed only when a figure is next to it.
        if cls == K.WORD:
            if not in_word:
                in_word, word_lo = True, i
            word_hi = i + ln
        elif cls != K.SKIP and in_word:
            in_word = False
            # Glued ones too: a lost space makes "March22" of "March 22".
            if pending >= 0 and _is_month(_word_hash(buf, word_lo, word_hi, fold), months, seen):
                is_date[pending] = True
            last_lo, last_hi, pending = word_lo, word_hi, -1
        # The folded letter stream.
        if i < hi and (cls == K.WORD or cls == K.DIGIT or cls == K.SINGLE):
            o = np.int64(ocr[cp]) if cp < ocr.shape[0] else cp
            if o == 0x6E and m > 0 and stream[m - 1] == 0x72:  # rn → m
                stream[m - 1] = 0x6D
            else:
                stream[m] = o
                m += 1
        if cls != K.SKIP:
            prev_cls = cls
        i += ln
    g = _stream_grams(stream, m, k, mask, grams, g)
    kept = 0
    for j in range(nf):
        if not is_date[j]:
            states[kept] = states[j]
            kept += 1
    return g, _repeat_counted(states[:kept], figs, f)


#: Base of the polynomial (rolling) hash of a gram, odd; the gram's value is
#: ``fmix64(p)`` (low 32 bits) of ``p = sum(c[j] * GRAM_BASE ** (k - 1 - j)) mod 2**64``,
#: and it is kept when bits 40 and up of ``p`` are 0 under the sample mask.
GRAM_BASE = np.uint64(0x100000001B3)


@njit(cache=True)
def _stream_grams(stream, m, k, mask, grams, g):
    """Hashes of every k consecutive characters of the stream (all of it when shorter), sampled.

    A rolling polynomial hash: one multiply-add per character, whatever k.
    """
    if m == 0:
        return g
    n = min(k, m)
    top = np.uint64(1)
    for _ in range(n - 1):
        top *= GRAM_BASE
    acc = np.uint64(0)
    for j in range(n):
        acc = acc * GRAM_BASE + np.uint64(stream[j])
    for start in range(max(m - k + 1, 1)):
        if start > 0:
            acc = (acc - np.uint64(stream[start - 1]) * top) * GRAM_BASE + np.uint64(
                stream[start + k - 1]
            )
        if (acc >> np.uint64(40)) & mask == 0:  # sampled on high bits, hashed when kept
            grams[g] = np.uint32(fmix64(acc) & U32)
            g += 1
    return g


@njit(cache=True)
def _repeat_counted(states, figs, f):
    """Write each figure's value with the number of earlier equal figures mixed in."""
    for j in range(states.shape[0]):
        repeat = 0
        for q in range(j):
            if states[q] == states[j]:
                repeat += 1
        state = _mix(states[j], 0x10000 + repeat)
        figs[f] = np.uint32(fmix64(state) & U32)
        f += 1
    return f


@njit(cache=True)
def _units_batch(buf, doc_offsets, table, fold, ocr, lookalike, k, mask, months):
    seen = np.zeros(4096, np.bool_)
    for j in range(months.shape[0]):
        seen[months[j] & np.uint32(4095)] = True
    n_docs = doc_offsets.shape[0] - 1
    grams = np.empty(buf.shape[0] + n_docs, np.uint32)
    figs = np.empty(buf.shape[0] + n_docs, np.uint32)
    gram_offsets = np.zeros(n_docs + 1, np.int64)
    fig_offsets = np.zeros(n_docs + 1, np.int64)
    g, f = np.int64(0), np.int64(0)  # typed: see _doc_units
    for d in range(n_docs):
        g, f = _doc_units(
            buf, doc_offsets[d], doc_offsets[d + 1], table, fold, ocr, lookalike, k, mask,
            months, seen, grams, g, figs, f,
        )  # fmt: skip
        gram_offsets[d + 1] = g
        fig_offsets[d + 1] = f
    return grams[:g].copy(), gram_offsets, figs[:f].copy(), fig_offsets


def _lookalike_table() -> np.ndarray:
    table = np.zeros(0x80, np.int64)
    for ch, digit in DIGIT_LOOKALIKES.items():
        table[ord(ch)] = ord(digit)
    return table


_LOOKALIKE = _lookalike_table()


def ocr_units(texts: list[str], config: RobustConfig | None = None) -> OcrUnits:
    """OCR units of already normalised texts (see the module docstring)."""
    from ..judge.datewords import _month_hashes  # the figure guard's month names

    config = config or RobustConfig()
    encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
    offsets = np.zeros(len(encoded) + 1, np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    data = b"".join(encoded)
    buf = np.frombuffer(data, np.uint8) if data else np.zeros(0, np.uint8)
    grams, g_off, figs, f_off = _units_batch(
        buf,
        offsets,
        char_classes(True),
        fold_table(True),
        ocr_table(),
        _LOOKALIKE,
        config.gram_size,
        np.uint32((1 << config.sample_bits) - 1),
        _month_hashes(),
    )
    grams, g_off = K.sorted_unique_rows(grams, g_off)
    figs, f_off = K.sorted_unique_rows(figs, f_off)
    return OcrUnits(grams, g_off, figs, f_off)
