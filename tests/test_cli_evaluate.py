"""``newsdedup evaluate``: the metrics of a hand-made case, worked out by hand, and one-line errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from newsdedup.cli import app

runner = CliRunner()

# Gold: A = {o1, c1, c2} (o1 original, c1 trimmed, c2 lightly rewritten), B = {o2, c3} (c3 verbatim),
# two template issues t1, t2 and a filler f1, each a cluster of its own.
GOLD = [
    {"id": "o1", "cluster": "A", "original": True, "edit": [], "touched": 0, "kind": "original"},
    {"id": "c1", "cluster": "A", "original": False, "edit": ["trim"], "touched": 0, "kind": "copy"},
    {
        "id": "c2",
        "cluster": "A",
        "original": False,
        "edit": ["rewrite"],
        "touched": 0.1,
        "kind": "copy",
    },
    {"id": "o2", "cluster": "B", "original": True, "edit": [], "touched": 0, "kind": "original"},
    {"id": "c3", "cluster": "B", "original": False, "edit": [], "touched": 0, "kind": "copy"},
    {"id": "t1", "cluster": "T1", "original": False, "edit": [], "touched": 0, "kind": "template"},
    {"id": "t2", "cluster": "T2", "original": False, "edit": [], "touched": 0, "kind": "template"},
    {"id": "f1", "cluster": "F", "original": False, "edit": [], "touched": 0, "kind": "filler"},
]

# Predicted, as `scan --format json` writes it: {o1, c1} (t1 is a template member, which is not a
# duplicate and is left out) and {o2, c3, t2}: t2 is wrongly merged. c2, t1 and f1 are singletons.
SCAN = {
    "articles": 8,
    "clusters": [
        {
            "cluster": 0,
            "original": "o1",
            "size": 3,
            "members": [
                {
                    "id": "c1",
                    "relation": "near",
                    "jaccard": 0.8,
                    "containment": 0.9,
                    "cosine": 0.95,
                    "numbers": 1.0,
                },
                {
                    "id": "t1",
                    "relation": "template",
                    "jaccard": 0.5,
                    "containment": 0.7,
                    "cosine": 0.9,
                    "numbers": 0.8,
                },
            ],
        },
        {
            "cluster": 1,
            "original": "o2",
            "size": 3,
            "members": [
                {
                    "id": "c3",
                    "relation": "exact",
                    "jaccard": 1.0,
                    "containment": 1.0,
                    "cosine": 1.0,
                    "numbers": 1.0,
                },
                {
                    "id": "t2",
                    "relation": "partial",
                    "jaccard": 0.3,
                    "containment": 0.8,
                    "cosine": 0.9,
                    "numbers": 1.0,
                },
            ],
        },
    ],
    "duplicates": 3,
}

# Worked by hand (8 articles, 28 pairs):
# predicted pairs (o1,c1) (o2,c3) (o2,t2) (c3,t2): 4, of which 2 true; gold pairs 3 (A) + 1 (B) = 4.
#   pairwise P = 2/4, R = 2/4, F1 = 0.5; tp=2, fp=2, fn=2, tn=22:
#   ARI = 2(2*22 - 2*2) / ((2+2)(2+22) + (2+2)(2+22)) = 80/192.
# B-cubed precision: o1 1, c1 1, c2 1, o2 2/3, c3 2/3, t2 1/3, t1 1, f1 1 -> (20/3)/8 = 5/6.
# B-cubed recall:    o1 2/3, c1 2/3, c2 1/3, o2 1, c3 1, t2 1, t1 1, f1 1 -> (20/3)/8 = 5/6.
# Recall by edit: (o1,c1) trim found, (o1,c2) rewrite + rewrite_light missed, (o2,c3) verbatim found.
# False merges: o2, c3, t2 share a predicted cluster with a stranger.
EXPECTED_RECALL = {
    "all": (2, 3),
    "rewrite": (0, 1),
    "rewrite_light": (0, 1),
    "trim": (1, 1),
    "verbatim": (1, 1),
}
EXPECTED_MERGES = {"copy": (1, 3), "filler": (0, 1), "original": (1, 2), "template": (1, 2)}


@pytest.fixture()
def files(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in GOLD))
    scan = tmp_path / "scan.json"
    scan.write_text(json.dumps(SCAN, indent=2))
    flat = tmp_path / "pred.jsonl"
    flat.write_text(
        "".join(
            json.dumps({"id": i, "cluster": k}) + "\n"
            for i, k in [("o1", 7), ("c1", 7), ("o2", 9), ("c3", 9), ("t2", 9)]
        )
    )
    return {"gold": gold, "scan": scan, "flat": flat}


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("predicted", ["scan", "flat"])
def test_json_report_has_the_hand_computed_metrics(files, predicted):
    result = run("evaluate", files[predicted], files["gold"], "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["articles"] == 8 and report["gold_articles"] == 8 and report["unknown_ids"] == 0
    assert report["predicted_articles"] == 5
    assert report["pairwise"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert report["ari"] == pytest.approx(80 / 192, abs=1e-6)
    assert report["bcubed"]["precision"] == pytest.approx(5 / 6, abs=1e-6)
    assert report["bcubed"]["recall"] == pytest.approx(5 / 6, abs=1e-6)
    assert {
        g: (t["count"], t["total"]) for g, t in report["recall_by_edit"].items()
    } == EXPECTED_RECALL
    assert {
        k: (t["count"], t["total"]) for k, t in report["false_merges_by_kind"].items()
    } == EXPECTED_MERGES


def test_table_report_shows_the_same_figures(files):
    result = run("evaluate", files["scan"], files["gold"])
    assert result.exit_code == 0, result.output
    lines = {
        line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if line.strip()
    }
    assert lines["pairwise"] == ["0.5000", "0.5000", "0.5000"]
    assert lines["b-cubed"] == ["0.8333", "0.8333", "0.8333"]
    assert lines["adjusted"] == ["rand", "0.4167"]
    assert lines["rewrite_light"] == ["0", "1", "0.0000"]
    assert lines["template"] == ["1", "2", "0.5000"]


def test_output_file(files, tmp_path):
    target = tmp_path / "scores.json"
    result = run("evaluate", files["flat"], files["gold"], "-f", "json", "-o", target)
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text())["pairwise"]["f1"] == 0.5


def test_gold_against_itself_is_perfect(files):
    report = json.loads(run("evaluate", files["gold"], files["gold"], "-f", "json").stdout)
    assert (
        report["pairwise"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0} and report["ari"] == 1.0
    )
    assert report["recall_by_edit"]["all"]["rate"] == 1.0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.json", "missing.json: no such file"),
        (lambda d: d, "is a directory"),
        (
            lambda d: (
                (d / "bad.jsonl").write_text('{"id": "a", "cluster": 1}\n{"id": \n')
                and d / "bad.jsonl"
            ),
            "bad.jsonl:2: invalid JSON",
        ),
        (
            lambda d: (
                (d / "twice.jsonl").write_text(
                    '{"id": "a", "cluster": 1}\n{"id": "a", "cluster": 2}\n'
                )
                and d / "twice.jsonl"
            ),
            "twice.jsonl:2: article 'a' appears twice (first at line 1)",
        ),
    ],
)
def test_bad_predicted_file_is_one_line_error(files, tmp_path, make, message):
    result = run("evaluate", make(tmp_path), files["gold"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0]
    assert "Traceback" not in result.output


def test_help_has_an_example():
    result = run("evaluate", "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout and "newsdedup evaluate" in result.stdout
