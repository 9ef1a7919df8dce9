"""newsdedup: find exact, near-duplicate, partially copied and rewritten news articles.

The public API, loaded on first use so that ``import newsdedup`` (and the CLI's
``--help``) does not pay for scikit-learn and the compiled kernels.

Example:
    >>> import newsdedup as nd
    >>> result = nd.scan([{"id": "a", "text": "Ministers met in Brussels on Tuesday to talk."},
    ...                   {"id": "b", "text": "Ministers met in Brussels on Tuesday to talk."}])
    >>> [(c.original, c.members[0].id, c.members[0].relation.value) for c in result.clusters]
    [('a', 'b', 'exact')]
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import _moved

if TYPE_CHECKING:
    __version__: str
    from .api import DedupResult, dedup, scan
    from .batch.pipeline import Detector
    from .config import DetectorConfig
    from .errors import NewsDedupError
    from .io import read_articles
    from .judge.compare import Comparison, compare
    from .models import Article, Cluster, Match, Member, Relation, Result, Scores

_LAZY = {
    "Article": "newsdedup.models",
    "Cluster": "newsdedup.models",
    "DedupResult": "newsdedup.api",
    "Comparison": "newsdedup.judge.compare",
    "Detector": "newsdedup.batch.pipeline",
    "DetectorConfig": "newsdedup.config",
    "Match": "newsdedup.models",
    "Member": "newsdedup.models",
    "NewsDedupError": "newsdedup.errors",
    "Relation": "newsdedup.models",
    "Result": "newsdedup.models",
    "Scores": "newsdedup.models",
    "compare": "newsdedup.judge.compare",
    "dedup": "newsdedup.api",
    "read_articles": "newsdedup.io",
    "scan": "newsdedup.api",
}

__all__ = [
    "Article",
    "Cluster",
    "Comparison",
    "DedupResult",
    "Detector",
    "DetectorConfig",
    "Match",
    "Member",
    "NewsDedupError",
    "Relation",
    "Result",
    "Scores",
    "__version__",
    "compare",
    "dedup",
    "read_articles",
    "scan",
]

_moved.install()


def _version() -> str:
    # importlib.metadata takes ~0.1 s to import: only paid when the version is asked for.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsdedup")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()[name] = value = _version()
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'newsdedup' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
