"""Output for people: tables that fit the terminal, plain lines that never wrap or cut."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest

from newsdedup.io.render import write_clusters, write_matches
from newsdedup.io.tables import fit, shorten_ids
from newsdedup.models import Cluster, Match, Member, Relation, Result, Scores

FOLDER = "/data/corpora/bbc-news-2005/"
REASON = (
    "near: shingle jaccard 0.93 >= 0.80, containment 0.97, tf-idf cosine 0.98, "
    "figures agree (every number of the shorter text is found in the longer one)"
)


def _result(n_clusters: int = 12) -> Result:
    clusters = []
    for i in range(n_clusters):
        members = [
            Member(f"{FOLDER}sport/{i:03d}-copy-{j}.txt", Relation.NEAR, Scores(0.9, 0.95, 0.97))
            for j in range(2)
        ]
        clusters.append(Cluster(i, f"{FOLDER}business/{i:03d}.txt", members))
    return Result(100, clusters, [])


def _matches(n: int = 189) -> list[Match]:
    return [
        Match(
            f"{FOLDER}business/{i:03d}.txt",
            f"{FOLDER}sport/{i:03d}.txt",
            Relation.NEAR,
            Scores(0.93, 0.97, 0.98),
            REASON,
        )
        for i in range(n)
    ]


def _labels(result: Result) -> dict:
    ids = [i for c in result.clusters for i in (c.original, *(m.id for m in c.members))]
    when = datetime(2005, 3, 14, 9, 30, tzinfo=timezone.utc)
    return {
        i: (f"Ministers agree new budget rules after long talks in Brussels ({i[-12:]})", when)
        for i in ids
    }


def _render(fn, *args) -> list[str]:
    out = io.StringIO()
    fn(*args, out)
    return out.getvalue().splitlines()


@pytest.mark.parametrize("width", [60, 80, 120])
def test_cluster_table_fits_the_terminal_one_line_per_article(monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    result = _result()
    lines = _render(lambda out: write_clusters(result, "table", out, _labels(result)))
    assert max(len(line) for line in lines) <= width
    assert len(lines) == 1 + 12 * 3  # a header, then one line per article: nothing wrapped
    assert lines[0].split()[:3] == ["#", "article", "relation"]
    assert "date" in lines[0]
    assert all("/data/corpora" not in line for line in lines)  # the shared folders are dropped
    assert "2005-03-14" in lines[1]
    if width >= 80:
        assert "title" in lines[0] and "Ministers" in lines[1]


@pytest.mark.parametrize("width", [80, 100])
def test_pairs_table_puts_each_reason_on_one_line(monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    lines = _render(lambda out: write_matches(_matches(), "table", out))
    assert len(lines) == 190  # 189 pairs and a header, not a reason wrapped over 9 lines each
    assert max(len(line) for line in lines) <= width
    if width < 100:
        return
    assert lines[1].rstrip().endswith("…") and "near: shingle" in lines[1]
    assert "business/000.txt" in lines[1] and "sport/000.txt" in lines[1]


def test_plain_keeps_every_value_whole_and_aligned(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")  # a narrow terminal does not matter to plain
    lines = _render(lambda out: write_matches(_matches(), "plain", out))
    assert len(lines) == 190
    assert lines[0].split() == [
        "a",
        "b",
        "relation",
        "jaccard",
        "contain.",
        "cosine",
        "figures",
        "reason",
    ]
    assert all(line.endswith(REASON) for line in lines[1:])
    assert all(f"{FOLDER}business/" in line for line in lines[1:])
    starts = {line.index("near") for line in lines[1:]}
    assert starts == {lines[0].index("relation")}


def test_plain_clusters_name_the_cluster_on_every_line_title_last():
    result = _result(3)
    lines = _render(lambda out: write_clusters(result, "plain", out, _labels(result)))
    assert len(lines) == 1 + 9
    assert lines[0].split()[-2:] == ["date", "title"]
    assert [line.split()[0] for line in lines[1:]] == ["0"] * 3 + ["1"] * 3 + ["2"] * 3
    assert lines[1].split()[1] == f"{FOLDER}business/000.txt"
    assert lines[2].endswith(_labels(result)[f"{FOLDER}sport/000-copy-0.txt"][0])


def test_without_titles_or_dates_there_are_no_such_columns():
    lines = _render(lambda out: write_clusters(_result(2), "plain", out))
    assert "title" not in lines[0] and "date" not in lines[0]
    copies = [line for line in lines if "near" in line]
    assert {len(line) for line in copies} == {len(lines[0])}  # figures, last, right-aligned too


def test_nothing_found():
    empty = Result(5, [], [])
    assert _render(lambda out: write_clusters(empty, "table", out)) == ["No duplicates found."]
    assert _render(lambda out: write_clusters(empty, "plain", out)) == ["No duplicates found."]
    assert _render(lambda out: write_matches([], "plain", out)) == ["No matching pairs found."]


def test_shortening_helpers():
    assert shorten_ids(["a/x.txt", "a/b/y.txt"]) == {"a/x.txt": "x.txt", "a/b/y.txt": "b/y.txt"}
    assert shorten_ids(["item-1", "feed/item-2"]) == {
        "item-1": "item-1",
        "feed/item-2": "feed/item-2",
    }
    assert shorten_ids(["/x/a.txt"]) == {"/x/a.txt": "a.txt"}
    assert fit("0123456789abcdef", 9) == "0123…cdef"
    assert len(fit("0123456789abcdef", 9)) == 9
    assert fit("line one\n  line two", 40) == "line one line two"


def test_a_probability_column_when_a_relation_model_gave_one(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    scored = Scores(0.9, 0.95, 0.97, probability=0.87)
    result = Result(2, [Cluster(0, "a.txt", [Member("b.txt", Relation.NEAR, scored)])], [])
    plain = _render(lambda out: write_clusters(result, "plain", out))
    assert plain[0].split()[-1] == "prob." and plain[2].split()[-1] == "0.87"
    table = _render(lambda out: write_clusters(result, "table", out))
    assert table[0].split()[-1] == "prob." and table[2].split()[-1] == "0.87"
    match = Match("a.txt", "b.txt", Relation.NEAR, scored, "near")
    pairs = _render(lambda out: write_matches([match], "plain", out))
    assert pairs[0].split()[-2:] == ["prob.", "reason"] and "0.87" in pairs[1]
