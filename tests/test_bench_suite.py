"""The benchmark suite, its newsdedup runners, tables and README renderer, on cases worked out by hand.

Nothing here asserts speed: the hand-made corpus has six articles whose right
answer any tool gets, and a gold file written so that the metrics are not
all perfect, which checks that what the suite records is computed correctly.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from benchmarks.suite import report
from benchmarks.suite.plan import SuiteOptions, _median_record, parse_tools, plan, run_suite
from benchmarks.suite.real import run_corpus
from benchmarks.suite.render import render, replace_between
from benchmarks.suite.run import main as run_main
from newsdedup.errors import ConfigError

STORY_X = (
    "The harbour authority approved a plan on Monday to deepen the northern channel so that larger container "
    "ships can dock at the port. Dredging will start in the spring and last about eighteen months, the authority "
    "said. Fishermen warned that the work would disturb the breeding grounds of crabs near the lighthouse. The "
    "regional council has promised to pay for a study of the seabed before the first barge arrives. Shipping "
    "companies welcomed the decision and said it would bring new routes to the coast."
)
STORY_Y = (
    "A travelling exhibition of medieval maps opened at the city library on Saturday and drew long queues. The "
    "oldest map on show was drawn by a monk and marks the known world as three continents around Jerusalem. "
    "Curators spent two years restoring the parchment, which had been folded in a drawer for a century. Visitors "
    "can use magnifying glasses to read the tiny notes written in the margins by sailors. The exhibition will "
    "travel to four other cities before returning to the national archive in the autumn."
)
STORY_Z = (
    "The village school celebrated the opening of its new vegetable garden with a picnic for parents and pupils. "
    "Children planted beans, carrots and pumpkins in raised beds built by volunteers from the allotment society. "
    "A local chef will teach the older classes to cook with what they grow during the summer term. The head "
    "teacher said the garden had already made pupils more curious about where their food comes from."
)

# Six articles. Gold: A = {a0, a1, a2}, B = {a3, a4}, and a5 on its own (a template issue). a1 is X
# again and a4 is Y again, so every tool pairs them; a2 is really story Z (labelled a rewritten copy
# that no tool can find) and a5 is Y again (labelled a different story that every tool merges).
ARTICLES = [
    ("a0", STORY_X),
    ("a1", STORY_X),
    ("a2", STORY_Z),
    ("a3", STORY_Y),
    ("a4", STORY_Y),
    ("a5", STORY_Y),
]
GOLD = [
    {"id": "a0", "cluster": "A", "original": True, "edit": [], "touched": 0, "kind": "original"},
    {"id": "a1", "cluster": "A", "original": False, "edit": [], "touched": 0, "kind": "copy"},
    {
        "id": "a2",
        "cluster": "A",
        "original": False,
        "edit": ["rewrite"],
        "touched": 0.3,
        "kind": "copy",
    },
    {"id": "a3", "cluster": "B", "original": True, "edit": [], "touched": 0, "kind": "original"},
    {"id": "a4", "cluster": "B", "original": False, "edit": ["trim"], "touched": 0, "kind": "copy"},
    {"id": "a5", "cluster": "T", "original": False, "edit": [], "touched": 0, "kind": "template"},
]
# Every tool predicts {a0, a1} and {a3, a4, a5}. Worked by hand over 15 pairs:
# predicted pairs 4 (a0a1, a3a4, a3a5, a4a5), true among them 2; gold pairs 3 + 1 = 4.
#   P = R = F1 = 1/2; tp 2, fp 2, fn 2, tn 9: ARI = 2(2*9 - 2*2) / ((2+2)(2+9) + (2+2)(2+9)) = 28/88.
# B-cubed precision: a0 1, a1 1, a2 1, a3 2/3, a4 2/3, a5 1/3 -> (14/3)/6 = 7/9; recall: a0 2/3,
#   a1 2/3, a2 1/3, a3 1, a4 1, a5 1 -> 7/9.
# Without the rewritten copy a2: gold pairs 1 + 1 = 2, predicted 4, true 2: P 1/2, R 1, F1 2/3.
EXPECTED_RECALL = {
    "all": (2, 3),
    "rewrite": (0, 1),
    "rewrite_heavy": (0, 1),
    "trim": (1, 1),
    "verbatim": (1, 1),
}
EXPECTED_MERGES = {"copy": (1, 3), "original": (1, 2), "template": (1, 1)}


def write_hand_made_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True)
    with (folder / "articles.jsonl").open("w") as out:
        for hour, (aid, text) in enumerate(ARTICLES):
            out.write(
                json.dumps(
                    {
                        "id": aid,
                        "title": "",
                        "text": text,
                        "source": f"outlet-{aid}",
                        "published": f"2024-03-04T{10 + hour:02d}:00:00Z",
                    }
                )
                + "\n"
            )
    (folder / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for g in GOLD))
    (folder / "manifest.json").write_text(
        json.dumps({"size": 6, "seed": 0, "articles": 6, "generator_version": 0})
    )
    return folder


def check_hand_made_quality(quality: dict) -> None:
    assert quality["pairwise"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert quality["ari"] == pytest.approx(28 / 88, abs=1e-6)
    assert quality["bcubed"]["precision"] == pytest.approx(7 / 9, abs=1e-6)
    assert quality["bcubed"]["recall"] == pytest.approx(7 / 9, abs=1e-6)
    assert quality["near_partial"]["f1"] == pytest.approx(2 / 3, abs=1e-6)
    assert (quality["near_partial"]["precision"], quality["near_partial"]["recall"]) == (0.5, 1.0)
    assert quality["near_partial"]["left_out"] == 1
    assert {
        g: (t["count"], t["total"]) for g, t in quality["recall_by_edit"].items()
    } == EXPECTED_RECALL
    assert {
        k: (t["count"], t["total"]) for k, t in quality["false_merges_by_kind"].items()
    } == EXPECTED_MERGES


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The suite run once on the hand-made corpus with newsdedup (library and CLI) and one peer."""
    root = tmp_path_factory.mktemp("suite")
    corpus = write_hand_made_corpus(root / "corpus")
    options = SuiteOptions(repeat=1, workdir=root / "work")
    records = run_suite(
        corpus, options, parse_tools("newsdedup,newsdedup-scan,numpy-minhash"), log=lambda _: None
    )
    return root, corpus, records


@pytest.mark.slow
def test_suite_scores_every_tool_as_worked_out_by_hand(suite):
    _, _, records = suite
    assert [r["tool"] for r in records] == ["newsdedup", "newsdedup-scan", "numpy-minhash"]
    for record in records:
        assert record["size"] == 6 and record["articles"] == 6 and record["runs"] == 1, record[
            "tool"
        ]
        assert "commit" in record and "dirty" in record and record["machine"]["cpus"] >= 1
        assert record["peak_rss_mb"] > 0 and record["timings"]["wall"] > 0
        check_hand_made_quality(record["quality"])
    library = records[0]
    assert library["config"] == records[1]["config"] and library["workers"] == 1
    assert set(library["timings"]) == {
        "read",
        "sign",
        "candidates",
        "verify",
        "cluster",
        "detector",
        "write",
        "wall",
    }
    t = library["timings"]
    assert t["wall"] >= t["detector"] >= t["sign"]
    assert library["rates"]["wall"] == pytest.approx(
        6 / t["wall"], abs=0.05
    )  # rates are rounded to 0.1
    # The library run writes its clusters as id -> cluster JSONL: {a0, a1} and {a3, a4, a5}.
    clusters = [json.loads(line) for line in Path(library["clusters_file"]).open()]
    groups = {}
    for c in clusters:
        groups.setdefault(c["cluster"], set()).add(c["id"])
    assert sorted(map(sorted, groups.values())) == [["a0", "a1"], ["a3", "a4", "a5"]]


@pytest.mark.slow
def test_run_command_and_render(suite, tmp_path, capsys):
    root, corpus, records = suite
    out = tmp_path / "results"
    assert (
        run_main(
            [
                "--corpus",
                str(corpus),
                "--tools",
                "numpy-minhash",
                "--repeat",
                "1",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "numpy-minhash" in printed and "0.500" in printed
    stored = [json.loads(line) for line in (out / "results.jsonl").open()]
    assert len(stored) == 1 and stored[0]["tool"] == "numpy-minhash"
    check_hand_made_quality(stored[0]["quality"])
    with (out / "results.jsonl").open("a") as handle:
        handle.writelines(json.dumps(r) + "\n" for r in records)
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Prose before\n\n<!-- results:start -->\nSTALE SECTION\n<!-- results:end -->\n\nProse after.\n"
    )
    render(out, readme)
    text = readme.read_text()
    assert (
        text.startswith("# Prose before")
        and text.endswith("Prose after.\n")
        and "STALE SECTION" not in text
    )
    # Two suite runs at one size: each row says which one it comes from (A the fixture's, B the command's).
    assert (
        "### 6 articles" in text
        and "| newsdedup (A) | 1 |" in text
        and "| numpy-minhash (B) | 1 |" in text
    )
    assert (out / "time_vs_size.png").stat().st_size > 1000 and (
        out / "memory_vs_size.png"
    ).exists()


def test_median_keeps_the_middle_run_of_every_stage():
    runs = [
        {
            "tool": "t",
            "articles": 100,
            "timings": {"sign": s, "wall": w},
            "peak_rss_mb": m,
            "clustered_articles": 7,
        }
        for s, w, m in ((1.0, 4.0, 300.0), (3.0, 2.0, 100.0), (2.0, 5.0, 200.0))
    ]
    record = _median_record(parse_tools("newsdedup")[0], runs)
    assert record["timings"] == {"sign": 2.0, "wall": 4.0} and record["peak_rss_mb"] == 200.0
    assert record["rates"] == {"sign": 50.0, "wall": 25.0} and record["runs"] == 3
    assert record["wall_runs"] == [4.0, 2.0, 5.0] and record["outputs_differ"] is False


def test_tools_and_plan():
    tools = parse_tools("newsdedup-w2,newsdedup-scan,datasketch,exact-jaccard")
    assert [(t.kind, t.workers) for t in tools] == [
        ("newsdedup", 2),
        ("scan", 1),
        ("peer", 1),
        ("peer", 1),
    ]
    with pytest.raises(ConfigError, match="unknown tool 'nope'"):
        parse_tools("newsdedup,nope")
    kept, skipped = plan(tools, 10_000, max_minutes=10)
    assert [t.name for t in kept] == [
        "newsdedup-w2",
        "newsdedup-scan",
        "datasketch",
        "exact-jaccard",
    ] and not skipped
    kept, skipped = plan(tools, 100_000, max_minutes=10)
    assert [t.name for t in kept] == ["newsdedup-w2", "newsdedup-scan"]
    reasons = {s["tool"]: s["skipped"] for s in skipped}
    assert (
        reasons["exact-jaccard"].startswith("quadratic") and "limit 10 min" in reasons["datasketch"]
    )


def fake(tool: str, **timings: float) -> dict:
    return {
        "tool": tool,
        "size": 10_000,
        "suite": "s1",
        "articles": 10_000,
        "runs": 1,
        "timings": timings,
        "peak_rss_mb": 500.0,
    }


def test_ratios_compare_signing_from_text_on_both_sides():
    # newsdedup signs 10,000 articles from text in 2 s (5,000/s). The peer shingles in 4 s and signs in
    # 1 s: 2,000/s from text (ratio 2.5) and 10,000/s from shingles (ratio 0.5). End to end 8 s vs 20 s.
    records = [
        fake("newsdedup", sign=2.0, wall=8.0),
        fake("peer-x", shingle=4.0, sign=1.0, wall=20.0),
    ]
    records[1]["peak_rss_mb"] = 250.0
    headers, rows = report.ratio_rows(records)
    assert headers[:5] == ["peer", "newsdedup: sign text/text", "sign text/shingles", "e2e", "RSS"]
    assert rows == [["peer-x", "2.5×", "0.5×", "2.5×", "2.0×"]]


def test_targets_say_met_and_missed_with_the_measured_figure():
    # newsdedup 5,000/s from text; datasketch 100/s from text (50×, met); rensa 10,000/s from text
    # (0.5×, missed) and 20,000/s from shingles (0.25×).
    records = [
        fake("newsdedup", sign=2.0, wall=8.0),
        fake("datasketch", shingle=50.0, sign=50.0, wall=120.0),
        fake("rensa", shingle=0.5, sign=0.5, wall=2.0),
    ]
    records[0]["quality"] = {
        "near_partial": {"f1": 0.99},
        "false_merges_by_kind": {"template": {"count": 2}},
        "recall_by_edit": {"rewrite_light": {"rate": 0.9}},
    }
    scan = fake("newsdedup-scan", wall=250.0)
    scan.update(size=1_000_000, tree_peak_rss_mb=5000.0)
    _, rows = report.target_rows(records + [scan])
    verdicts = {row[0]: (row[1], row[2]) for row in rows}
    assert verdicts["signing ≥ 40× datasketch"][1] == "met" and verdicts[
        "signing ≥ 40× datasketch"
    ][0].startswith("50")
    assert verdicts["signing ≥ 1× rensa"] == (
        "0.5× (text/text); 0.25× against its signing from shingles",
        "missed",
    )
    assert verdicts["signing ≥ 1× rensa-flat"] == ("–", "not measured")
    assert verdicts["signing ≥ 10,000 articles/s per core"] == ("5,000 articles/s", "missed")
    assert verdicts["1M scan < 5 min"] == ("4.2 min (newsdedup-scan)", "met")
    assert verdicts["1M scan peak RSS < 4 GB"][1] == "missed"
    assert verdicts["pairwise F1 ≥ 0.98, near and partial copies"] == ("0.990", "met")
    assert verdicts["recall ≥ 0.95, light rewrites (≤ 15% touched)"] == ("0.900", "missed")
    assert verdicts["zero merges of templated hard negatives"] == (
        "2 template issues merged",
        "missed",
    )


def test_growth_and_markers():
    assert report.growth(10.0, 95.0, 10) == f"×9.5 (n^{math.log10(9.5):.2f})"
    assert (
        replace_between("no markers", "body")
        == "no markers\n\n<!-- results:start -->\nbody\n<!-- results:end -->\n"
    )


def test_real_corpus_report_on_a_tiny_bbc_folder(tmp_path):
    # Two identical stories under one title and one other: one exact match, one cluster, sampled.
    for name, title, text in (
        ("001", "Harbour", STORY_X),
        ("002", "Harbour", STORY_X),
        ("003", "Maps", STORY_Y),
    ):
        (tmp_path / "bbc" / "business").mkdir(parents=True, exist_ok=True)
        (tmp_path / "bbc" / "business" / f"{name}.txt").write_text(f"{title}\n\n{text}\n")
    found = run_corpus("bbc", tmp_path, workers=1, per_relation=3)
    assert found["articles"] == 3 and found["clusters"] == 1 and found["duplicates"] == 1
    assert found["matches_by_relation"] == {"exact": 1} and found["members_by_relation"] == {
        "exact": 1
    }
    (sample,) = found["samples"]
    assert {sample["a"]["id"], sample["b"]["id"]} == {"business/001", "business/002"}
    assert sample["a"]["title"] == sample["b"]["title"] == "Harbour"
    assert sample["jaccard"] == 1.0 and sample["a"]["start"].startswith("The harbour authority")
