"""The Reuters-21578 pairs fixture: readable by read_articles, and what its notes claim.

The expected dates and differences below were read off the dispatches by
hand (see the notes in the fixture and tests/fixtures/make_reuters_fixture.py).
"""

from __future__ import annotations

import importlib.util
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import SHARED_DATA

from newsdedup.io import read_articles

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE = FIXTURES / "reuters_pairs.jsonl"
CORPUS = SHARED_DATA / "reuters21578"
UTC = timezone.utc


@pytest.fixture(scope="module")
def articles():
    return {a.id: a for a in read_articles([FIXTURE])}


def words(text):
    return text.split()


def test_fixture_holds_the_chosen_dispatches(articles):
    assert list(articles) == ["12081", "14360", "522", "3164", "9915", "10038"]
    assert {a.source for a in articles.values()} == {"reuters"}
    assert all(set(a.extra) == {"note"} for a in articles.values())


def test_reuters_dates_are_parsed(articles):
    assert articles["12081"].published == datetime(1987, 4, 1, 12, 20, 40, 10000, tzinfo=UTC)
    assert articles["522"].published == datetime(1987, 3, 2, 11, 44, 41, 930000, tzinfo=UTC)
    assert articles["10038"].published == datetime(1987, 3, 26, 12, 50, 57, 930000, tzinfo=UTC)


def test_notes_name_their_pairs(articles):
    notes = {aid: a.extra["note"] for aid, a in articles.items()}
    assert notes["12081"].startswith("template pair A (with 14360)")
    assert notes["14360"].startswith("template pair A (with 12081)")
    assert notes["522"].startswith("template pair B (with 3164)")
    assert notes["3164"].startswith("template pair B (with 522)")
    assert notes["9915"].startswith("corrected pair (original; corrected by 10038)")
    assert notes["10038"].startswith("corrected pair (correction of 9915)")


def test_grain_template_pair_differs_only_in_figures(articles):
    a, b = words(articles["12081"].text), words(articles["14360"].text)
    assert (
        articles["12081"].title == articles["14360"].title == "GRAIN SHIPS WAITING AT NEW ORLEANS"
    )
    assert len(a) == len(b)
    changed = [(x, y) for x, y in zip(a, b) if x != y]
    assert changed[:2] == [("Ten", "Nine"), ("18", "16")]
    assert all(y.isdigit() for _, y in changed[2:])  # the rest are table counts


def test_fed_template_pair_differs_in_one_amount(articles):
    a, b = words(articles["522"].text), words(articles["3164"].text)
    assert [(x, y) for x, y in zip(a, b) if x != y] == [("1.5", "2.5")]
    assert len(a) == len(b)


def test_corrected_pair_fixes_one_word_and_adds_a_note(articles):
    original, corrected = articles["9915"], articles["10038"]
    assert corrected.title == "(CORRECTED) - " + original.title
    fixed = " ".join(words(original.text)).replace("components a year.", "components a day.")
    note = "(Correcting unit's output to barrels/day from barrels/year)"
    assert " ".join(words(corrected.text)) == fixed.replace(" Reuter", f" {note} Reuter")


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"Reuters-21578 corpus not found at {CORPUS}")
def test_fixture_matches_the_corpus():
    spec = importlib.util.spec_from_file_location(
        "make_reuters_fixture", FIXTURES / "make_reuters_fixture.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.render(module.build_records(CORPUS)) == FIXTURE.read_text(encoding="utf-8")
