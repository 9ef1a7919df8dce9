"""The batch scan and the live index give the same relations and scores for the same articles.

The corpus holds one pair of each kind, built so the kind follows from the
construction: an upper-cased copy (exact), a copy with a sentence added
(near), the first 60% of a story (partial), a story with every fifth word
replaced (a rewrite: every 5-word shingle is broken, 80% of the words are
kept), a story with other figures (a template), and unrelated stories.

What makes the comparison fair (README, "Differences from scan"): every copy
is published an hour after its original, so the index's original (the first
indexed) is also scan's (the earliest published); all articles go into the
index in one write, so it learns from the same articles as scan and counts
document frequencies on the same corpus; and the second variant stores the
originals first and queries the copies, whose batch counts in IDF as scan's
corpus does.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from index_fixtures import story, trimmed

from newsdedup import Detector
from newsdedup.config import DetectorConfig
from newsdedup.index import LiveIndex, SQLiteStore
from newsdedup.models import Article

MORNING = datetime(2024, 3, 4, 8, 0, tzinfo=timezone.utc)


def reworded(text: str) -> str:
    words = text.split()
    return " ".join(f"{w[::-1]}x" if i % 5 == 2 and w.isalpha() else w for i, w in enumerate(words))


def other_figures(text: str) -> str:
    figures = iter(range(100, 1000, 7))
    return " ".join(str(next(figures)) if w.isdigit() else w for w in text.split())


def corpus() -> tuple[list[Article], list[Article]]:
    a, b, c, d, e = (story(40 + i, words=160) for i in range(5))
    originals = {"a": a, "b": b, "c": c, "d": d, "e": e, "f": story(50), "g": story(51)}
    copies = {
        "a-exact": a.upper(),
        "b-near": b + " Additional reporting by the foreign desk in the capital.",
        "c-partial": trimmed(c, 0.6),
        "d-rewrite": reworded(d),
        "e-template": other_figures(e),
    }

    def dated(texts: dict[str, str], at: datetime) -> list[Article]:
        return [
            Article(i, t, published=at + timedelta(minutes=n))
            for n, (i, t) in enumerate(texts.items())
        ]

    return dated(originals, MORNING), dated(copies, MORNING + timedelta(hours=1))


def scan_view(articles: list[Article], config: DetectorConfig) -> dict[str, tuple]:
    """Per copy: (relation, original, scores) from scan's clusters; templates from its pairs."""
    result = Detector(config).run(articles)
    view: dict[str, tuple] = {
        m.id: (m.relation.value, c.original, m.scores) for c in result.clusters for m in c.members
    }
    for m in result.matches:
        if m.relation.value == "template":
            view[m.b] = ("template", m.a, None)
    return view


def index_view(verdicts) -> dict[str, tuple]:
    view: dict[str, tuple] = {}
    for v in verdicts:
        if v.original:
            assert v.via is None, v  # every copy here matches its original directly
            view[v.id] = (v.verdict, v.original, v.scores)
        elif v.note and "template" in v.note:
            view[v.id] = ("template", v.note.split()[2].rstrip(","), None)
    return view


def assert_same(scan: dict[str, tuple], index: dict[str, tuple]) -> None:
    assert set(index) == set(scan)
    for aid, (relation, original, scores) in scan.items():
        assert index[aid][:2] == (relation, original), aid
        if scores is not None:
            assert index[aid][2] == pytest.approx(scores, abs=1e-4), aid


EXPECTED = {
    "word": {"exact", "near", "partial", "rewrite", "template"},
    "char": {"exact", "near", "partial"},
}


@pytest.mark.parametrize("kind", ["word", "char"])
def test_one_write_gives_scans_relations_and_scores(kind, tmp_path):
    config = DetectorConfig.from_options(shingle_kind=kind)
    originals, copies = corpus()
    scan = scan_view(originals + copies, config)
    assert EXPECTED[kind] <= {relation for relation, _, _ in scan.values()}
    with LiveIndex(SQLiteStore(tmp_path / "one.db"), config) as index:
        live = index_view(index.add(originals + copies))
    assert_same(scan, live)


@pytest.mark.parametrize("kind", ["word", "char"])
def test_originals_added_then_copies_queried_give_scans_relations_and_scores(kind, tmp_path):
    config = DetectorConfig.from_options(shingle_kind=kind)
    originals, copies = corpus()
    scan = scan_view(originals + copies, config)
    with LiveIndex(SQLiteStore(tmp_path / "two.db"), config) as index:
        assert all(v.verdict == "new" for v in index.add(originals))
        live = index_view(index.check(copies))
        assert index.stats().articles == len(originals)
    assert_same(scan, live)
