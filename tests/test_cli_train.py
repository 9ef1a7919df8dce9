"""``newsdedup train`` and ``--relation-model``: a user's own model, its figures, its bad files."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from newsdedup.cli import app
from newsdedup.judge.model import load_model

runner = CliRunner()

_TEXT = (
    "the central bank raised its key rate by a quarter point on tuesday citing inflation that "
    "stayed above target for a third month while growth slowed and unemployment edged higher "
    "ministers said the budget would be revised in the autumn after tax receipts fell short of "
    "forecasts and spending on energy subsidies rose sharply during the winter months"
)
_WORDS = _TEXT.split()


def run(*args: str):
    return runner.invoke(app, list(args))


def _reword(rng: np.random.Generator, words: list[str], share: float) -> list[str]:
    out = list(words)
    for i in rng.choice(len(out), size=int(share * len(out)), replace=False):
        out[i] = str(rng.choice(_WORDS))
    return out


@pytest.fixture()
def gold(tmp_path):
    """24 dispatches, each with a reworded copy (label 1) and a same-words other story (label 0)."""
    rng = np.random.default_rng(11)
    lines = []
    for i in range(24):
        base = list(rng.choice(_WORDS, size=70))
        for label, share in ((1, 0.25), (0, 0.6)):
            lines.append(
                {
                    "a": {"id": f"d{i}", "text": " ".join(base)},
                    "b": {"id": f"x{i}-{label}", "text": " ".join(_reword(rng, base, share))},
                    "label": label,
                    "group": f"g{i}",
                }
            )
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def test_train_writes_a_model_and_prints_cross_validated_tables(gold, tmp_path):
    out = tmp_path / "model.json"
    result = run("train", str(gold), "-o", str(out), "--folds", "3")
    assert result.exit_code == 0, result.output
    assert "cross-validated (3 grouped folds" in result.stdout
    assert "precision" in result.stdout and "copy" in result.stdout
    model = load_model(str(out))
    assert model.training["pairs"] == 48 and model.cross_validation["folds"] == 3


def test_train_json_report(gold, tmp_path):
    result = run("train", str(gold), "-o", str(tmp_path / "m.json"), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report["cross_validation"]["kinds"]) == {"copy", "distinct"}


def test_train_refuses_too_few_examples_of_a_class(gold, tmp_path):
    lines = gold.read_text().splitlines()
    copies = [x for x in lines if json.loads(x)["label"] == 1][:4]
    gold.write_text("\n".join([*copies, *lines[1::2]]) + "\n")
    out = tmp_path / "m.json"
    result = run("train", str(gold), "-o", str(out))
    assert result.exit_code == 2
    assert "too few copies" in result.stderr and result.stderr.count("\n") == 1
    assert not out.exists()


def test_scan_uses_a_model_given_and_reports_its_probability(gold, tmp_path):
    model = tmp_path / "model.json"
    assert run("train", str(gold), "-o", str(model), "--folds", "3").exit_code == 0
    articles = tmp_path / "articles.jsonl"
    texts = [json.loads(x) for x in gold.read_text().splitlines()[:2]]
    records = [texts[0]["a"], texts[0]["b"], texts[1]["b"]]
    articles.write_text("".join(json.dumps(r) + "\n" for r in records))
    result = run("pairs", str(articles), "--relation-model", str(model), "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and all(0.0 <= float(r["probability"]) <= 1.0 for r in rows)


@pytest.mark.parametrize("command", ["scan", "pairs", "dedup"])
def test_a_missing_model_file_is_one_error_line(command, tmp_path, seed_paths):
    missing = tmp_path / "none.json"
    result = run(command, str(seed_paths[0]), "--relation-model", str(missing))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {missing}: model file not found"


def test_a_model_of_another_version_is_refused_by_compare(tmp_path, seed_paths):
    data = load_model().to_dict()
    data["version"] = 99
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    result = run("compare", str(seed_paths[0]), str(seed_paths[1]), "--relation-model", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {path}: model version 99")


def test_a_malformed_model_is_refused_by_the_index(tmp_path, seed_paths):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    db = tmp_path / "idx.db"
    result = run("index", "add", str(seed_paths[0]), "--db", str(db), "--relation-model", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {path}: not JSON")
