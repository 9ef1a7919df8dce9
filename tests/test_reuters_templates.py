"""Real daily templated reports of Reuters-21578 are kept apart; re-sends and corrections are not.

The pairs were found in the corpus as dispatches with the same title on
another day (``benchmarks.corpus.loaders.iter_reuters``), and each checked by
hand; the text beside each says what changed. The words are weighed by the
document frequencies of the dispatches of these pairs.

A report whose only change is one quote and the row after it (U.S. FEEDER
STEER PRICE 13697/16236) is a template too: a value after a value keeps its
place (``quote <value> 69.25``), and a price before a month name
(``69.25 April 3``) is not read as a date's day, so two values changed in
place are seen; one alone stays a possible correction or scanning error
(``1986/87`` read ``198``): ``MIN_CHANGED_FIGURES``.
"""

from __future__ import annotations

import pytest

from newsdedup import Relation
from newsdedup.config import DetectorConfig
from newsdedup.judge.features import pair_scores
from newsdedup.judge.verify import RELATION_NAMES, relation_codes

#: Same title, a day or more later, the data changed: different news.
TEMPLATES = {
    ("13834", "15540"): "BRAZILIAN COFFEE RAINFALL: 33.0 mm and 5.0 mm become NIL",
    ("6046", "7207"): "FED ADDS RESERVES: two billion becomes 1.5 billion, 6-1/16 pct six pct",
    ("3735", "4298"): "FED ADDS RESERVES, 23.99 hours later: 6-5/16 pct becomes 6-1/8",
    ("12081", "14360"): "GRAIN SHIPS WAITING AT NEW ORLEANS: new ship counts",
    ("3057", "3595"): "HOG AND CATTLE SLAUGHTER GUESSTIMATES: new estimates",
    ("13697", "16236"): "U.S. FEEDER STEER PRICE: quote 69.35 / 69.25 becomes 70.03 / 69.87",
}
#: Same title within hours: re-sends and corrections, the same news.
RESENDS = {
    ("1759", "1768"): "WTD INDUSTRIES results corrected (sales 4,403,852 to 4,403,000), 6 minutes",
    ("4361", "4385"): "DIGIMED results corrected (two becomes 1.5, a line dropped), 24 minutes",
    ("8729", "8763"): "BRAZIL bankworkers: 110 corrected to 100, a paragraph added, 1 hour",
    ("13541", "13622"): "STRONG QUAKE: 9:40 A.M. rewritten 0940 hrs, 1 hour",
    ("3351", "3411"): "WORLD BANK REPORT: re-sent with capitals restored, 2 hours",
}


@pytest.fixture(scope="module")
def dispatches(reuters_dir):
    from benchmarks.corpus.loaders import iter_reuters

    wanted = {i for pair in [*TEMPLATES, *RESENDS] for i in pair}
    return {a.id: a for a in iter_reuters(reuters_dir) if a.id in wanted}


def _relations(dispatches, pairs) -> dict[tuple[str, str], str]:
    ids = sorted(dispatches)
    position = {aid: n for n, aid in enumerate(ids)}
    index = [(position[a], position[b]) for a, b in pairs]
    s = pair_scores([dispatches[i] for i in ids], index)
    codes = relation_codes(s, DetectorConfig())
    return {pair: RELATION_NAMES[int(c)] for pair, c in zip(pairs, codes)}


@pytest.mark.slow
def test_daily_templated_reports_are_not_merged(dispatches):
    for pair, relation in _relations(dispatches, list(TEMPLATES)).items():
        assert relation in (Relation.TEMPLATE.value, "none"), (pair, TEMPLATES[pair], relation)


@pytest.mark.slow
def test_resends_and_corrections_within_hours_stay_duplicates(dispatches):
    for pair, relation in _relations(dispatches, list(RESENDS)).items():
        assert relation in ("exact", "near", "partial", "rewrite"), (pair, RESENDS[pair], relation)


@pytest.mark.slow
def test_the_same_report_with_its_data_changed_is_a_template_even_reworded(dispatches):
    """A template repeated with new data is called one (not just left unmatched)."""
    relations = _relations(dispatches, [("13834", "15540"), ("6046", "7207")])
    assert set(relations.values()) == {Relation.TEMPLATE.value}


def test_same_title_pairs_are_consecutive_by_publication_time():
    from datetime import datetime, timezone

    from benchmarks.suite.reuters_titles import same_title_pairs
    from newsdedup import Article

    def at(day: int) -> datetime:
        return datetime(1987, 4, day, tzinfo=timezone.utc)

    articles = [
        Article("a", "x", title="Fed adds reserves", published=at(9)),
        Article("b", "x", title="FED ADDS RESERVES ", published=at(2)),
        Article("c", "x", title="Other", published=at(3)),
        Article("d", "x", title="Fed adds reserves", published=at(5)),
        Article("e", "x", title="Fed adds reserves"),  # no date: left out
    ]
    assert same_title_pairs(articles) == [(1, 3), (3, 0)]
