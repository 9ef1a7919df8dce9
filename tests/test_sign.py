"""Signatures are datasketch's: same num_perm, seed and scheme give identical hash values."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.config import SignConfig
from newsdedup.sketch.shingle import shingle_batch, shingle_hash, shingle_texts
from newsdedup.sketch.sign import EMPTY_HASH, Signer, datasketch_hashfunc
from newsdedup.text.tokenize import tokenize, words

TEXT = (
    "the defence ministers of the alliance meet in brussels on tuesday and wednesday "
    "to coordinate the supply of weapons and discuss the threat posed by spy balloons"
)


@pytest.mark.parametrize(("num_perm", "seed", "k"), [(128, 1, 5), (64, 7, 3), (256, 42, 1)])
def test_identical_to_datasketch_fed_the_same_shingle_hashes(num_perm, seed, k):
    batch = tokenize([TEXT])
    ours = Signer(SignConfig(num_perm=num_perm, seed=seed), k).sign(batch)[0]
    hashes, offsets = shingle_batch(batch, k)
    theirs = MinHash(num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=int)
    theirs.update_batch(hashes[offsets[0] : offsets[1]].tolist())
    assert theirs.hashvalues.dtype == np.uint32
    assert np.array_equal(theirs.hashvalues, ours)


def test_datasketch_with_our_hashfunc_on_shingle_strings_agrees():
    ours = Signer(SignConfig(), 5).sign(tokenize([TEXT]))[0]
    theirs = MinHash(num_perm=128, seed=1, hashfunc=datasketch_hashfunc)
    for shingle in shingle_texts(words(TEXT), 5):
        theirs.update(shingle)
    assert np.array_equal(theirs.hashvalues, ours)


def test_pure_python_shingle_hash_matches_the_kernel():
    batch = tokenize([TEXT])
    hashes, offsets = shingle_batch(batch, 4)
    expected = [shingle_hash(s.split(" ")) for s in shingle_texts(words(TEXT), 4)]
    assert hashes.tolist() == expected


def test_a_different_seed_gives_a_different_signature():
    batch = tokenize([TEXT])
    assert not np.array_equal(
        Signer(SignConfig(seed=1), 5).sign(batch), Signer(SignConfig(seed=2), 5).sign(batch)
    )


def test_wrapped_signature_works_with_datasketch_lsh():
    signer = Signer(SignConfig(), 5)
    sigs = signer.sign(
        tokenize([TEXT, TEXT + " on monday", "completely different words about football results"])
    )
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for key, sig in zip("abc", sigs):
        lsh.insert(key, signer.to_datasketch(sig))
    assert sorted(lsh.query(signer.to_datasketch(sigs[0]))) == ["a", "b"]
    theirs = MinHash(num_perm=128, seed=1, hashfunc=datasketch_hashfunc)
    theirs.update_batch(shingle_texts(words(TEXT), 5))
    assert signer.to_datasketch(sigs[0]).jaccard(theirs) == 1.0


def test_short_and_empty_documents():
    signer = Signer(SignConfig(num_perm=16), 5)
    sigs = signer.sign(tokenize(["", "two words", "two words"]))
    assert (sigs[0] == EMPTY_HASH).all()
    assert Signer.is_empty(sigs).tolist() == [True, False, False]
    assert np.array_equal(sigs[1], sigs[2])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(["nato", "kyiv", "meets", "ministers", "on", "tuesday", "42"]), max_size=30
    ),
    st.integers(1, 6),
)
def test_estimate_tracks_exact_jaccard(tokens, k):
    a = " ".join(tokens)
    b = " ".join(tokens[: len(tokens) // 2] + ["extra", "words", "here"])
    signer = Signer(SignConfig(num_perm=256), k)
    sigs = signer.sign(tokenize([a, b]))
    sa, sb = set(shingle_texts(words(a), k)), set(shingle_texts(words(b), k))
    if not sa or not sb:
        return
    exact = len(sa & sb) / len(sa | sb)
    estimate = float(np.mean(sigs[0] == sigs[1]))
    assert abs(estimate - exact) < 0.2
