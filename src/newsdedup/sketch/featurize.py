"""One batch of raw texts → everything later stages need, in flat arrays.

This is the step that runs in worker processes: normalise, tokenise, sign
(the k-gram signature for near/partial copies and a word-set signature for
rewrites) and fingerprint for exact duplicates. It returns arrays only, so
results cross process boundaries cheaply and the parent never holds texts.

Example:
    >>> from newsdedup.config import DetectorConfig
    >>> feats = Featurizer(DetectorConfig()).run([("NATO meets", None), ("Nato meets!", None)])
    >>> bool(feats.exact_keys[0] == feats.exact_keys[1]), feats.signatures.shape
    (True, (2, 128))
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

import numpy as np

from .. import _kernels as K
from ..batch.spool import kept_offsets
from ..config import DetectorConfig, SignConfig
from ..text.learn import Learned
from ..text.normalize import normalize_text
from ..text.tokenize import tokenize
from .candidates import lsh_params
from .robust import OcrUnits, ocr_units
from .sign import Signer
from .windows import chunked_signatures, window_band_keys

__all__ = ["OCR_NUM_PERM", "REWRITE_NUM_PERM", "BatchFeatures", "Featurizer", "run_robust"]

#: Permutations of the word-set signature used to find rewrites. Rewritten
#: copies keep most of their distinct words (Jaccard ≥ 0.5), so a short
#: signature separates them from unrelated articles well enough.
REWRITE_NUM_PERM = 64
#: Permutations of the OCR-gram signature: scanned copies keep a folded-gram
#: Jaccard near that of their clean text, so a short signature finds them.
OCR_NUM_PERM = 32


@dataclass
class BatchFeatures:
    """Features of a batch of articles (rows in input order).

    Attributes:
        signatures: uint32 (n × num_perm) MinHash of k-gram shingles.
        word_signatures: uint32 (n × REWRITE_NUM_PERM) MinHash of the word set.
        exact_keys: uint64 (n) hash of the whole token sequence (0 when empty).
        tokens, flags, offsets: the token hashes in CSR layout (for the spool).
    """

    signatures: np.ndarray
    word_signatures: np.ndarray
    exact_keys: np.ndarray
    tokens: np.ndarray
    flags: np.ndarray
    offsets: np.ndarray
    window_keys: np.ndarray | None = None  # uint32 (w × bands) band keys of long articles' windows
    window_owners: np.ndarray | None = None  # int64 (w) row of each window's article
    ocr_signatures: np.ndarray | None = None  # uint32 (n × OCR_NUM_PERM)
    ocr: OcrUnits | None = None  # OCR-folded grams and figures

    def __len__(self) -> int:
        return len(self.exact_keys)

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)


def exact_keys(tokens: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """A 64-bit fingerprint of each document's token sequence (0 for an empty one)."""
    keys = np.zeros(len(offsets) - 1, np.uint64)
    raw = tokens.tobytes()
    for i in range(len(keys)):
        lo, hi = int(offsets[i]) * 4, int(offsets[i + 1]) * 4
        if hi > lo:
            keys[i] = (
                int.from_bytes(hashlib.blake2b(raw[lo:hi], digest_size=8).digest(), "little") or 1
            )
    return keys


#: Buckets of the common-word lookup table: a rare word sharing a bucket with
#: a common one (odds ~ common words / 2**22) is merely left out of one set.
_COMMON_BUCKETS = 1 << 22


def _membership_table(words: np.ndarray) -> np.ndarray | None:
    if not len(words):
        return None
    table = np.zeros(_COMMON_BUCKETS, bool)
    table[words & np.uint32(_COMMON_BUCKETS - 1)] = True
    return table


class Featurizer:
    """Turns (text, source) pairs into :class:`BatchFeatures`.

    Args:
        config: The detector configuration.
        learned: Boilerplate and common words learned from the corpus.
    """

    def __init__(self, config: DetectorConfig, learned: Learned | None = None) -> None:
        self.config = config
        self.learned = learned or Learned()
        self.signer = Signer(config.sign, config.shingle.size)
        self.word_signer = Signer(SignConfig(num_perm=REWRITE_NUM_PERM, seed=config.sign.seed), 1)
        self._common = _membership_table(self.learned.common_words)
        lsh = config.lsh
        self.windows = lsh.window_pass
        self.ocr = lsh.ocr_pass
        self.ocr_signer = Signer(SignConfig(num_perm=OCR_NUM_PERM, seed=config.sign.seed), 1)
        if lsh.bands is not None and lsh.rows is not None:
            self.banding = (lsh.bands, lsh.rows)
        else:
            self.banding = lsh_params(lsh.threshold, config.sign.num_perm, tuple(lsh.weights))

    def normalize(self, text: str, source: str | None) -> str:
        return normalize_text(text, self.config.normalize, self.learned.boilerplate.drops(source))

    def word_signatures(
        self, tokens: np.ndarray, flags: np.ndarray, offsets: np.ndarray
    ) -> np.ndarray:
        """MinHash of each document's set of words, leaving out figures and common words."""
        if self.config.shingle.kind == "char":
            return np.zeros((len(offsets) - 1, REWRITE_NUM_PERM), np.uint32)
        keep = (flags & K.FLAG_NUMBER) == 0
        if self._common is not None:
            keep &= ~self._common[tokens & np.uint32(len(self._common) - 1)]
        return self.word_signer.sign_sets(tokens[keep], kept_offsets(offsets, keep))

    def run(self, items: list[tuple[str, str | None]], robust: bool = False) -> BatchFeatures:
        """Featurise one batch of (full text, source) pairs.

        Args:
            robust: Also make what the OCR and window passes need (when the
                configuration enables them): the batch detector does
                (:data:`run_robust`), the live index cannot store it yet.
        """
        norm = self.config.normalize
        texts = [self.normalize(text, source) for text, source in items]
        batch = tokenize(
            texts,
            char_mode=self.config.shingle.kind == "char",
            fold_accents=norm.fold_accents,
            elision=norm.elision,
        )
        feats = BatchFeatures(
            signatures=np.zeros(0, np.uint32),
            word_signatures=self.word_signatures(batch.hashes, batch.flags, batch.offsets),
            exact_keys=exact_keys(batch.hashes, batch.offsets),
            tokens=batch.hashes,
            flags=batch.flags,
            offsets=batch.offsets,
        )
        if robust and self.windows:
            feats.signatures, windows, feats.window_owners = chunked_signatures(
                self.signer, batch.hashes, batch.offsets, self.config.lsh.window_min
            )
            feats.window_keys = window_band_keys(windows, *self.banding)
        else:
            feats.signatures = self.signer.sign(batch)
        if robust and self.ocr:
            feats.ocr = ocr_units(texts)
            feats.ocr_signatures = self.ocr_signer.sign_sets(
                feats.ocr.grams, feats.ocr.gram_offsets
            )
        return feats


#: ``Featurizer.run`` with the OCR and window passes' features, as a worker task.
run_robust = functools.partial(Featurizer.run, robust=True)
