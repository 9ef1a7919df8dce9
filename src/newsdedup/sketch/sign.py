"""Shingles → MinHash signatures, interchangeable with ``datasketch.MinHash``.

The permutations are datasketch's own (``MinHash(num_perm, seed,
scheme="affine32").permutations``) and the arithmetic is datasketch's
affine32 scheme, run in a compiled loop over a whole batch. So a signature
made here equals, value for value, the ``hashvalues`` of a datasketch
``MinHash`` with the same ``num_perm``, ``seed`` and scheme fed the same
32-bit shingle hashes — and can be wrapped as one (:meth:`Signer.to_datasketch`)
to use any datasketch tool on it. ``scheme``, ``seed`` and ``num_perm`` are
recorded with every signature that is stored (see ``SignConfig``).

Example:
    >>> from newsdedup.config import SignConfig
    >>> signer = Signer(SignConfig(num_perm=16), shingle_size=2)
    >>> sigs = signer.sign_texts(["nato ministers meet", "nato ministers meet"])
    >>> sigs.shape, bool((sigs[0] == sigs[1]).all())
    ((2, 16), True)
"""

from __future__ import annotations

import functools

import numpy as np

from .. import _kernels as K
from ..config import SignConfig
from ..text.tokenize import TokenBatch, tokenize
from .shingle import position_multipliers, shingle_hash

__all__ = ["EMPTY_HASH", "Signer", "datasketch_hashfunc", "permutations"]

#: Value of every slot of an empty document's signature (datasketch's "empty").
EMPTY_HASH = np.uint32(0xFFFFFFFF)


@functools.lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutation parameters ``(a, b)`` as uint32 arrays.

    Drawn here as ``datasketch.MinHash(num_perm, seed, scheme="affine32")``
    draws them (the tests check they are equal) rather than through
    datasketch: importing datasketch imports scipy.integrate, over a second
    that a small scan would otherwise spend before reading anything.
    """
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a = np.ascontiguousarray(a, dtype=np.uint32)
    b = np.ascontiguousarray(b, dtype=np.uint32)
    a.flags.writeable = False
    b.flags.writeable = False
    return a, b


def datasketch_hashfunc(shingle: str) -> int:
    """Hash function to give ``datasketch.MinHash`` so it matches our signatures.

    ``shingle`` is the space-joined canonical tokens of one shingle.

    Example:
        >>> from datasketch import MinHash
        >>> m = MinHash(num_perm=8, hashfunc=datasketch_hashfunc)
        >>> m.update("nato ministers meet")
    """
    return shingle_hash(shingle.split(" "))


class Signer:
    """Signs token batches with MinHash over word (or character) k-grams.

    Args:
        config: num_perm, seed and scheme.
        shingle_size: k of the k-grams.
    """

    def __init__(self, config: SignConfig, shingle_size: int) -> None:
        config.validate()
        self.config = config
        self.k = shingle_size
        self._a, self._b = permutations(config.num_perm, config.seed)
        self._mult = position_multipliers(shingle_size)

    def sign(self, batch: TokenBatch) -> np.ndarray:
        """Signatures of a tokenised batch: uint32 array (documents × num_perm)."""
        return K.sign_batch(batch.hashes, batch.offsets, self.k, self._mult, self._a, self._b)

    def sign_tokens(self, tokens: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Signatures of token hashes given in CSR layout."""
        return K.sign_batch(tokens, offsets, self.k, self._mult, self._a, self._b)

    def sign_sets(self, hashes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Signatures of arbitrary 32-bit hash sets (each element one shingle)."""
        return K.sign_hashes(hashes, offsets, self._a, self._b)

    def sign_texts(self, texts: list[str], *, char_mode: bool = False) -> np.ndarray:
        """Tokenise already normalised texts and sign them (convenience)."""
        return self.sign(tokenize(texts, char_mode=char_mode))

    def to_datasketch(self, signature: np.ndarray):
        """Wrap one signature as a ``datasketch.LeanMinHash``."""
        from datasketch import LeanMinHash, MinHash

        m = MinHash(
            num_perm=self.config.num_perm,
            seed=self.config.seed,
            scheme="affine32",
            hashvalues=np.asarray(signature, dtype=np.uint32),
        )
        return LeanMinHash(m)

    @staticmethod
    def is_empty(signatures: np.ndarray) -> np.ndarray:
        """Which rows are signatures of documents without a single shingle."""
        return (signatures == EMPTY_HASH).all(axis=1)
