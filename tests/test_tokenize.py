"""The compiled tokenizer against an independent pure-Python statement of its rules."""

from __future__ import annotations

import unicodedata

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.text.normalize import normalize_text
from newsdedup.text.tokenize import ELIDED_WORDS, canonical, fold_char, token_hash, tokenize, words

APOSTROPHES = "'\u2019\u2018\u02bc\u02bb`\u00b4\u2032\u201b"
NO_SPACE = (
    (0x0E00, 0x0E7F),
    (0x0E80, 0x0EFF),
    (0x1000, 0x109F),
    (0x1780, 0x17FF),
    (0x3040, 0x30FF),
    (0x3100, 0x312F),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FFFF),
)
FOLDED = (
    (0x0300, 0x036F),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
    (0x064B, 0x0652),
    (0x0670, 0x0670),
    (0x0640, 0x0640),
)
INVISIBLE = {0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF}


def _in(cp, ranges):
    return any(lo <= cp <= hi for lo, hi in ranges)


def _kind(ch: str) -> str:
    cp = ord(ch)
    if ch in APOSTROPHES:
        return "apos"
    if ch in ",.:-/":
        return "join"
    if cp in INVISIBLE or _in(cp, FOLDED):
        return "skip"
    cat = unicodedata.category(ch)
    if cp < 0x30000 and not (cat[0] == "L" or cat in ("Mn", "Mc", "Nl", "No", "Nd")):
        return "sep"
    if _in(cp, NO_SPACE):
        return "skip" if cat[0] == "M" else "single"
    return "digit" if cat == "Nd" else "word"


def reference_words(text: str) -> list[str]:
    """The tokenizer's rules, written plainly (no speed, no hashing)."""
    chars = [fold_char(c) for c in text]
    kinds = [_kind(c) for c in chars]
    out, current, prev = [], [], "sep"
    i = 0
    while i < len(chars):
        kind = kinds[i]
        if kind == "skip":
            i += 1
            continue
        if (
            kind == "join"
            and prev == "digit"
            and current
            and i + 1 < len(chars)
            and kinds[i + 1] == "digit"
        ):
            current.append(chars[i])
            prev = "word"
            i += 1
            continue
        if kind in ("word", "digit"):
            current.append(chars[i])
            prev = kind
            i += 1
            continue
        if current:
            token = "".join(current)
            elided = (
                kind == "apos"
                and i + 1 < len(chars)
                and kinds[i + 1] in ("word", "digit")
                and token in ELIDED_WORDS
            )
            if not elided:
                out.append(token)
            current = []
        if kind == "single":
            out.append(chars[i])
        prev = kind
        i += 1
    if current:
        out.append("".join(current))
    return out


def hashes_of(tokens: list[str]) -> list[int]:
    return [token_hash(t) for t in tokens]


def folded_words(text: str, **options) -> list[str]:
    return [canonical(w) for w in words(text, **options)]


def test_folding_lowercases_and_strips_diacritics():
    assert [fold_char(c) for c in "ÉéÀçÑßİ"] == ["e", "e", "a", "c", "n", "ß", "i"]
    assert [fold_char(c, fold_accents=False) for c in "ÉéÀ"] == ["é", "é", "à"]
    assert fold_char("Ω") == "ω" and fold_char("Ж") == "ж"


def test_french_elision_accents_and_numbers():
    assert folded_words("L'Otan jusqu'à lundi, 1,750 obus à 5.93 dollars; aujourd'hui") == [
        "otan",
        "a",
        "lundi",
        "1750",  # a thousands separator is dropped
        "obus",
        "a",
        "5.93",
        "dollars",
        "aujourd",
        "hui",
    ]
    assert words("L’Otan") == ["Otan"]  # shown as written, compared folded
    # The curly apostrophe of the seeds elides the same way as the straight one.
    assert tokenize(["de l\u2019otan"]).hashes.tolist() == tokenize(["de l'otan"]).hashes.tolist()


def test_accent_folding_can_be_turned_off():
    folded = tokenize(["réunion"]).hashes.tolist()
    kept = tokenize(["réunion"], fold_accents=False).hashes.tolist()
    assert folded == [token_hash("reunion")]
    assert kept != folded


def test_scripts_without_spaces_give_one_token_per_character():
    assert folded_words("北京是首都 Hello") == ["北", "京", "是", "首", "都", "hello"]
    assert words("東京タワー") == ["東", "京", "タ", "ワ", "ー"]


def test_urdu_arabic_and_devanagari_are_words():
    assert folded_words("وزرائے دفاع کا اجلاس") == ["وزرائے", "دفاع", "کا", "اجلاس"]
    # Arabic short vowels (harakat) are dropped like Latin accents.
    assert tokenize(["كَتَبَ"]).hashes.tolist() == tokenize(["كتب"]).hashes.tolist()
    assert words("रक्षा मंत्रियों की बैठक") == ["रक्षा", "मंत्रियों", "की", "बैठक"]


def test_char_mode_keeps_every_character_and_one_space_per_gap():
    assert folded_words("aB,  c", char_mode=True) == ["a", "b", "", "c"]


def test_empty_and_punctuation_only_texts_have_no_tokens():
    batch = tokenize(["", " .,;!? ", "x"])
    assert batch.offsets.tolist() == [0, 0, 0, 1]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc éèç12,.:-/'’ \n\u0301\u200bد北ๆ่")), max_size=60))
def test_kernel_matches_reference_rules(text):
    assert tokenize([text]).hashes.tolist() == hashes_of(reference_words(text))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=6))
def test_batching_does_not_change_tokens(texts):
    batch = tokenize(texts)
    for i, text in enumerate(texts):
        assert batch.doc(i).tolist() == tokenize([text]).hashes.tolist()
        assert batch.doc(i).tolist() == hashes_of(reference_words(text))


def test_number_flags_mark_tokens_with_digits():
    batch = tokenize(["grain 31 ships 1,750 x2"])
    assert batch.flags.tolist() == [0, 3, 0, 3, 1]  # 3: a number, 1: a word with a digit
    assert np.all(batch.flags[batch.hashes == token_hash("grain")] == 0)


def test_folding_twice_changes_nothing():
    # The kernel folds each character once; the reference folds again when hashing.
    for fold_accents in (True, False):
        changed = [
            hex(cp)
            for cp in range(0x30000)
            if not 0xD800 <= cp <= 0xDFFF
            and fold_char(fold_char(chr(cp), fold_accents), fold_accents)
            != fold_char(chr(cp), fold_accents)
        ]
        assert changed == []
    assert canonical("𝑨𝒃𝒄") == "abc"  # mathematical letters decompose to capitals, then fold


def test_every_scripts_digits_and_number_formats_hash_alike():
    same = [
        ["1,234.5 tonnes", "1.234,5 tonnes", "١٬٢٣٤٫٥ tonnes", "۱٬۲۳۴٫۵ tonnes"],
        ["rose 42 pct", "rose ٤٢ pct", "rose ۴۲ pct", "rose ४२ pct", "rose ４２ pct"],
        ["24.3 overs", "24,3 overs"],
    ]
    for group in same:
        batch = tokenize([normalize_text(t) for t in group])
        first = batch.doc(0).tolist()
        assert all(batch.doc(i).tolist() == first for i in range(1, len(group))), group
        doc_flags = batch.flags[batch.offsets[0] : batch.offsets[1]]
        assert np.count_nonzero(doc_flags) == 1  # one figure
    # A decimal point is not a thousands separator: these stay different figures.
    batch = tokenize(["1.5", "15", "1,750", "1.75", "3:30", "330"])
    assert len(set(batch.hashes.tolist())) == 6
