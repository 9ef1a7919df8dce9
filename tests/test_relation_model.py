"""The relation model: its file, numpy scoring, training, and the shipped model's recorded figures."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from newsdedup import compare
from newsdedup.errors import ModelError
from newsdedup.judge.features import FEATURE_NAMES
from newsdedup.judge.model import MODEL_FORMAT, RelationModel, load_model
from newsdedup.judge.train import GoldPair, TrainingSet, fit, read_gold_pairs, train
from newsdedup.models import Article

SHARED_DATA = Path(
    os.environ.get("NEWSDEDUP_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


def test_shipped_model_is_versioned_json_with_its_figures():
    model = load_model()
    assert model.features == FEATURE_NAMES and model.version == MODEL_FORMAT
    assert 0.0 < model.threshold < 1.0
    assert {"WD", "ND", "PD"} <= set(model.cross_validation["kinds"])
    assert model.cross_validation["folds"] >= 2


def test_numpy_scoring_equals_scikit_learn():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(3)
    rows = rng.normal(size=(200, len(FEATURE_NAMES)))
    labels = (rows[:, 0] + 0.5 * rows[:, 3] + rng.normal(scale=0.5, size=200) > 0).astype(int)
    lr = LogisticRegression().fit(rows, labels)
    n = len(FEATURE_NAMES)
    model = RelationModel(
        FEATURE_NAMES, np.zeros(n), np.ones(n), lr.coef_[0], lr.intercept_[0], 0.5
    )
    assert np.allclose(model.probability(rows), lr.predict_proba(rows)[:, 1])


def _write(path: Path, data) -> str:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(version=MODEL_FORMAT + 1), "model version"),
        (lambda d: d.update(coef=d["coef"][:-1]), "'coef' must be"),
        (lambda d: d.update(features=d["features"][::-1]), "features must be"),
        (lambda d: d.update(threshold=1.5), "'threshold'"),
        (lambda d: d.pop("intercept"), "'intercept'"),
        (lambda d: d.update(format="other"), "not a newsdedup relation model"),
    ],
)
def test_a_bad_model_file_is_refused_naming_the_file(tmp_path, change, message):
    data = load_model().to_dict()
    change(data)
    path = _write(tmp_path / "m.json", data)
    with pytest.raises(ModelError, match=message) as err:
        load_model(path)
    assert str(err.value).startswith(path + ": ")


def test_a_missing_or_non_json_model_file_is_refused(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        load_model(str(tmp_path / "none.json"))
    with pytest.raises(ModelError, match="not JSON"):
        load_model(_write(tmp_path / "bad.json", "{oops"))


# A toy set: dispatches, reworded copies and other stories on the same topic.
_TEXT = (
    "the central bank raised its key rate by a quarter point on tuesday citing inflation that "
    "stayed above target for a third month while growth slowed and unemployment edged higher "
    "ministers said the budget would be revised in the autumn after tax receipts fell short of "
    "forecasts and spending on energy subsidies rose sharply during the winter months"
)
_WORDS = _TEXT.split()


def _story(rng: np.random.Generator, n: int = 70) -> str:
    return " ".join(rng.choice(_WORDS, size=n))


def _reword(rng: np.random.Generator, text: str, share: float) -> str:
    words = text.split()
    for i in rng.choice(len(words), size=int(share * len(words)), replace=False):
        words[i] = str(rng.choice(_WORDS))
    return " ".join(words)


def _toy_pairs(n: int = 24) -> list[GoldPair]:
    rng = np.random.default_rng(5)
    pairs = []
    for i in range(n):
        base = _story(rng)
        copy = _reword(rng, base, 0.25)
        pairs.append(GoldPair(Article(f"d{i}", base), Article(f"c{i}", copy), 1, "copy", f"g{i}"))
        other = _reword(rng, base, 0.6)  # the same words, few of the phrases
        pairs.append(GoldPair(Article(f"d{i}", base), Article(f"o{i}", other), 0, "other", f"g{i}"))
    return pairs


def test_training_needs_enough_examples_of_each_class():
    pairs = [p for p in _toy_pairs() if p.label == 0][:12] + [
        p for p in _toy_pairs() if p.label == 1
    ][:3]
    with pytest.raises(ModelError, match="too few copies"):
        train(pairs, folds=3)


def test_train_save_load_gives_the_same_probabilities(tmp_path):
    ts = TrainingSet.from_pairs(_toy_pairs())
    model = fit(ts, folds=3, seed=1)
    assert model.cross_validation["folds"] == 3 and model.training["pairs"] == 48
    path = tmp_path / "model.json"
    model.save(path)
    again = load_model(str(path))
    assert np.allclose(again.probability(ts.rows), model.probability(ts.rows), atol=1e-6)
    assert again.threshold == model.threshold


def test_gold_pairs_file_is_read_and_bad_lines_are_named(tmp_path):
    good = {"a": {"id": "x", "text": "one"}, "b": {"id": "y", "text": "two"}, "label": "copy"}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps({**good, "label": "maybe"}) + "\n")
    with pytest.raises(Exception, match=r"gold.jsonl:2: label must be"):
        read_gold_pairs(path)
    path.write_text(json.dumps(good) + "\n")
    (pair,) = read_gold_pairs(path)
    assert pair.label == 1 and pair.a.id == "x" and pair.group == "line 1"


def test_every_comparison_reports_the_model_probability():
    text = " ".join(_WORDS)
    result = compare(text, text + " officials said")
    assert result.scores.probability is not None
    assert "probability" in result.to_dict()


@pytest.mark.slow
def test_shipped_model_reproduces_its_recorded_cross_validation():
    """Training again on the same data, folds and seeds gives the same model and figures."""
    if not (SHARED_DATA / "counter-dev").is_dir() or not (SHARED_DATA / "bbc").is_dir():
        pytest.skip(f"COUNTER dev or BBC not found under {SHARED_DATA} (set NEWSDEDUP_DATA)")
    from benchmarks.suite.relation_model import train_shipped

    shipped = load_model()
    again = train_shipped(SHARED_DATA, SHARED_DATA / "counter-dev")
    assert again.cross_validation == shipped.cross_validation
    assert again.threshold == shipped.threshold
    # The solver stops at a tolerance: coefficients agree to about 1e-4, not to the last digit.
    assert np.allclose(again.coef, shipped.coef, atol=2e-3)
    assert np.allclose(again.mean, shipped.mean, atol=1e-6)
