"""Normalised text → tokens, as 32-bit hashes, in one compiled pass over UTF-8.

Why hashes and not strings: every later step (shingles, signatures, TF-IDF
features, number guard) only needs to tell tokens apart, and building
strings caps throughput at a few thousand articles per second. Token
boundaries (byte offsets) are kept so the words can be shown when explaining
a match.

Rules (after :func:`newsdedup.text.normalize.normalize_text`):

* characters are folded first: lower case, and (by default) diacritics
  removed (``É`` → ``e``), every script's digits to ASCII (``٣`` → ``3``),
  through a table built from Unicode's data;

* a token is a run of letters, digits and word-internal marks of any script;
* characters of scripts written without spaces (Chinese, Japanese, Thai, Lao,
  Khmer, Myanmar) are tokens of their own, so word k-grams over them are
  character k-grams;
* ``, . : - /`` (and Arabic ``٫ ٬``) between two digits stay inside a number
  (``1,750``, ``5.93``), hashed in one format: a ``,`` or ``.`` before exactly
  three final digits separates thousands and is dropped, otherwise it is a
  decimal point (``1,234.5``, ``1.234,5`` and ``١٬٢٣٤٫٥`` are one number);
* French and Italian elided words before an apostrophe are dropped
  (``l'otan`` → ``otan``); any other apostrophe separates;
* combining diacritics (``e`` + U+0301), Arabic short vowels and
  zero-width characters are skipped without splitting the word.

Example:
    >>> words("L'Otan a livré 1,750 obus.")
    ['Otan', 'a', 'livré', '1,750', 'obus']
    >>> tokenize(["Livré"]).hashes.tolist() == [token_hash("livre")]
    True
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import numpy as np

from .. import _kernels as K

__all__ = [
    "ELIDED_WORDS",
    "TokenBatch",
    "canonical",
    "fold_char",
    "token_hash",
    "tokenize",
    "words",
]

#: Words elided before an apostrophe in French and Italian.
ELIDED_WORDS = (
    "l",
    "d",
    "j",
    "m",
    "n",
    "s",
    "t",
    "c",
    "qu",
    "jusqu",
    "lorsqu",
    "puisqu",
    "quoiqu",
    "presqu",
    "quelqu",
    "un",
    "dell",
    "all",
    "dall",
    "nell",
    "sull",
    "coll",
    "quell",
    "quest",
    "bell",
    "sant",
    "buon",
    "nessun",
    "ciascun",
    "tutt",
)

_APOSTROPHES = "'\u2019\u2018\u02bc\u02bb`\u00b4\u2032\u201b"
_JOINERS = ",.:-/\u066b\u066c"  # with the Arabic decimal and thousands separators
_DECIMAL_MARKS = ",.\u066b\u066c"
_NO_SPACE_SCRIPTS = (
    (0x0E00, 0x0E7F),  # Thai
    (0x0E80, 0x0EFF),  # Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x2FFFF),  # CJK extensions B-F
)
_FOLDED_MARKS = (
    (0x0300, 0x036F),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
    (0x064B, 0x0652),
    (0x0670, 0x0670),
    (0x0640, 0x0640),  # Arabic short vowels, tatweel
)
_INVISIBLE = (0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)
_TABLE_SIZE = 0x30000


def _in_ranges(cp: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= cp <= hi for lo, hi in ranges)


def fold_char(ch: str, fold_accents: bool = True) -> str:
    """One character as the tokenizer sees it: lower case, and without diacritics when folding.

    Characters whose folded form would be several characters stay as they are.

    Example:
        >>> fold_char("É"), fold_char("É", fold_accents=False), fold_char("ß"), fold_char("北")
        ('e', 'é', 'ß', '北')
    """
    if unicodedata.category(ch) == "Nd":
        return str(unicodedata.digit(ch))  # every script's digits are ASCII digits
    low = ch.lower()
    if fold_accents:
        base = "".join(
            c for c in unicodedata.normalize("NFKD", low) if not _in_ranges(ord(c), _FOLDED_MARKS)
        )
        if len(base) == 1:
            # Decomposing can reveal a capital (mathematical 𝑨 is A): fold it too, so that
            # folding twice changes nothing.
            return base.lower() if len(base.lower()) == 1 else base
    return low if len(low) == 1 else ch


@functools.lru_cache(maxsize=2)
def fold_table(fold_accents: bool = True) -> np.ndarray:
    """Folded code point of every code point below U+30000 (see :func:`fold_char`)."""
    table = np.arange(_TABLE_SIZE, dtype=np.uint32)
    decomposition = unicodedata.decomposition
    for cp in range(_TABLE_SIZE):
        if 0x3400 <= cp <= 0xA000 or 0xAC00 <= cp <= 0xDFFF or 0x20000 <= cp < 0x2F800:
            continue  # CJK ideographs, Hangul syllables, surrogates: no case, nothing to fold
        ch = chr(cp)
        if ch.lower() != ch or decomposition(ch) or unicodedata.category(ch) == "Nd":
            table[cp] = ord(fold_char(ch, fold_accents))
    return table


@functools.lru_cache(maxsize=2)
def char_classes(fold_accents: bool = True) -> np.ndarray:
    """The tokenizer's class of every (folded) code point below U+30000."""
    table = np.zeros(_TABLE_SIZE, np.uint8)
    for cp in range(_TABLE_SIZE):
        cat = unicodedata.category(chr(cp))
        if cat[0] == "L" or cat in ("Mn", "Mc", "Nl", "No"):
            table[cp] = K.WORD
        elif cat == "Nd":
            table[cp] = K.DIGIT
    for lo, hi in _NO_SPACE_SCRIPTS:
        for cp in range(lo, min(hi, _TABLE_SIZE - 1) + 1):
            if table[cp] == K.WORD:
                # Vowel signs and tone marks are dropped: the base characters carry the text.
                table[cp] = K.SKIP if unicodedata.category(chr(cp))[0] == "M" else K.SINGLE
    if fold_accents:
        for lo, hi in _FOLDED_MARKS:
            table[lo : hi + 1] = K.SKIP
    for cp in _INVISIBLE:
        table[cp] = K.SKIP
    for ch in _APOSTROPHES:
        table[ord(ch)] = K.APOS
    for ch in _JOINERS:
        table[ord(ch)] = K.JOIN
    table[ord("_")] = K.SEP
    return table


def canonical(token: str, fold_accents: bool = True) -> str:
    """A token as it is hashed: folded characters, skipped characters left out.

    Numbers are written one way: every script's digits as ASCII, thousands
    separators dropped, the decimal mark a point.

    Example:
        >>> canonical("Réunion"), canonical("كَتَبَ") == canonical("كتب")
        ('reunion', True)
        >>> canonical("1,234.5"), canonical("1.234,5"), canonical("١٬٢٣٤٫٥"), canonical("१२३")
        ('1234.5', '1234.5', '1234.5', '123')
    """
    classes = char_classes(fold_accents)
    kept = []
    for ch in token:
        folded = fold_char(ch, fold_accents)
        cp = ord(folded)
        if cp < _TABLE_SIZE and classes[cp] == K.SKIP:
            continue
        kept.append(folded)
    out = []
    for i, ch in enumerate(kept):
        if ch in _DECIMAL_MARKS and 0 < i < len(kept) - 1 and kept[i - 1].isdigit():
            digits = 0
            while i + 1 + digits < len(kept) and kept[i + 1 + digits].isdigit():
                digits += 1
            if digits == 3 and ch != "\u066b":
                continue  # a thousands separator
            ch = "."
        out.append(ch)
    return "".join(out)


def token_hash(token: str, fold_accents: bool = True) -> int:
    """The 32-bit hash the tokenizer gives ``token`` (pure Python, for reference).

    Example:
        >>> token_hash("Otan") == token_hash("otan")
        True
    """
    state = 0xCBF29CE484222325
    for ch in canonical(token, fold_accents):
        state = ((state ^ ord(ch)) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    state ^= state >> 33
    state = (state * 0xFF51AFD7ED558CCD) & 0xFFFFFFFFFFFFFFFF
    state ^= state >> 33
    state = (state * 0xC4CEB9FE1A85EC53) & 0xFFFFFFFFFFFFFFFF
    state ^= state >> 33
    return state & 0xFFFFFFFF


@functools.lru_cache(maxsize=1)
def _elision_hashes() -> np.ndarray:
    return np.array(sorted({token_hash(w) for w in ELIDED_WORDS}), np.uint32)


_NO_ELISIONS = np.zeros(0, np.uint32)


@dataclass
class TokenBatch:
    """Tokens of a batch of documents, in CSR layout.

    Attributes:
        hashes: uint32 token hashes, all documents back to back.
        flags: uint8 per token; bit 0 set when the token holds a digit, bit 1 too
            when it holds nothing but digits and number separators.
        offsets: int64, document ``i`` owns ``hashes[offsets[i]:offsets[i+1]]``.
        starts, ends: byte span of each token in ``data``.
        data: the UTF-8 bytes the spans refer to.
    """

    hashes: np.ndarray
    flags: np.ndarray
    offsets: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    data: bytes

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def doc(self, i: int) -> np.ndarray:
        return self.hashes[self.offsets[i] : self.offsets[i + 1]]

    def doc_words(self, i: int) -> list[str]:
        if len(self.starts) != len(self.hashes):
            raise ValueError("tokenize(..., spans=True) is needed to get the words back")
        lo, hi = self.offsets[i], self.offsets[i + 1]
        return [
            unicodedata.normalize("NFC", self.data[s:e].decode("utf-8", "replace"))
            for s, e in zip(self.starts[lo:hi], self.ends[lo:hi])
        ]


def tokenize(
    texts: list[str],
    *,
    char_mode: bool = False,
    fold_accents: bool = True,
    elision: bool = True,
    spans: bool = False,
) -> TokenBatch:
    """Tokenise already normalised texts in one compiled call.

    Args:
        texts: Output of :func:`newsdedup.text.normalize.normalize_text`.
        char_mode: Every character is a token (character shingles).
        fold_accents: Drop diacritics (``é`` → ``e``).
        elision: Drop French/Italian elided words before apostrophes.
        spans: Keep each token's byte span, needed by :meth:`TokenBatch.doc_words`.

    Example:
        >>> batch = tokenize(["un deux", "trois"])
        >>> batch.offsets.tolist()
        [0, 2, 3]
    """
    encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
    offsets = np.zeros(len(encoded) + 1, np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    data = b"".join(encoded)
    buf = np.frombuffer(data, np.uint8) if data else np.zeros(0, np.uint8)
    hashes, flags, starts, ends, tok_offsets = K.tokenize_batch(
        buf,
        offsets,
        char_classes(fold_accents),
        fold_table(fold_accents),
        _elision_hashes() if elision else _NO_ELISIONS,
        char_mode,
        spans,
    )
    return TokenBatch(hashes, flags, tok_offsets, starts, ends, data)


def words(text: str, **options: bool) -> list[str]:
    """The tokens of one normalised text as strings (for display and tests)."""
    return tokenize([text], spans=True, **options).doc_words(0)
