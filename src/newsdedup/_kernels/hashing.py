"""Hash mixers and constants shared by the kernels.

All hashes are unsigned and wrap modulo 2**32 or 2**64 on purpose.
"""

from __future__ import annotations

import numpy as np
from numba import njit

FNV_OFFSET = np.uint64(0xCBF29CE484222325)
FNV_PRIME = np.uint64(0x100000001B3)
U32 = np.uint64(0xFFFFFFFF)


@njit(cache=True, inline="always")
def fmix64(h):
    """MurmurHash3's 64-bit finaliser: an avalanching bijection."""
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


@njit(cache=True, inline="always")
def fmix32(h):
    """MurmurHash3's 32-bit finaliser, as datasketch's affine32 scheme pre-mixes (on uint64 holding 32 bits)."""
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & U32
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0xC2B2AE35)) & U32
    h ^= h >> np.uint64(16)
    return h
