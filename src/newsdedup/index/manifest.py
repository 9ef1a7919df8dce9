"""What an index records about how it was built, and the check made when it is reopened.

Why: signatures made with another normaliser, shingle size, permutation count,
seed or scheme are not comparable, and LSH entries made with other bands are
not found; relations stored under other thresholds mean something else. An
index therefore stores its full configuration, and opening it with a
different one is an :class:`~newsdedup.errors.IndexConfigMismatch` naming
every difference, never silent garbage.

Example:
    >>> from newsdedup.config import DetectorConfig
    >>> stored = build_manifest(DetectorConfig())
    >>> differences(stored, build_manifest(DetectorConfig.from_options(num_perm=64)))[:1]
    ['num_perm: the index has 128, asked for 64']
"""

from __future__ import annotations

import time
from typing import Any

from .. import __version__
from ..config import NORMALIZER_VERSION, DetectorConfig
from ..errors import ConfigError, IndexConfigMismatch, IndexDamaged, IndexStoreError
from ..judge.tfidf import DEFAULT_FEATURES
from ..sketch.candidates import lsh_params
from ..sketch.featurize import REWRITE_NUM_PERM
from ..text.learn import Learned

__all__ = [
    "SCHEMA_VERSION",
    "build_manifest",
    "check_manifest",
    "config_of",
    "differences",
    "lsh_shape",
]

#: Bumped when the stored layout changes.
SCHEMA_VERSION = 1

#: Settings that change how fast a run is, never what it finds: not compared.
_RUNTIME_ONLY = {("sign", "workers"), ("sign", "batch_size"), ("normalize", "boilerplate_sample")}


def lsh_shape(config: DetectorConfig) -> dict[str, int]:
    """Bands and rows of the k-gram LSH and of the word-set (rewrite) LSH."""
    lsh = config.lsh
    if lsh.bands is not None and lsh.rows is not None:
        bands, rows = lsh.bands, lsh.rows
    else:
        bands, rows = lsh_params(lsh.threshold, config.sign.num_perm, tuple(lsh.weights))
    word_bands, word_rows = lsh_params(lsh.rewrite_threshold, REWRITE_NUM_PERM)
    return {
        "bands": bands,
        "rows": rows,
        "word_bands": word_bands,
        "word_rows": word_rows,
        "word_num_perm": REWRITE_NUM_PERM,
    }


def build_manifest(config: DetectorConfig, learned: Learned | None = None) -> dict[str, Any]:
    """Everything stored with a new index (JSON-ready), with what was learned from its first articles."""
    import datasketch

    return {
        "learned": (learned or Learned()).to_dict(),
        "schema": SCHEMA_VERSION,
        "fingerprint": config.fingerprint(),
        "normalizer_version": NORMALIZER_VERSION,
        "scheme": config.sign.scheme,
        "seed": config.sign.seed,
        "num_perm": config.sign.num_perm,
        **lsh_shape(config),
        "n_features": DEFAULT_FEATURES,
        "config": config.to_dict(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "created_by": f"newsdedup {__version__}, datasketch {datasketch.__version__}",
    }


def config_of(manifest: dict[str, Any], location: str) -> DetectorConfig:
    """The configuration an index was built with.

    Raises:
        IndexStoreError: The manifest is unreadable or from another schema.
    """
    if manifest.get("schema") != SCHEMA_VERSION:
        raise IndexStoreError(
            f"index layout version {manifest.get('schema')!r} is not supported by this "
            f"newsdedup (expects {SCHEMA_VERSION}); rebuild the index",
            path=location,
        )
    data = dict(manifest.get("config") or {})
    data.pop("normalizer_version", None)
    try:
        config = DetectorConfig.from_dict(data)
        derived = {"scheme": config.sign.scheme, "seed": config.sign.seed}
        derived.update(num_perm=config.sign.num_perm, **lsh_shape(config))
    except (ConfigError, TypeError, ValueError, AttributeError) as err:
        raise IndexDamaged(f"manifest: unreadable configuration: {err}", path=location) from None
    # The signature and LSH settings are stored twice (flat, and in the configuration): when the
    # two disagree, the manifest was edited or damaged, and no setting can be trusted.
    clash = [key for key, value in derived.items() if manifest.get(key) != value]
    if clash:
        raise IndexDamaged(
            f"manifest: {', '.join(clash)} disagree with its own configuration", path=location
        )
    return config


def _flat(manifest: dict[str, Any]) -> dict[str, Any]:
    """Settings by name; the LSH shape actually used wins over ``lsh.bands``/``rows`` (None = optimal)."""
    flat: dict[str, Any] = {}
    for group, values in (manifest.get("config") or {}).items():
        if isinstance(values, dict):
            flat.update(
                {
                    name: value
                    for name, value in values.items()
                    if (group, name) not in _RUNTIME_ONLY
                }
            )
    flat.update(
        {
            key: value
            for key, value in manifest.items()
            if key not in ("config", "created", "created_by", "learned")
        }
    )
    return flat


def differences(stored: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    """Human-readable differences between the stored manifest and the one asked for."""
    a, b = _flat(stored), _flat(wanted)
    out = []
    for key in sorted(set(a) | set(b), key=lambda k: (k not in ("num_perm", "seed", "scheme"), k)):
        if key == "fingerprint":
            continue
        left, right = a.get(key), b.get(key)
        if isinstance(left, (list, tuple)) or isinstance(right, (list, tuple)):
            left, right = list(left or []), list(right or [])
        if left != right:
            out.append(f"{key}: the index has {left!r}, asked for {right!r}")
    return out


def check_manifest(stored: dict[str, Any], wanted: dict[str, Any], location: str) -> None:
    """Raise unless the stored manifest matches the one asked for.

    Raises:
        IndexConfigMismatch: Listing what differs and how to proceed.
    """
    diffs = differences(stored, wanted)
    if diffs:
        shown = "; ".join(diffs[:4]) + (f"; and {len(diffs) - 4} more" if len(diffs) > 4 else "")
        raise IndexConfigMismatch(
            f"index was built with another configuration ({shown}); open it without those options to use "
            "its own, or build a new index",
            path=location,
        )
