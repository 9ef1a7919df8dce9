"""Train a relation model on labelled pairs, with grouped cross-validation.

Why cross-validated, and grouped: a model is judged on pairs it never saw.
Pairs that share a ``group`` (the two halves of one COUNTER pair, the copies
of one synthetic dispatch, the issues of one template series) always fall in
the same fold, so a fold's figures come from a model trained without any of
them. The figures are those of the *whole decision* (near and partial
thresholds, the model, the figure guard), and each fold's probability
threshold is chosen on its own training pairs only.

The gold-pairs file (JSONL), one pair per line::

    {"a": {"id": "d1", "text": "...", "title": "...", "published": "2014-12-01"},
     "b": {"id": "s1", "text": "..."},
     "label": 1, "kind": "WD", "group": "0001"}

``a`` and ``b`` are articles as ``newsdedup scan`` reads them (``text``
required). ``label``: 1 / ``true`` / ``"copy"`` when one is a copy, rewrite
or partial copy of the other; 0 / ``false`` / ``"distinct"`` when not;
``null`` to only report the pair (it is scored, never trained on). ``kind``
(optional) is any name the evaluation tables report flag rates by; ``group``
(optional, default: the line) keeps pairs together in one fold. TF-IDF
weights come from all the file's texts.

scikit-learn is needed here only; scoring reads the saved JSON with numpy.

Example:
    >>> ts = TrainingSet.from_pairs(toy_pairs())  # doctest: +SKIP
    >>> model = fit(ts, folds=3)  # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..config import DetectorConfig
from ..errors import InputError, ModelError
from ..io.fields import FieldMap, article_from_record
from ..models import Article
from .decide import decide
from .features import FEATURE_NAMES, feature_matrix, pair_scores
from .model import RelationModel
from .verify import PairScores, is_flagged, relation_codes

__all__ = ["GoldPair", "TrainingSet", "cross_validate", "fit", "read_gold_pairs", "train"]

#: Fewest examples of each class (copies, non-copies) a model is trained on.
MIN_PER_CLASS = 10
#: Fewest distinct groups per fold.
MIN_FOLDS = 2
#: Weight of the pairs the thresholds decide (near, partial, under the floors)
#: in the fit: the model learns the pairs between the thresholds, yet its
#: probability stays sensible for the others.
OUTSIDE_WEIGHT = 0.1
#: Thresholds tried when choosing the probability bar.
GRID = np.round(np.arange(0.02, 0.99, 0.01), 2)
#: Label values accepted (1 and 0 are the same keys as True and False).
_LABELS = {True: 1, False: 0, "copy": 1, "distinct": 0, None: None}


@dataclass(frozen=True)
class GoldPair:
    """Two articles and whether one copies the other (None: report only)."""

    a: Article
    b: Article
    label: int | None
    kind: str = ""
    group: str = ""


@dataclass
class TrainingSet:
    """Scored pairs ready to train on: scores, feature rows, labels, kinds, groups."""

    scores: PairScores
    rows: np.ndarray
    labels: np.ndarray  # 1, 0, or -1 (report only)
    kinds: np.ndarray
    groups: np.ndarray

    @classmethod
    def from_pairs(
        cls, pairs: Sequence[GoldPair], config: DetectorConfig | None = None
    ) -> TrainingSet:
        """Score gold pairs with the verifier (IDF from all their texts)."""
        index: dict[tuple[str, str], int] = {}
        articles: list[Article] = []
        where: list[tuple[int, int]] = []
        for p in pairs:
            ends = []
            for art in (p.a, p.b):
                key = (art.id, art.full_text)
                if key not in index:
                    index[key] = len(articles)
                    articles.append(art)
                ends.append(index[key])
            where.append((ends[0], ends[1]))
        s = pair_scores(articles, where, config)
        return cls.of(s, pairs)

    @classmethod
    def of(cls, s: PairScores, pairs: Sequence[GoldPair]) -> TrainingSet:
        labels = np.array([-1 if p.label is None else p.label for p in pairs], np.int8)
        kinds = np.array([p.kind or ("copy" if p.label else "distinct") for p in pairs])
        groups = np.array([p.group or f"#{i}" for i, p in enumerate(pairs)])
        return cls(s, feature_matrix(s), labels, kinds, groups)

    @classmethod
    def join(cls, parts: Sequence[TrainingSet]) -> TrainingSet:
        """Training sets scored separately (each with its own IDF), as one."""
        return cls(
            PairScores.concat([p.scores for p in parts]),
            np.vstack([p.rows for p in parts]),
            np.concatenate([p.labels for p in parts]),
            np.concatenate([p.kinds for p in parts]),
            np.concatenate([p.groups for p in parts]),
        )

    def check(self) -> None:
        """Refuse to train on too few examples of a class.

        Raises:
            ModelError: Fewer than :data:`MIN_PER_CLASS` copies or non-copies.
        """
        for label, name in ((1, "copies (label 1)"), (0, "non-copies (label 0)")):
            n = int(np.sum(self.labels == label))
            if n < MIN_PER_CLASS:
                raise ModelError(
                    f"too few {name} to train on: {n}, at least {MIN_PER_CLASS} needed"
                )


def _fold_of(groups: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """Fold number of every pair: groups shuffled with ``seed``, dealt out in turn."""
    unique = np.unique(groups)
    if len(unique) < folds:
        raise ModelError(f"{len(unique)} groups cannot fill {folds} folds")
    order = np.random.default_rng(seed).permutation(len(unique))
    fold_of_group = np.empty(len(unique), np.int64)
    fold_of_group[order] = np.arange(len(unique)) % folds
    return fold_of_group[np.searchsorted(unique, groups)]


def _logistic(
    rows: np.ndarray, labels: np.ndarray, weights: np.ndarray, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Scaler and logistic-regression coefficients (classes weighed equally)."""
    from sklearn.linear_model import LogisticRegression

    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale = np.where(scale > 1e-12, scale, 1.0)
    lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000, random_state=seed)
    lr.fit((rows - mean) / scale, labels, sample_weight=weights)
    return mean, scale, lr.coef_[0].astype(np.float64), float(lr.intercept_[0])


def _flags_at(
    ts: TrainingSet, keep: np.ndarray, model: RelationModel, config: DetectorConfig, t: float
) -> np.ndarray:
    """Which pairs of ``keep`` the full decision flags with ``model`` at probability bar ``t``."""
    s = ts.scores.take(keep)
    s.probability = np.where(s.exact, 1.0, model.probability(ts.rows[keep]))
    cfg = replace(config, verify=replace(config.verify, relation_threshold=float(t)))
    return is_flagged(relation_codes(s, cfg, model))


def _choose_threshold(
    ts: TrainingSet, keep: np.ndarray, model: RelationModel, config: DetectorConfig, max_fp: float
) -> float:
    """Lowest bar at which no kind of non-copy is flagged more often than ``max_fp`` (most recall).

    Per kind, not overall: many easy negatives (unrelated articles) would
    otherwise hide a kind that is merged often (same-topic stories).
    """
    negatives = ts.labels[keep] == 0
    kinds = ts.kinds[keep]
    groups = [negatives & (kinds == k) for k in np.unique(kinds[negatives])]
    for t in GRID:
        flags = _flags_at(ts, keep, model, config, t)
        if all(np.mean(flags[g]) <= max_fp for g in groups):
            return float(t)
    return float(GRID[-1])


def decided_by_model(s: PairScores, config: DetectorConfig) -> np.ndarray:
    """Pairs the model decides: below the near and partial bars, above the floors."""
    sure = PairScores.take(s, np.arange(len(s)))
    sure.probability = np.ones(len(s))
    v = replace(config.verify, relation_threshold=0.5)
    return decide(sure, v, RelationModel.flat(), True).learned


def _model(ts: TrainingSet, keep: np.ndarray, config: DetectorConfig, max_fp: float, seed: int):
    """Fit on the labelled pairs the model decides; bar chosen on all labelled pairs of ``keep``.

    Why only those: pairs at or above the near and partial bars are copies
    by rule, and pairs under the floors never reach the model; easy pairs
    would only tell it that overlap means copy.
    """
    labelled = keep[ts.labels[keep] >= 0]
    region = decided_by_model(ts.scores.take(labelled), config)
    if len(np.unique(ts.labels[labelled[region]])) < 2:
        raise ModelError("the pairs between the thresholds hold only one class: nothing to learn")
    weights = np.where(region, 1.0, OUTSIDE_WEIGHT)
    mean, scale, coef, intercept = _logistic(ts.rows[labelled], ts.labels[labelled], weights, seed)
    model = RelationModel(FEATURE_NAMES, mean, scale, coef, intercept, 0.5)
    model.threshold = _choose_threshold(ts, labelled, model, config, max_fp)
    return model


def cross_validate(
    ts: TrainingSet,
    folds: int = 5,
    seed: int = 0,
    max_fp: float = 0.02,
    config: DetectorConfig | None = None,
) -> dict[str, Any]:
    """Out-of-fold probabilities, flags and figures of the whole decision.

    Returns:
        ``{"probability", "flagged", "fold"}`` (arrays, one value per pair),
        ``"models"`` (one per fold) and ``"figures"`` (:func:`evaluation`).
    """
    config = config or DetectorConfig()
    ts.check()
    fold = _fold_of(ts.groups, folds, seed)
    probability = np.zeros(len(ts.labels))
    flagged = np.zeros(len(ts.labels), bool)
    thresholds, models = [], []
    for k in range(folds):
        train_rows, test_rows = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        model = _model(ts, train_rows, config, max_fp, seed)
        probability[test_rows] = model.probability(ts.rows[test_rows])
        flagged[test_rows] = _flags_at(ts, test_rows, model, config, model.threshold)
        thresholds.append(model.threshold)
        models.append(model)
    figures = evaluation(ts, flagged)
    figures.update(folds=folds, seed=seed, max_false_positive=max_fp, thresholds=thresholds)
    return {
        "probability": probability,
        "flagged": flagged,
        "fold": fold,
        "models": models,
        "figures": figures,
    }


def evaluation(ts: TrainingSet, flagged: np.ndarray) -> dict[str, Any]:
    """Precision, recall, F1 and false-positive rate over labelled pairs, flag rate by kind."""
    labelled = ts.labels >= 0
    y, f = ts.labels[labelled] == 1, flagged[labelled]
    tp, fp = int(np.sum(f & y)), int(np.sum(f & ~y))
    precision = tp / max(tp + fp, 1)
    recall = tp / max(int(y.sum()), 1)
    kinds = {}
    for kind in sorted(set(ts.kinds.tolist())):
        mask = ts.kinds == kind
        kinds[kind] = {"pairs": int(mask.sum()), "flagged": round(float(flagged[mask].mean()), 4)}
    return {
        "pairs": int(labelled.sum()),
        "copies": int(y.sum()),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(2 * precision * recall / max(precision + recall, 1e-12), 4),
        "false_positive_rate": round(fp / max(int((~y).sum()), 1), 4),
        "kinds": kinds,
    }


def fit(
    ts: TrainingSet,
    folds: int = 5,
    seed: int = 0,
    max_fp: float = 0.02,
    config: DetectorConfig | None = None,
    summary: dict[str, Any] | None = None,
) -> RelationModel:
    """A model trained on every labelled pair, with its cross-validated figures recorded.

    Raises:
        ModelError: Too few examples of a class, or too few groups for the folds.
    """
    config = config or DetectorConfig()
    cv = cross_validate(ts, folds, seed, max_fp, config)
    model = _model(ts, np.arange(len(ts.labels)), config, max_fp, seed)
    model.training = {
        "pairs": int(np.sum(ts.labels >= 0)),
        "copies": int(np.sum(ts.labels == 1)),
        "report_only": int(np.sum(ts.labels < 0)),
        "fitted_on": int(np.sum(decided_by_model(ts.scores, config) & (ts.labels >= 0))),
        "model": "logistic regression (scikit-learn, C=1, balanced classes)",
        **(summary or {}),
    }
    model.cross_validation = cv["figures"]
    return model


def _label(value: Any, where: str, line: int) -> int | None:
    try:
        return _LABELS[value]
    except (KeyError, TypeError):
        raise InputError(
            f'label must be 1, 0, true, false, "copy", "distinct" or null, not {value!r}',
            path=where,
            line=line,
        ) from None


def read_gold_pairs(path: str | Path) -> list[GoldPair]:
    """The pairs of a gold-pairs JSONL file (format in the module docstring).

    Raises:
        InputError: Missing file, a line that is not JSON, a pair without
            ``a``, ``b`` or a valid ``label`` (the message gives the line).
    """
    where = str(path)
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError("gold pairs file not found", path=where) from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read: {err}", path=where) from None
    pairs = []
    fields = FieldMap()
    for n, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError(f"not JSON: {err.msg}", path=where, line=n) from None
        if not isinstance(record, dict) or "a" not in record or "b" not in record:
            raise InputError('a pair needs "a" and "b" articles', path=where, line=n)
        if "label" not in record:
            raise InputError('a pair needs a "label"', path=where, line=n)
        a = article_from_record(record["a"], fields, f"{where}:{n}")
        b = article_from_record(record["b"], fields, f"{where}:{n}")
        pairs.append(
            GoldPair(
                a,
                b,
                _label(record["label"], where, n),
                str(record.get("kind") or ""),
                str(record.get("group") or f"line {n}"),
            )
        )
    if not pairs:
        raise InputError("no pairs in the file", path=where)
    return pairs


def train(
    pairs: Iterable[GoldPair] | str | Path,
    folds: int = 5,
    seed: int = 0,
    max_fp: float = 0.02,
    config: DetectorConfig | None = None,
) -> RelationModel:
    """Train a relation model on gold pairs (a list, or a gold-pairs JSONL path).

    Example:
        >>> model = train("gold_pairs.jsonl")  # doctest: +SKIP
        >>> model.save("model.json")  # doctest: +SKIP
    """
    items = read_gold_pairs(pairs) if isinstance(pairs, (str, Path)) else list(pairs)
    ts = TrainingSet.from_pairs(items, config)
    return fit(ts, folds, seed, max_fp, config)
