"""Clustering metrics, checked on hand-computed cases and against brute force."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from newsdedup.errors import InputError
from newsdedup.evaluate.metrics import (
    PRF,
    GoldPair,
    Tally,
    adjusted_rand_index,
    bcubed,
    evaluate_files,
    false_merges_by_kind,
    format_report,
    load_clusters,
    load_gold,
    pairwise_scores,
    recall_by_group,
)

# Gold: {a,b,c} {d,e} {f}.  Predicted: {a,b} {c,d,e} and f left out (a singleton).
GOLD = {"a": "G1", "b": "G1", "c": "G1", "d": "G2", "e": "G2", "f": "G3"}
PRED = {"a": "P1", "b": "P1", "c": "P2", "d": "P2", "e": "P2"}


def approx(prf: PRF, precision: float, recall: float, f1: float) -> bool:
    return prf == PRF(pytest.approx(precision), pytest.approx(recall), pytest.approx(f1))


class TestHandComputed:
    def test_pairwise(self):
        # Together in both: (a,b) and (d,e) = 2.  Predicted pairs: C(2,2)+C(3,2) = 4.
        # Gold pairs: C(3,2)+C(2,2) = 4.  P = R = F1 = 2/4.
        assert approx(pairwise_scores(PRED, GOLD), 0.5, 0.5, 0.5)

    def test_ari(self):
        # n=6, 15 pairs: tp=2, fp=2, fn=2, tn=9.
        # ARI = 2(tp*tn - fn*fp) / ((tp+fn)(fn+tn) + (tp+fp)(fp+tn)) = 2*14 / (44+44) = 7/22.
        # Same via (index - expected)/(max - expected) = (2 - 16/15) / (4 - 16/15) = 7/22.
        assert adjusted_rand_index(PRED, GOLD) == pytest.approx(7 / 22)

    def test_bcubed(self):
        # Precision per article: a 2/2, b 2/2, c 1/3, d 2/3, e 2/3, f 1/1 -> 14/3 / 6 = 7/9.
        # Recall per article:    a 2/3, b 2/3, c 1/3, d 2/2, e 2/2, f 1/1 -> 14/3 / 6 = 7/9.
        assert approx(bcubed(PRED, GOLD), 7 / 9, 7 / 9, 7 / 9)

    def test_all_singletons_predicted(self):
        # No predicted pair: precision 1 by convention (nothing wrongly merged), recall 0/4.
        assert approx(pairwise_scores({}, GOLD), 1.0, 0.0, 0.0)
        # tp=0, fp=0, fn=4, tn=11: 2(0 - 0) / (4*15 + 0) = 0.
        assert adjusted_rand_index({}, GOLD) == 0.0
        # B-cubed precision 1 for every article; recall a,b,c 1/3, d,e 1/2, f 1 -> 3/6.
        # F1 = 2 * 1 * 0.5 / 1.5 = 2/3.
        assert approx(bcubed({}, GOLD), 1.0, 0.5, 2 / 3)

    def test_one_big_cluster_predicted(self):
        pred = {aid: "all" for aid in GOLD}
        # All 15 pairs predicted, 4 true: P = 4/15, R = 1, F1 = 2*(4/15) / (19/15) = 8/19.
        assert approx(pairwise_scores(pred, GOLD), 4 / 15, 1.0, 8 / 19)
        # tp=4, fp=11, fn=0, tn=0: 2(4*0 - 0*11) / (4*0 + 15*11) = 0.
        assert adjusted_rand_index(pred, GOLD) == 0.0
        # B-cubed precision: a,b,c 3/6, d,e 2/6, f 1/6 -> (14/6)/6 = 7/18; recall 1.
        assert approx(bcubed(pred, GOLD), 7 / 18, 1.0, 2 * (7 / 18) / (25 / 18))

    def test_identical_clusterings_are_perfect(self):
        relabelled = {aid: label.lower() for aid, label in GOLD.items()}
        assert approx(pairwise_scores(relabelled, GOLD), 1.0, 1.0, 1.0)
        assert adjusted_rand_index(relabelled, GOLD) == 1.0
        assert approx(bcubed(relabelled, GOLD), 1.0, 1.0, 1.0)

    def test_id_missing_from_gold_is_a_gold_singleton(self):
        # x is unknown to gold, so the predicted pair (a, x) is false; gold has no pair.
        pred, gold = {"a": 1, "x": 1}, {"a": "g"}
        assert approx(pairwise_scores(pred, gold), 0.0, 1.0, 0.0)
        # Articles a, x: precision 1/2 each, recall 1 each.
        assert approx(bcubed(pred, gold), 0.5, 1.0, 2 / 3)

    def test_both_empty_and_both_singletons(self):
        assert approx(pairwise_scores({}, {}), 1.0, 1.0, 1.0)
        assert adjusted_rand_index({}, {}) == 1.0
        singles = {"a": 1, "b": 2, "c": 3}
        assert adjusted_rand_index({}, singles) == 1.0
        assert approx(bcubed({}, singles), 1.0, 1.0, 1.0)

    def test_labels_are_compared_by_value_not_by_name(self):
        # Gold label "1" and predicted label 1 are unrelated namespaces: only co-membership counts.
        assert approx(pairwise_scores({"a": "1", "b": "2"}, {"a": "1", "b": "1"}), 1.0, 0.0, 0.0)


class TestGroups:
    def test_recall_by_group(self):
        pairs = [
            GoldPair("o1", "c1", ("trim",)),
            GoldPair("o1", "c2", ("trim", "noise")),
            GoldPair("o2", "c3", ("noise",)),
            GoldPair("o2", "c4", ("verbatim",)),
        ]
        pred = {"o1": 0, "c1": 0, "c2": 1, "o2": 2, "c3": 2, "c4": 2}
        # found: c1 (trim), c3 (noise), c4 (verbatim); c2 missed (trim, noise).
        assert recall_by_group(pred, pairs) == {
            "all": Tally(3, 4),
            "noise": Tally(1, 2),
            "trim": Tally(1, 2),
            "verbatim": Tally(1, 1),
        }

    def test_copy_absent_from_prediction_is_missed(self):
        pairs = [GoldPair("o", "c", ("trim",))]
        assert recall_by_group({"o": 0}, pairs)["trim"] == Tally(0, 1)
        assert recall_by_group({}, pairs)["all"].rate == 0.0

    def test_false_merges_by_kind(self):
        gold = {"t1": "a", "t2": "b", "t3": "c", "o": "d", "c": "d", "f": "e"}
        kinds = {
            "t1": "template",
            "t2": "template",
            "t3": "template",
            "o": "original",
            "c": "copy",
            "f": "filler",
        }
        # t1 merged with t2 (different gold clusters): both count; o and c together is right;
        # f merged into the o/c cluster: f counts, and so do o and c (their cluster holds a stranger).
        pred = {"t1": 0, "t2": 0, "o": 1, "c": 1, "f": 1}
        merges = false_merges_by_kind(pred, gold, kinds)
        assert merges == {
            "copy": Tally(1, 1),
            "filler": Tally(1, 1),
            "original": Tally(1, 1),
            "template": Tally(2, 3),
        }

    def test_tally_rate_of_empty_group(self):
        assert Tally(0, 0).rate == 0.0


def brute_force(pred: dict, gold: dict) -> tuple[float, float, float, float, float]:
    """Pairwise P, R by enumerating pairs; B-cubed P, R by looping over articles."""
    ids = sorted(gold.keys() | pred.keys())
    p = {aid: pred.get(aid, ("solo", aid)) for aid in ids}
    g = {aid: gold.get(aid, ("solo", aid)) for aid in ids}
    pairs = list(itertools.combinations(ids, 2))
    together_pred = {(x, y) for x, y in pairs if p[x] == p[y]}
    together_gold = {(x, y) for x, y in pairs if g[x] == g[y]}
    both = len(together_pred & together_gold)
    precision = both / len(together_pred) if together_pred else 1.0
    recall = both / len(together_gold) if together_gold else 1.0
    b3p = sum(
        sum(1 for y in ids if p[y] == p[x] and g[y] == g[x]) / sum(1 for y in ids if p[y] == p[x])
        for x in ids
    ) / len(ids)
    b3r = sum(
        sum(1 for y in ids if p[y] == p[x] and g[y] == g[x]) / sum(1 for y in ids if g[y] == g[x])
        for x in ids
    ) / len(ids)
    labels = {lab: i for i, lab in enumerate({*p.values(), *g.values()})}
    ari = adjusted_rand_score([labels[g[x]] for x in ids], [labels[p[x]] for x in ids])
    return precision, recall, b3p, b3r, ari


clusterings = st.dictionaries(
    st.sampled_from([f"a{i}" for i in range(14)]), st.integers(0, 4), max_size=14
)


@settings(max_examples=200, deadline=None)
@given(pred=clusterings, gold=clusterings)
def test_metrics_match_brute_force(pred, gold):
    if not (pred or gold):
        return
    precision, recall, b3p, b3r, ari = brute_force(pred, gold)
    pw, b3 = pairwise_scores(pred, gold), bcubed(pred, gold)
    assert (pw.precision, pw.recall) == (pytest.approx(precision), pytest.approx(recall))
    assert (b3.precision, b3.recall) == (pytest.approx(b3p), pytest.approx(b3r))
    assert adjusted_rand_index(pred, gold) == pytest.approx(ari, abs=1e-12)


def test_ari_does_not_overflow_on_large_counts():
    # 300k articles in 3 clusters: pair counts near 1.5e10, products of them near 1e20,
    # beyond int64. sklearn converts the counts to Python integers, so it is the reference.
    rng = np.random.default_rng(7)
    gold_labels = rng.integers(0, 3, 300_000)
    pred_labels = np.where(rng.random(300_000) < 0.2, rng.integers(0, 3, 300_000), gold_labels)
    gold = {str(i): int(x) for i, x in enumerate(gold_labels)}
    pred = {str(i): int(x) for i, x in enumerate(pred_labels)}
    expected = adjusted_rand_score(gold_labels, pred_labels)
    assert 0.3 < expected < 0.95
    assert adjusted_rand_index(pred, gold) == pytest.approx(expected, rel=1e-9)


# ---------------------------------------------------------------- files


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


SCAN = {
    "articles": 6,
    "clusters": [
        {
            "cluster": 0,
            "original": "a",
            "size": 2,
            "members": [{"id": "b", "relation": "near", "jaccard": 0.9}],
        },
        {
            "cluster": 1,
            "original": "c",
            "size": 3,
            "members": [
                {"id": "d", "relation": "partial"},
                {"id": "e", "relation": "rewrite"},
                {"id": "t", "relation": "template"},
            ],
        },
    ],
    "duplicates": 3,
}

GOLD_LINES = [
    {"id": "a", "cluster": "c1", "original": True, "edit": [], "touched": 0.0, "kind": "original"},
    {
        "id": "b",
        "cluster": "c1",
        "original": False,
        "edit": ["trim", "headline"],
        "touched": 0.0,
        "kind": "copy",
    },
    {
        "id": "c",
        "cluster": "c1",
        "original": False,
        "edit": ["rewrite"],
        "touched": 0.12,
        "kind": "copy",
    },
    {"id": "d", "cluster": "c2", "original": True, "edit": [], "kind": "original"},
    {"id": "e", "cluster": "c2", "original": False, "edit": [], "kind": "copy"},
    {"id": "t", "cluster": "c3", "original": False, "kind": "template"},
]


def jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


class TestLoaders:
    def test_scan_json_leaves_out_template_members(self, tmp_path):
        clusters = load_clusters(write(tmp_path / "scan.json", json.dumps(SCAN, indent=2)))
        assert clusters == {"a": "0", "b": "0", "c": "1", "d": "1", "e": "1"}

    def test_jsonl_and_blank_lines(self, tmp_path):
        path = write(
            tmp_path / "p.jsonl", '{"id": "a", "cluster": 3}\n\n{"id": "b", "cluster": "x"}\n'
        )
        assert load_clusters(path) == {"a": "3", "b": "x"}

    def test_single_record_jsonl(self, tmp_path):
        assert load_clusters(write(tmp_path / "p.jsonl", '{"id": "a", "cluster": 3}\n')) == {
            "a": "3"
        }

    def test_gold_pairs_and_groups(self, tmp_path):
        gold = load_gold(write(tmp_path / "gold.jsonl", jsonl(GOLD_LINES)))
        assert gold.clusters["t"] == "c3" and len(gold.clusters) == 6
        assert gold.pairs == [
            GoldPair("a", "b", ("trim", "headline")),
            GoldPair("a", "c", ("rewrite", "rewrite_light")),
            GoldPair("d", "e", ("verbatim",)),
        ]
        assert gold.kinds["t"] == "template"

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            ('{"id": "a", "cluster": 1}\n{"id": "b" "cluster": 1}\n', "p.jsonl:2: invalid JSON"),
            ('{"id": "a", "cluster": 1}\n{"id": "b"}\n', "p.jsonl:2: 'cluster' is missing"),
            (
                '{"id": "a", "cluster": 1}\n{"id": "a", "cluster": 2}\n',
                "p.jsonl:2: article 'a' appears twice (first at line 1)",
            ),
            ('{"id": "a", "cluster": null}\n', "p.jsonl:1: 'cluster' is missing"),
            ('{"id": true, "cluster": 1}\n', "p.jsonl:1: 'id' is not a string or integer: True"),
            ("[1, 2]\n", "p.jsonl:1: expected a JSON object"),
            (
                '{"articles": 2,\n "clusters": [\n {"original": "a" "members": []}]}\n',
                "p.jsonl:3: invalid JSON",
            ),
            (
                '{"clusters": [{"original": "a", "members": [{"id": "a"}]}]}',
                "p.jsonl: cluster #0: article 'a' appears twice",
            ),
            ('{"clusters": [{"members": []}]}', "p.jsonl: cluster #0: 'original' is missing"),
            ('{"clusters": {"a": 1}}', "p.jsonl: 'clusters' must be a list"),
        ],
    )
    def test_malformed_clusters_name_file_and_line(self, tmp_path, content, message):
        with pytest.raises(InputError) as err:
            load_clusters(write(tmp_path / "p.jsonl", content))
        assert str(err.value).startswith(str(tmp_path / message))

    def test_missing_file(self, tmp_path):
        with pytest.raises(InputError, match="no such file"):
            load_clusters(tmp_path / "nope.json")

    def test_not_utf8(self, tmp_path):
        path = tmp_path / "latin.jsonl"
        path.write_bytes(b'{"id": "caf\xe9", "cluster": 1}\n')
        with pytest.raises(InputError, match="not UTF-8"):
            load_clusters(path)

    def test_gold_with_two_originals_in_a_cluster(self, tmp_path):
        lines = [
            {"id": "a", "cluster": 1, "original": True},
            {"id": "b", "cluster": 1, "original": True},
        ]
        with pytest.raises(
            InputError, match=r"gold.jsonl:2: cluster '1' has a second original \(first at line 1\)"
        ):
            load_gold(write(tmp_path / "gold.jsonl", jsonl(lines)))

    def test_gold_with_bad_edit_list(self, tmp_path):
        with pytest.raises(InputError, match="gold.jsonl:1: 'edit' must be a list of strings"):
            load_gold(
                write(tmp_path / "gold.jsonl", jsonl([{"id": "a", "cluster": 1, "edit": "trim"}]))
            )


def test_evaluate_files_end_to_end(tmp_path):
    scan = write(tmp_path / "scan.json", json.dumps(SCAN))
    gold = write(tmp_path / "gold.jsonl", jsonl(GOLD_LINES))
    report = evaluate_files(scan, gold)
    # Predicted {a,b} {c,d,e} (t dropped: template); gold {a,b,c} {d,e} {t}.
    # Pairs: together in both (a,b), (d,e) = 2; predicted 1 + 3 = 4; gold 3 + 1 = 4.
    assert report["pairwise"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert (
        report["articles"],
        report["gold_articles"],
        report["predicted_articles"],
        report["unknown_ids"],
    ) == (6, 6, 5, 0)
    # Found: (a,b) yes; (a,c) no, c sits with d and e; (d,e) yes.
    assert report["recall_by_edit"]["all"] == {"count": 2, "total": 3, "rate": round(2 / 3, 6)}
    assert report["recall_by_edit"]["rewrite_light"]["count"] == 0
    # The template t is alone on both sides: not merged.
    assert report["false_merges_by_kind"]["template"] == {"count": 0, "total": 1, "rate": 0.0}
    assert json.loads(json.dumps(report)) == report
    text = format_report(report)
    assert "pairwise" in text and "0.5000" in text and "rewrite_light" in text
    assert text.splitlines()[0].split()[:2] == ["articles", "6"]
