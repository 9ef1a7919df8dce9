"""The relation decision: thresholds where they are sure, the learned model in between.

Why both: a pair whose shingles are 80% the same is a copy however it was
reworded, and a user who sets ``--near`` or ``--partial`` expects that to
hold. Below those bars, rewrites and heavily edited copies differ from
same-topic articles by a mix of signals (TF-IDF cosine, shared 3-word
phrases, containment both ways, figures, lengths, publication gap) that no
single threshold separates; the relation model
(:mod:`newsdedup.judge.model`) weighs them, trained on labelled pairs.

The rule, for each scored pair:

* ``near``: shingle Jaccard ≥ ``near_jaccard``;
* ``partial``: containment ≥ ``partial_containment`` (and the smaller text
  has at least 8 shingles);
* otherwise (texts of 40 shingles or more) a copy when the model's
  probability ≥ ``relation_threshold``
  (the model's own threshold unless overridden), the TF-IDF cosine ≥
  ``rewrite_cosine`` and the shared 3-word phrases ≥ ``rewrite_containment``
  (floors below which the model is not asked: a scan verifies millions of
  unrelated pairs); named ``partial`` when at least half of the smaller text
  is contained in the other, else ``rewrite``.

A pair the model rejects but would accept were its figures the same (all
agreeing, none differing), that keeps much of the wording (30% of the
shorter text's shingles), is a *look-alike*: a template. The figure guard
(:func:`newsdedup.judge.verify.relation_codes`) also turns copies by rule
whose text differs only in figures into templates.

Example:
    >>> import numpy as np
    >>> from newsdedup.config import VerifyConfig
    >>> from newsdedup.judge.model import load_model
    >>> from newsdedup.judge.verify import PairScores
    >>> one = lambda x: np.array([x])
    >>> s = PairScores(one(0.3), one(0.55), one(0.8), one(0.5), one(1.0), one(1.0), one(False),
    ...                one(120), one(False), probability=one(0.97))
    >>> d = decide(s, VerifyConfig(), load_model(), True)
    >>> bool(d.near[0]), bool(d.partial[0]), bool(d.learned[0])
    (False, True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .features import FEATURE_NAMES, feature_matrix

if TYPE_CHECKING:
    from ..config import VerifyConfig
    from .model import RelationModel
    from .verify import PairScores

__all__ = [
    "LEARNED_PARTIAL",
    "MIN_LEARNED_SHINGLES",
    "MIN_SHINGLES",
    "Decision",
    "decide",
    "learned_reason",
]

#: A text of fewer shingles than this is too short to call a copy of another.
MIN_SHINGLES = 8
FIGURES = FEATURE_NAMES.index("figures")
FIGURES_ONLY = FEATURE_NAMES.index("figures_only")
#: A text of fewer shingles than this is too short for the model to judge:
#: short wire items (dividends, earnings tables) share their fixed wording by design.
MIN_LEARNED_SHINGLES = 40
#: A look-alike (template) keeps the wording: at least this share of the
#: smaller text's shingles are in the other, and some figure differs.
LOOK_ALIKE_CONTAINMENT = 0.3
#: A copy the model finds is named ``partial`` when at least this share of the
#: smaller text is contained in the other, else ``rewrite``.
LEARNED_PARTIAL = 0.5


@dataclass
class Decision:
    """Which pairs are copies, by relation (boolean arrays; ``learned``: decided by the model)."""

    near: np.ndarray
    partial: np.ndarray
    rewrite: np.ndarray
    learned: np.ndarray
    threshold: float
    look_alike: np.ndarray  # not copies, but would be were their figures the same: templates


def threshold_of(v: VerifyConfig, model: RelationModel) -> float:
    """The probability bar in force: the override, else the model's own."""
    return v.relation_threshold if v.relation_threshold is not None else model.threshold


def decide(s: PairScores, v: VerifyConfig, model: RelationModel, learned_ok: bool) -> Decision:
    """Near, partial and rewrite pairs of scored pairs (before the figure guard).

    Args:
        learned_ok: Whether the model may add copies (not in character-shingle
            mode, nor with the rewrite pass switched off).
    """
    threshold = threshold_of(v, model)
    long_enough = s.n_shingles >= MIN_SHINGLES
    near = s.jaccard >= v.near_jaccard
    partial = ~near & (s.containment >= v.partial_containment) & long_enough
    judged = s.n_shingles >= MIN_LEARNED_SHINGLES
    learned = (
        ~near
        & ~partial
        & judged
        & (s.probability >= threshold)
        & (s.cosine >= v.rewrite_cosine)
        & (s.phrases >= v.rewrite_containment)
    )
    if not learned_ok:
        learned[:] = False
    look_alike = np.zeros(len(s), bool)
    asked = (
        ~near
        & ~partial
        & ~learned
        & judged
        & (s.cosine >= v.rewrite_cosine)
        & (s.containment >= LOOK_ALIKE_CONTAINMENT)
        & ((s.figures < 1.0) | (s.numbers < 1.0))
    )
    if learned_ok and asked.any():
        rows = feature_matrix(s.take(np.flatnonzero(asked)))
        rows[:, FIGURES] = 1.0
        rows[:, FIGURES_ONLY] = 0.0
        look_alike[asked] = model.probability(rows) >= threshold
    learned_partial = learned & (s.containment >= LEARNED_PARTIAL)
    return Decision(
        near, partial | learned_partial, learned & ~learned_partial, learned, threshold, look_alike
    )


def learned_reason(s: PairScores, i: int, v: VerifyConfig, model: RelationModel) -> str:
    """Why the model called pair ``i`` a copy: its probability and the features that weighed most."""
    row = feature_matrix(s.take(np.array([i])))[0]
    why = ", ".join(model.deciding(row, toward=True)) or "no single feature"
    return (
        f"relation model: probability {s.probability[i]:.2f} >= {threshold_of(v, model):.2f}, "
        f"decided by {why}"
    )


def unlearned_reason(s: PairScores, i: int, v: VerifyConfig, model: RelationModel) -> str:
    """Why the model did not call pair ``i`` a copy, in words."""
    threshold = threshold_of(v, model)
    if s.n_shingles[i] < MIN_LEARNED_SHINGLES:
        return (
            f"too short to judge as a rewrite ({s.n_shingles[i]} < {MIN_LEARNED_SHINGLES} shingles)"
        )
    if s.cosine[i] < v.rewrite_cosine:
        return f"cosine {s.cosine[i]:.2f} < {v.rewrite_cosine:.2f}"
    if s.phrases[i] < v.rewrite_containment:
        return f"{s.phrases[i]:.0%} of 3-word phrases shared (< {v.rewrite_containment:.0%})"
    against = ", ".join(model.deciding(feature_matrix(s.take(np.array([i])))[0], toward=False))
    return f"relation model probability {s.probability[i]:.2f} < {threshold:.2f}" + (
        f" (held back by {against})" if against else ""
    )
