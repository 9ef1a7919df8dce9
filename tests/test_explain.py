"""Explanations: shared passages, and what each side has alone."""

from __future__ import annotations

from newsdedup import compare
from newsdedup.judge.explain import coverage, only_in, shared_passages
from newsdedup.text.tokenize import tokenize

A = "Breaking news: the defence ministers meet in Brussels on Tuesday to discuss aid for Ukraine and arms"
B = "The defence ministers meet in Brussels on Tuesday to discuss aid for Ukraine, officials said on Monday evening"


def test_shared_passage_is_the_longest_common_run():
    batch = tokenize([A, B], spans=True)
    passages = shared_passages(batch, 0, 1, min_words=5)
    assert [p.text for p in passages] == [
        "the defence ministers meet in Brussels on Tuesday to discuss aid for Ukraine"
    ]
    (p,) = passages
    # 13 shared words; A has 2 before and 2 after them (17 words), B 5 after (18 words).
    assert (p.a_start, p.a_end, p.b_start, p.b_end) == (2, 15, 0, 13)
    assert coverage(passages, 17, 18) == (13 / 17, 13 / 18)


def test_moved_paragraphs_are_found_in_any_order():
    first = "alpha beta gamma delta epsilon zeta eta theta"
    second = "one two three four five six seven eight"
    batch = tokenize([f"{first} {second}", f"{second} {first}"], spans=True)
    assert sorted(p.text for p in shared_passages(batch, 0, 1, min_words=5)) == sorted(
        [first, second]
    )


def test_what_each_side_has_alone():
    batch = tokenize([A, B], spans=True)
    passages = shared_passages(batch, 0, 1, min_words=5)
    assert [p.text for p in only_in(batch, 1, passages, "b")] == [
        "officials said on Monday evening"
    ]
    assert only_in(batch, 0, passages, "a") == []  # "Breaking news" and "and arms": two words each
    assert [p.text for p in only_in(batch, 0, passages, "a", min_words=2)] == [
        "Breaking news",
        "and arms",
    ]


def test_comparison_reports_additions_and_why_it_is_not_a_copy():
    result = compare(A, B)
    data = result.to_dict()
    assert data["only_in_b"] == [
        {"words": 5, "b": [13, 18], "text": "officials said on Monday evening"}
    ]
    assert result.relation is None
    assert "too short to judge as a rewrite" in result.reason
