"""The relation model: a logistic regression over pair features, stored as JSON, scored in numpy.

Why JSON and numpy: a model file is data a user may download or train
themselves; a pickle would run code when loaded, and scikit-learn is only
needed to *train* (:mod:`newsdedup.judge.train`). A model is a list of
feature names, the scaler (mean and scale of each feature), the
coefficients and intercept, the decision threshold it was tuned for, and
what it was trained and cross-validated on.

Example:
    >>> model = load_model()
    >>> model.features == FEATURE_NAMES, 0.0 < model.threshold < 1.0
    (True, True)
    >>> rows = np.zeros((1, len(FEATURE_NAMES)))
    >>> rows[0, :5] = [0.9, 0.95, 0.9, 0.97, 0.95]  # a near copy
    >>> bool(model.probability(rows)[0] > model.threshold)
    True
"""

from __future__ import annotations

import functools
import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from .features import FEATURE_NAMES

__all__ = ["MODEL_FORMAT", "SHIPPED_MODEL", "RelationModel", "load_model"]

#: Version of the file format; a file of another version is refused.
MODEL_FORMAT = 1
#: The model shipped inside the package (``newsdedup/judge/relation_model.json``).
SHIPPED_MODEL = "relation_model.json"

#: The features that say how much the two texts share.
OVERLAP_FEATURES = (
    "jaccard",
    "containment",
    "containment_larger",
    "cosine",
    "phrases",
    "word_pairs",
    "words",
)
_PRETTY = {
    "jaccard": "jaccard",
    "containment": "containment",
    "containment_larger": "containment of the longer text",
    "cosine": "tf-idf cosine",
    "phrases": "3-word phrases shared",
    "word_pairs": "2-word phrases shared",
    "words": "words shared",
    "figures": "figures agreeing",
    "figures_only": "share differing only in figures",
    "log_shingles_small": "length of the shorter text",
    "log_shingles_large": "length of the longer text",
    "length_ratio": "length ratio",
    "overlap_copy": "overlap alone",
}


@dataclass
class RelationModel:
    """A trained relation model (see the module docstring for the file layout)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    training: dict[str, Any] = field(default_factory=dict)
    cross_validation: dict[str, Any] = field(default_factory=dict)
    version: int = MODEL_FORMAT
    path: str = ""

    @classmethod
    def flat(cls, threshold: float = 0.5) -> RelationModel:
        """A model that gives every pair probability 0.5 (to ask what the thresholds alone decide)."""
        n = len(FEATURE_NAMES)
        return cls(FEATURE_NAMES, np.zeros(n), np.ones(n), np.zeros(n), 0.0, threshold)

    def probability(self, rows: np.ndarray) -> np.ndarray:
        """Probability that each row of features is a copy (one row per pair)."""
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -500.0, 500.0)))

    def deciding(self, row: np.ndarray, top: int = 2, toward: bool = True) -> list[str]:
        """The features that pushed one pair most toward (or against) a copy, in words.

        Toward a copy, only the overlap features are named (what the texts
        share); against it, any feature (a figure that differs, a length).
        """
        push = (row - self.mean) / self.scale * self.coef
        if toward:
            push = np.where([f in OVERLAP_FEATURES for f in self.features], push, -np.inf)
        order = np.argsort(-push if toward else push)[:top]
        return [
            _describe(self.features[i], float(row[i]))
            for i in order
            if (push[i] > 0 if toward else push[i] < 0)
        ]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("path")
        for name in ("mean", "scale", "coef"):
            data[name] = [round(float(x), 8) for x in getattr(self, name)]
        data["features"] = list(self.features)
        return {"format": "newsdedup-relation-model", **data}

    def save(self, path: str | Path) -> None:
        """Write the model as JSON (via a temporary file, so no half-written model is left)."""
        target = Path(path)
        tmp = target.with_name(target.name + ".tmp")
        try:
            tmp.write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")
            tmp.replace(target)
        except OSError as err:
            tmp.unlink(missing_ok=True)
            raise ModelError(f"cannot write the model: {err.strerror}", path=str(path)) from None


def _describe(name: str, value: float) -> str:
    pretty = _PRETTY.get(name, name)
    if name.startswith("log_"):
        return f"{pretty} {np.expm1(value):.0f} shingles"
    return f"{pretty} {value:.2f}"


def _vector(data: dict[str, Any], name: str, n: int, where: str) -> np.ndarray:
    value = np.asarray(data.get(name), dtype=np.float64)
    if value.shape != (n,) or not np.all(np.isfinite(value)):
        raise ModelError(f"'{name}' must be {n} finite numbers", path=where)
    return value


def from_dict(data: Any, where: str = "<model>") -> RelationModel:
    """Check and rebuild a model saved with :meth:`RelationModel.to_dict`.

    Raises:
        ModelError: Another format or version, or a missing or malformed field.
    """
    if not isinstance(data, dict) or data.get("format") != "newsdedup-relation-model":
        raise ModelError("not a newsdedup relation model", path=where)
    if data.get("version") != MODEL_FORMAT:
        raise ModelError(
            f"model version {data.get('version')!r}, this newsdedup reads version {MODEL_FORMAT}",
            path=where,
        )
    features = data.get("features")
    if not isinstance(features, list) or tuple(features) != FEATURE_NAMES:
        raise ModelError(f"features must be {', '.join(FEATURE_NAMES)} in that order", path=where)
    n = len(FEATURE_NAMES)
    scale = _vector(data, "scale", n, where)
    if np.any(scale <= 0):
        raise ModelError("'scale' must be positive", path=where)
    try:
        intercept, threshold = float(data["intercept"]), float(data["threshold"])
    except (KeyError, TypeError, ValueError):
        raise ModelError("'intercept' and 'threshold' must be numbers", path=where) from None
    if not 0.0 < threshold < 1.0 or not np.isfinite(intercept):
        raise ModelError("'threshold' must be strictly between 0 and 1", path=where)
    return RelationModel(
        FEATURE_NAMES,
        _vector(data, "mean", n, where),
        scale,
        _vector(data, "coef", n, where),
        intercept,
        threshold,
        dict(data.get("training") or {}),
        dict(data.get("cross_validation") or {}),
        MODEL_FORMAT,
        where,
    )


@functools.lru_cache(maxsize=8)
def load_model(path: str | None = None) -> RelationModel:
    """The model in ``path`` (a JSON file), or the one shipped with newsdedup when None.

    Raises:
        ModelError: The file is missing, unreadable, not JSON, of another
            version or malformed; the message names the file.
    """
    if path is None:
        ref = resources.files("newsdedup.judge").joinpath(SHIPPED_MODEL)
        where, text = str(ref), ref.read_text(encoding="utf-8")
    else:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ModelError("model file not found", path=where) from None
        except (OSError, UnicodeDecodeError) as err:
            raise ModelError(f"cannot read the model: {err}", path=where) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ModelError(f"not JSON (line {err.lineno}: {err.msg})", path=where) from None
    return from_dict(data, where)
