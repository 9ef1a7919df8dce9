"""Relations decided on real wire copy: templates, corrections, trims, quotes and rewrites."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newsdedup import Article, Relation, compare
from newsdedup.io import read_articles

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def reuters() -> dict[str, Article]:
    return {a.id: a for a in read_articles([str(FIXTURES / "reuters_pairs.jsonl")])}


def test_grain_ships_template_is_different_news(reuters):
    result = compare(reuters["12081"], reuters["14360"])
    assert result.relation is Relation.TEMPLATE
    assert not result.is_duplicate
    assert result.scores.numbers < 0.8  # much of the text differs only in its figures
    assert "figures" in result.reason


def test_fed_repurchase_template_a_week_apart_is_different_news(reuters):
    result = compare(reuters["522"], reuters["3164"])
    assert result.relation is Relation.TEMPLATE
    assert result.scores.jaccard > 0.7  # the wording is nearly identical


def test_without_dates_one_figure_in_a_short_dispatch_is_still_a_template(reuters):
    # One figure differs in a 50-word dispatch: 10% of it differs only in a
    # figure, which is the (undated) bar; splitting different news wins.
    a, b = reuters["522"], reuters["3164"]
    result = compare(Article(a.id, a.text, a.title), Article(b.id, b.text, b.title))
    assert result.relation is Relation.TEMPLATE
    assert result.scores.numbers == 0.5  # one of its two figures differs


def test_a_corrected_figure_in_a_long_dispatch_stays_a_duplicate(seed_articles):
    original = seed_articles[4].text
    assert "40 milliards" in original
    corrected = original.replace("40 milliards", "42 milliards")
    result = compare(original, corrected)
    assert result.relation is Relation.NEAR
    # 2 of its 3 figures agree ("9 juillet" is a date: dates are left out of the figures).
    assert abs(result.scores.numbers - 2 / 3) < 1e-9


def test_a_dispatch_re_sent_the_next_day_with_a_new_dateline_stays_a_duplicate():
    text = (
        "HAVANA, March {} - Spain has granted Cuba a 25 mln dlr credit line for the purchase of Spanish "
        "goods and services in the iron and steel industry, the repair of fishing boats and development "
        "of industrial projects, Prensa Latina said. The credit line was agreed by a joint commission."
    )
    day1 = Article(
        "a", text.format(22), published=datetime(1987, 3, 22, 0, 53, tzinfo=timezone.utc)
    )
    day2 = Article(
        "b", text.format(23), published=datetime(1987, 3, 23, 9, 54, tzinfo=timezone.utc)
    )
    result = compare(day1, day2)
    assert result.is_duplicate and result.scores.numbers == 1.0
    # The same two days, but a figure of the news changed as well: a new report.
    day2_new = Article("c", text.format(23).replace("25 mln", "40 mln"), published=day2.published)
    assert compare(day1, day2_new).relation is Relation.TEMPLATE


def test_corrected_dispatch_stays_a_duplicate(reuters):
    result = compare(reuters["9915"], reuters["10038"])
    assert result.relation in (Relation.NEAR, Relation.PARTIAL)
    assert result.scores.numbers == 1.0


def test_trimmed_republication_is_partial(seed_articles):
    original = seed_articles[1].text
    paragraphs = [p for p in original.split("\n\n") if p.strip()]
    trimmed = "\n\n".join(paragraphs[: len(paragraphs) // 3])
    result = compare(original, trimmed)
    assert result.relation is Relation.PARTIAL
    assert result.scores.containment > 0.95
    assert result.scores.jaccard < 0.5


def test_dispatch_quoted_inside_a_longer_article_is_partial(seed_articles):
    dispatch = seed_articles[0].text
    longer = seed_articles[2].text + "\n\n" + dispatch + "\n\n" + seed_articles[4].text
    result = compare(dispatch, longer)
    assert result.relation is Relation.PARTIAL
    assert result.shared_a > 0.95


SYNONYMS = {
    "said": "stated",
    "meeting": "gathering",
    "ministers": "officials",
    "support": "backing",
    "alliance": "bloc",
    "defence": "defense",
    "weapons": "arms",
    "also": "further",
    "would": "will",
    "the": "this",
    "on": "upon",
    "to": "towards",
    "of": "from",
}


def reword(text: str) -> str:
    """A light rewrite: common words swapped for synonyms, sentences reversed within paragraphs."""
    out = []
    for paragraph in text.split("\n\n"):
        sentences = re.split(r"(?<=[.!?])\s+", paragraph.strip())
        swapped = [" ".join(SYNONYMS.get(w.lower(), w) for w in s.split()) for s in sentences]
        out.append(" ".join(reversed(swapped)))
    return "\n\n".join(out)


def test_reworded_copy_is_a_rewrite(bbc_dir):
    text = (bbc_dir / "politics" / "001.txt").read_text(encoding="latin-1")
    result = compare(text, reword(text))
    assert result.scores.jaccard < 0.6  # the phrasing changed a lot...
    assert result.relation is Relation.REWRITE  # ...but it is the same story


def test_same_event_reports_are_not_copies(seed_articles):
    # Seeds 000 and 003 cover the same February 2023 meeting in different words.
    result = compare(seed_articles[0], seed_articles[3], corpus=seed_articles)
    assert result.relation is None
    assert result.scores.jaccard < 0.05
    assert result.scores.cosine < 0.5
    assert result.reason.startswith("not a copy")


def test_a_price_before_a_month_name_is_not_a_date_but_the_day_after_it_is():
    from newsdedup.judge.verify import date_figures
    from newsdedup.text.tokenize import tokenize

    b = tokenize(["quote 69.35 69.25 april 3 and 1987 march 2099 then 45 may 7th"])
    marked = [n for n, d in enumerate(date_figures(b.hashes, b.flags, b.offsets)) if d]
    # Tokens: quote 69.35 69.25 april 3 and 1987 march 2099 then 45 may 7th
    assert marked == [4, 6, 8, 12]


def test_values_in_a_table_row_keep_their_place_when_the_value_before_them_changes():
    import numpy as np

    from newsdedup.judge.datachange import changed_figures
    from newsdedup.text.tokenize import tokenize

    b = tokenize(
        [
            "previous quote 69.35 69.25 reuter",
            "previous quote 70.03 69.87 reuter",  # both values new: two places changed
            "previous quote 70.03 69.25 reuter",  # only the first one new
        ]
    )
    changed = changed_figures(b.hashes, b.flags, b.offsets, np.array([0, 0]), np.array([1, 2]))
    assert changed.tolist() == [2, 1]
