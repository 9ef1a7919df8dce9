"""Old module paths (before 0.2.0) still import, with a DeprecationWarning naming the new one.

Why: the modules moved into subpackages that follow the pipeline (``text``,
``sketch``, ``judge``, ``batch``, ``evaluate``); code written against
``newsdedup.verify`` and the like keeps working for one more release and is
told where the module went, instead of failing or changing silently.

Example:
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     import newsdedup.shingle as old
    >>> old.__name__, "newsdedup.sketch.shingle" in str(caught[0].message)
    ('newsdedup.sketch.shingle', True)
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import ModuleType

MOVED_MODULES = {
    "newsdedup.boilerplate": "newsdedup.text.boilerplate",
    "newsdedup.candidates": "newsdedup.sketch.candidates",
    "newsdedup.cluster": "newsdedup.judge.cluster",
    "newsdedup.compare": "newsdedup.judge.compare",
    "newsdedup.corpus": "newsdedup.batch.corpus",
    "newsdedup.evaluate_io": "newsdedup.evaluate.gold",
    "newsdedup.explain": "newsdedup.judge.explain",
    "newsdedup.featurize": "newsdedup.sketch.featurize",
    "newsdedup.index.judge": "newsdedup.index.lookup",
    "newsdedup.io.report": "newsdedup.io.counters",
    "newsdedup.learned": "newsdedup.text.learn",
    "newsdedup.normalize": "newsdedup.text.normalize",
    "newsdedup.pipeline": "newsdedup.batch.pipeline",
    "newsdedup.report": "newsdedup.io.render",
    "newsdedup.result": "newsdedup.batch.assemble",
    "newsdedup.shingle": "newsdedup.sketch.shingle",
    "newsdedup.sign": "newsdedup.sketch.sign",
    "newsdedup.spool": "newsdedup.batch.spool",
    "newsdedup.tfidf": "newsdedup.judge.tfidf",
    "newsdedup.tokenize": "newsdedup.text.tokenize",
    "newsdedup.verify": "newsdedup.judge.verify",
}


class _MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds an old module name and hands back the module at its new path."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in MOVED_MODULES:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        new_name = MOVED_MODULES[spec.name]
        warnings.warn(
            f"{spec.name} moved to {new_name}; the old path goes away in a later release",
            DeprecationWarning,
            stacklevel=3,
        )
        module = importlib.import_module(new_name)
        sys.modules[spec.name] = module
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the module at the new path is already executed."""


def install() -> None:
    """Register the finder once (idempotent)."""
    if not any(isinstance(finder, _MovedModuleFinder) for finder in sys.meta_path):
        sys.meta_path.append(_MovedModuleFinder())
