"""The tokenizer's inner loop: UTF-8 bytes → folded code points → token hashes.

One pass over the bytes, no string is built. Each code point is folded
(lower case, diacritics off) through a table and classified through
another (see ``newsdedup/tokenize.py``, which builds both and states the
rules; its tests check this loop against a plain Python version of them).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .hashing import FNV_OFFSET, FNV_PRIME, U32, fmix64

# Character classes (the values of the class table).
SEP = 0  # separator: spaces, punctuation, symbols
WORD = 1  # letter or mark that belongs to a word
SINGLE = 2  # a character of a script written without spaces: a token by itself
APOS = 3  # apostrophe: elision or separator
SKIP = 4  # diacritic or zero-width character: dropped, does not split a word
JOIN = 5  # , . : - / ٫ ٬ : part of a number when between two digits, else separator
DIGIT = 6  # a digit: word character that marks the token as a number

SPACE_TOKEN = np.uint32(0x9E3779B9)  # stands for a run of separators in character mode
FLAG_NUMBER = np.uint8(1)  # the token holds a digit
FLAG_PURE = np.uint8(2)  # ...and nothing but digits and number separators (not ``1evel``)


@njit(cache=True)
def _finish(state):
    return np.uint32(fmix64(state) & U32)


@njit(cache=True)
def _mix(state, cp):
    return (state ^ np.uint64(cp)) * FNV_PRIME


@njit(cache=True)
def _decode(buf, i):
    """Decode one UTF-8 code point at ``buf[i]``; returns (code point, length)."""
    c = np.int64(buf[i])
    if c < 0x80:
        return c, 1
    n = buf.shape[0]
    if c >= 0xF0 and i + 3 < n:
        return ((c & 0x07) << 18) | ((np.int64(buf[i + 1]) & 0x3F) << 12) | (
            (np.int64(buf[i + 2]) & 0x3F) << 6
        ) | (np.int64(buf[i + 3]) & 0x3F), 4
    if c >= 0xE0 and i + 2 < n:
        return ((c & 0x0F) << 12) | ((np.int64(buf[i + 1]) & 0x3F) << 6) | (
            np.int64(buf[i + 2]) & 0x3F
        ), 3
    if c >= 0xC0 and i + 1 < n:
        return ((c & 0x1F) << 6) | (np.int64(buf[i + 1]) & 0x3F), 2
    return 0xFFFD, 1


@njit(cache=True)
def _read(buf, i, table, fold):
    """Folded code point, its class and its byte length at ``buf[i]``."""
    c = buf[i]
    if c < 0x80:
        cp = np.int64(fold[c])
        ln = 1
    else:
        raw, ln = _decode(buf, i)
        cp = np.int64(fold[raw]) if raw < fold.shape[0] else raw
    cls = table[cp] if cp < table.shape[0] else WORD
    return cp, cls, ln


@njit(cache=True)
def _class_at(buf, i, end, table, fold):
    """Class of the character at ``i``, or SEP past the end of the document."""
    if i >= end:
        return SEP
    _, cls, _ = _read(buf, i, table, fold)
    return cls


@njit(cache=True)
def _number_separator(buf, j, end, table, fold, cp):
    """What a separator inside a number adds to its hash, so formats compare alike.

    ``, . ٫ ٬`` followed by exactly three digits (and no more) separate
    thousands: nothing. Otherwise they are a decimal point: ``.``. Any other
    joiner (``: - /``) is itself. So ``1,234.5`` and ``1.234,5`` hash alike.
    """
    if cp != 44 and cp != 46 and cp != 0x066B and cp != 0x066C:
        return cp
    digits = 0
    while j < end:
        _, cls, ln = _read(buf, j, table, fold)
        if cls == SKIP:
            j += ln
            continue
        if cls != DIGIT:
            break
        digits += 1
        j += ln
    if digits == 3 and cp != 0x066B:
        return 0
    return 46


@njit(cache=True, inline="always")
def _number_flag(has_digit, has_letter):
    if not has_digit:
        return np.uint8(0)
    if has_letter:
        return FLAG_NUMBER
    return np.uint8(FLAG_NUMBER | FLAG_PURE)


@njit(cache=True)
def _is_elided(token_hash, elisions):
    for j in range(elisions.shape[0]):
        if elisions[j] == token_hash:
            return True
    return False


@njit(cache=True)
def _emit(hashes, flags, starts, ends, t, h, flag, start, end):
    """Write token ``t`` (its span only when spans are kept); returns t + 1."""
    hashes[t] = h
    flags[t] = flag
    if starts.shape[0] > 0:
        starts[t] = start
        ends[t] = end
    return t + 1


@njit(cache=True)
def _char_tokens(buf, lo, hi, table, fold, hashes, flags, starts, ends, t):
    """Character mode: every character a token, each run of separators one token."""
    first = t
    prev = SEP
    pending_space = False
    i = lo
    while i < hi:
        cp, cls, ln = _read(buf, i, table, fold)
        if cls == SEP or cls == APOS or (cls == JOIN and prev != DIGIT):
            pending_space = t > first
        elif cls != SKIP:
            if pending_space:
                t = _emit(hashes, flags, starts, ends, t, SPACE_TOKEN, np.uint8(0), i, i)
                pending_space = False
            flag = FLAG_NUMBER if cls == DIGIT else np.uint8(0)
            t = _emit(
                hashes, flags, starts, ends, t, _finish(_mix(FNV_OFFSET, cp)), flag, i, i + ln
            )
        prev = cls
        i += ln
    return t


@njit(cache=True)
def _word_tokens(buf, lo, hi, table, fold, elisions, hashes, flags, starts, ends, t):
    """Word mode: runs of word characters; numbers keep their , . : - /; elisions dropped."""
    state = FNV_OFFSET
    in_tok = False
    tok_start = lo
    tok_end = lo
    has_digit = False
    has_letter = False
    prev = SEP
    i = lo
    while i < hi:
        # Read inline, not through _read: returning a tuple here costs ~40% of the loop.
        c = buf[i]
        if c < 0x80:
            cp = np.int64(fold[c])
            ln = 1
        else:
            raw, ln = _decode(buf, i)
            cp = np.int64(fold[raw]) if raw < fold.shape[0] else raw
        cls = table[cp] if cp < table.shape[0] else WORD
        if cls == SKIP:
            i += ln
            continue
        if (
            cls == JOIN
            and prev == DIGIT
            and in_tok
            and _class_at(buf, i + ln, hi, table, fold) == DIGIT
        ):
            sep = _number_separator(buf, i + ln, hi, table, fold, cp)
            if sep != 0:
                state = _mix(state, sep)
            prev = WORD
            i += ln
            continue
        if cls == WORD or cls == DIGIT:
            if not in_tok:
                in_tok, tok_start, state, has_digit = True, i, FNV_OFFSET, False
                has_letter = False
            state = _mix(state, cp)
            tok_end = i + ln
            has_digit = has_digit or cls == DIGIT
            has_letter = has_letter or cls == WORD
            prev = cls
            i += ln
            continue
        if in_tok:  # anything else ends the current token
            h = _finish(state)
            following = _class_at(buf, i + ln, hi, table, fold) if cls == APOS else SEP
            if not ((following == WORD or following == DIGIT) and _is_elided(h, elisions)):
                flag = _number_flag(has_digit, has_letter)
                t = _emit(hashes, flags, starts, ends, t, h, flag, tok_start, tok_end)
            in_tok = False
        if cls == SINGLE:
            t = _emit(
                hashes,
                flags,
                starts,
                ends,
                t,
                _finish(_mix(FNV_OFFSET, cp)),
                np.uint8(0),
                i,
                i + ln,
            )
        prev = cls
        i += ln
    if in_tok:
        flag = _number_flag(has_digit, has_letter)
        t = _emit(hashes, flags, starts, ends, t, _finish(state), flag, tok_start, tok_end)
    return t


def tokenize_batch(buf, doc_offsets, table, fold, elisions, char_mode, spans):
    """Split UTF-8 documents into token hashes.

    Word and character mode are two compiled functions: numba compiles
    everything a function can reach, so one function for both modes would
    compile the character tokenizer on every first run, for nothing.

    Args:
        buf: uint8 array, the documents' UTF-8 bytes back to back.
        doc_offsets: int64 array of n+1 byte offsets into ``buf``.
        table: uint8 class of each (folded) code point (see the constants above).
        fold: uint32 folded form of each code point (lower case, accents off);
            tokens are hashed from folded code points.
        elisions: uint32 hashes of elided words dropped before an apostrophe.
        char_mode: every character is a token; separator runs become one.
        spans: also return each token's byte span (for display); else the
            span arrays are empty.

    Returns:
        (hashes uint32, flags uint8, starts int64, ends int64, tok_offsets int64):
        token ``t`` spans bytes ``starts[t]:ends[t]`` of ``buf``; document ``i``
        owns tokens ``tok_offsets[i]:tok_offsets[i+1]``.
    """
    if char_mode:
        return _tokenize_chars(buf, doc_offsets, table, fold, spans)
    return _tokenize_words(buf, doc_offsets, table, fold, elisions, spans)


@njit(cache=True)
def _token_arrays(n_bytes, n_docs, char_mode, spans):
    # A word token takes at least one byte plus a separator; a character
    # token at least one byte, plus one separator token between runs.
    cap = (n_bytes if char_mode else n_bytes // 2) + n_docs + 1
    hashes = np.empty(cap, np.uint32)
    flags = np.zeros(cap, np.uint8)
    starts = np.empty(cap if spans else 0, np.int64)
    ends = np.empty(cap if spans else 0, np.int64)
    return hashes, flags, starts, ends


@njit(cache=True)
def _tokenize_words(buf, doc_offsets, table, fold, elisions, spans):
    n_docs = doc_offsets.shape[0] - 1
    hashes, flags, starts, ends = _token_arrays(buf.shape[0], n_docs, False, spans)
    tok_offsets = np.empty(n_docs + 1, np.int64)
    t = np.int64(0)  # typed, not a literal: one compiled signature for the callee
    for d in range(n_docs):
        tok_offsets[d] = t
        lo, hi = doc_offsets[d], doc_offsets[d + 1]
        t = _word_tokens(buf, lo, hi, table, fold, elisions, hashes, flags, starts, ends, t)
    tok_offsets[n_docs] = t
    span_n = t if spans else 0
    return (
        hashes[:t].copy(),
        flags[:t].copy(),
        starts[:span_n].copy(),
        ends[:span_n].copy(),
        tok_offsets,
    )


@njit(cache=True)
def _tokenize_chars(buf, doc_offsets, table, fold, spans):
    n_docs = doc_offsets.shape[0] - 1
    hashes, flags, starts, ends = _token_arrays(buf.shape[0], n_docs, True, spans)
    tok_offsets = np.empty(n_docs + 1, np.int64)
    t = np.int64(0)  # typed, not a literal: one compiled signature for the callee
    for d in range(n_docs):
        tok_offsets[d] = t
        lo, hi = doc_offsets[d], doc_offsets[d + 1]
        t = _char_tokens(buf, lo, hi, table, fold, hashes, flags, starts, ends, t)
    tok_offsets[n_docs] = t
    span_n = t if spans else 0
    return (
        hashes[:t].copy(),
        flags[:t].copy(),
        starts[:span_n].copy(),
        ends[:span_n].copy(),
        tok_offsets,
    )
