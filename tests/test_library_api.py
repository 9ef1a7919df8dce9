"""The library in three calls: nd.scan, nd.dedup, result.to_pandas — on every kind of input."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

import newsdedup as nd
from newsdedup.errors import ConfigError, InputError
from newsdedup.models import Article

WIRE = (
    "Dock workers at the port of Antwerp returned to work on Thursday after a three-day strike "
    "over night-shift pay. The union said members had accepted an offer of a 6 percent rise spread "
    "over two years. About 40 container ships had been waiting at anchor, and the port authority "
    "expects the backlog to clear by Sunday."
)
BANK = (
    "The central bank kept its main interest rate at 3.5 percent on Thursday, as expected by most "
    "economists. Governor Ana Ruiz told reporters that inflation was slowing but remained above "
    "target, and that the bank would not rush to cut borrowing costs."
)
RECORDS = [
    {"id": "wire-101", "text": WIRE, "published": "2024-05-02T08:00:00Z", "lang": "en"},
    {"id": "wire-102", "text": BANK, "published": "2024-05-02T09:30:00Z"},
    {"id": "blog-3", "text": BANK, "published": "2024-05-02T11:00:00Z"},
    {
        "id": "site-7",
        "text": WIRE
        + "\n\nShipping lines warned that delays would still ripple through European supply chains "
        "for about a week, and several exporters said they had already switched to rail freight "
        "to reach customers in Germany and France.\n\nSource link",
        "published": "2024-05-02T10:15:00Z",
    },
]


def clusters_of(result):
    return sorted((c.original, sorted(m.id for m in c.members)) for c in result.clusters)


EXPECTED = [("wire-101", ["site-7"]), ("wire-102", ["blog-3"])]


def test_scan_takes_records_articles_paths_and_dataframes_alike(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    articles = [Article(r["id"], r["text"]) for r in RECORDS]
    assert clusters_of(nd.scan(RECORDS)) == EXPECTED
    assert clusters_of(nd.scan(str(path))) == EXPECTED
    assert clusters_of(nd.scan([path])) == EXPECTED
    # Without dates the original is the most complete text, so the wire with its footer may lead.
    assert {frozenset([o, *m]) for o, m in clusters_of(nd.scan(articles))} == {
        frozenset(["wire-101", "site-7"]),
        frozenset(["wire-102", "blog-3"]),
    }
    pd = pytest.importorskip("pandas")
    assert clusters_of(nd.scan(pd.DataFrame(RECORDS))) == EXPECTED


def test_dataframe_with_missing_cells_reads_them_as_absent_fields():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(RECORDS)  # only the first row has "lang": the others hold NaN
    result = nd.scan(frame)
    assert result.articles == 4 and clusters_of(result) == EXPECTED


def test_to_pandas_gives_one_row_per_article_with_role_and_scores():
    pytest.importorskip("pandas")
    frame = nd.scan(RECORDS).to_pandas().set_index("id")
    assert sorted(frame.index) == sorted(r["id"] for r in RECORDS)
    assert frame.loc["wire-101", "role"] == "original"
    assert frame.loc["site-7", "role"] == "copy" and frame.loc["site-7", "relation"] == "partial"
    assert frame.loc["blog-3", "relation"] == "exact" and frame.loc["blog-3", "jaccard"] == 1.0
    assert frame.loc["site-7", "cluster"] == frame.loc["wire-101", "cluster"]
    assert frame.loc["site-7", "cluster"] != frame.loc["blog-3", "cluster"]
    unique = nd.scan(RECORDS[:2]).to_pandas()
    assert list(unique["role"]) == ["unique", "unique"] and unique["cluster"].isna().all()


def test_dedup_keeps_originals_and_unique_articles_in_input_order(tmp_path):
    out = nd.dedup(RECORDS)
    assert out.kept_ids() == ["wire-101", "wire-102"]
    assert [(a.id, r.duplicate_of, r.relation.value) for a, r in out.removed] == [
        ("blog-3", "wire-102", "exact"),
        ("site-7", "wire-101", "partial"),
    ]
    # The kept article is the one read, extra fields and all.
    assert out.kept[0].extra == {"lang": "en"}
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    assert nd.dedup(str(path)).kept_ids() == ["wire-101", "wire-102"]


def test_options_reach_the_detector_and_clash_with_a_config():
    loose = nd.scan(RECORDS, near_jaccard=0.9)
    assert loose.settings["verify"]["near_jaccard"] == 0.9
    with pytest.raises(ConfigError, match="either config or options"):
        nd.scan(RECORDS, nd.DetectorConfig(), near_jaccard=0.9)


def test_bad_inputs_fail_with_clear_errors():
    with pytest.raises(TypeError, match="record #1: expected an Article or a dict, got int"):
        nd.scan([{"id": "a", "text": "words"}, 7])
    with pytest.raises(InputError, match="text"):
        nd.scan([{"id": "a"}])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"published": "2024-05-02"}, "published must be a datetime or None, not str"),
        ({"title": 5}, "title must be a str or None, not int"),
        ({"extra": []}, "extra must be a dict"),
    ],
)
def test_articles_validate_their_fields_at_construction(kwargs, message):
    with pytest.raises(TypeError, match=message):
        Article("a", "Body", **kwargs)
    with pytest.raises(TypeError, match="text must be a str"):
        Article("a", None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="id must be a str"):
        Article(7, "Body")  # type: ignore[arg-type]
    assert Article("a", "Body", published=datetime(2024, 5, 2, tzinfo=timezone.utc)).published
