"""The tools newsdedup is measured against, run on the same input by one harness.

Every peer is a function ``run(batches, params) -> PeerResult`` (see
:mod:`benchmarks.peers.base`): it receives the corpus as batches of
:class:`~benchmarks.peers.base.Doc` (shingles already made, identically for
all) and returns the pairs it found with its stage timings.
:mod:`benchmarks.peers.run` runs each peer in a process of its own to
measure its peak memory, and scores its clusters against the gold file.

Example:
    $ python -m benchmarks.peers --corpus benchmarks/data/10k --out benchmarks/results
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from .base import PeerSkipped

__all__ = ["NEEDS_WORDS", "PEERS", "load_peer"]

#: Peer name → (module, function). Order is the order of a full run.
PEERS: dict[str, tuple[str, str]] = {
    "datasketch": ("benchmarks.peers.datasketch_readme", "run"),
    "datasketch-fast": ("benchmarks.peers.datasketch_fast", "run"),
    "numpy-minhash": ("benchmarks.peers.numpy_minhash", "run"),
    "rensa": ("benchmarks.peers.rensa_peers", "run"),
    "rensa-flat": ("benchmarks.peers.rensa_peers", "run_flat"),
    "rensa-sets": ("benchmarks.peers.rensa_peers", "run_sets"),
    "exact-jaccard": ("benchmarks.peers.exact", "run_jaccard"),
    "exact-tfidf": ("benchmarks.peers.exact", "run_tfidf"),
}

#: Peers that also need the word tokens (not only the shingles).
NEEDS_WORDS = frozenset({"exact-tfidf"})


def load_peer(name: str) -> Callable:
    """The ``run`` function of a peer.

    Raises:
        KeyError: Unknown peer name.
        PeerSkipped: The peer's library is not installed.
    """
    module_name, function = PEERS[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise PeerSkipped(f"{err.name} is not installed (pip install '.[bench]')") from None
    return getattr(module, function)
