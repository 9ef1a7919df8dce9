"""Smoke run of the benchmark code: a tiny corpus, every peer, metrics checked by hand.

Nothing here asserts speed; it keeps the generator, the peers and the harness
from rotting, and checks that what they report is computed correctly.
"""

from __future__ import annotations

import itertools
import json

import pytest

from benchmarks.corpus.build import write_corpus
from benchmarks.peers import PEERS, load_peer
from benchmarks.peers.base import Doc, PeerParams, clusters_from_pairs, shingle, words
from benchmarks.peers.run import child, run_peer
from newsdedup.evaluate.metrics import (
    adjusted_rand_index,
    evaluate_files,
    load_gold,
    pairwise_scores,
)

STORY_X = (
    "Heavy rain flooded the lower town on Tuesday night. Firefighters moved two hundred residents to the school hall. "
    "The river rose faster than forecasters had expected after a week of storms. Power was cut to four villages "
    "along the valley road. The mayor said the new flood barrier had held at the bridge. Engineers will inspect the "
    "dam at first light on Wednesday. Insurers said claims were likely to exceed last winter's total. Trains between "
    "the two cities were suspended until further notice. Volunteers handed out blankets and hot soup through the "
    "night. The council will meet on Friday to discuss compensation for shop owners."
)
STORY_Y = (
    "The chess club celebrated its centenary with a match against the university team. Forty players took part in "
    "a simultaneous exhibition led by the national champion. The oldest member, aged ninety one, won his game in "
    "thirty moves. Local bakers supplied a cake shaped like a rook for the occasion. The club plans to open a "
    "junior section in the autumn and is looking for coaches. Tickets for the gala dinner sold out within a day."
)


def hand_made_docs(size: int) -> list[Doc]:
    texts = [STORY_X, STORY_X, STORY_X.split(". ", 1)[0] + ".", STORY_Y, STORY_Y]
    return [Doc(i, f"a{i}", shingle(t, size), words(t)) for i, t in enumerate(texts)]


@pytest.mark.parametrize("peer", [p for p in PEERS if p != "exact-tfidf"])
def test_every_peer_on_a_hand_made_case(peer):
    # Gold: {a0, a1, a2} (a2 keeps only the first sentence of X) and {a3, a4}.
    # X has 9+9+13+10+12+10+11+10+10+12 = 106 words ("winter's" is two), so 102 distinct
    # 5-shingles; a2 has 9 words, 5 shingles, all in X: Jaccard(a0, a2) = 5/102, far below 0.5.
    # Jaccard(a0, a1) = Jaccard(a3, a4) = 1 and X and Y share no shingle, so at threshold 0.5
    # each peer must find {a0, a1} and {a3, a4} only.
    params = PeerParams(threshold=0.5)
    docs = hand_made_docs(params.shingle_size)
    a0, a2 = set(docs[0].shingles), set(docs[2].shingles)
    assert (len(a0), len(a2), len(a0 & a2)) == (102, 5, 5)
    result = load_peer(peer)([docs[:3], docs[3:]], params)
    labels = clusters_from_pairs(result.pairs, len(docs))
    pred = {d.id: int(labels[d.index]) for d in docs}
    gold = {"a0": "x", "a1": "x", "a2": "x", "a3": "y", "a4": "y"}
    assert pred["a0"] == pred["a1"] != pred["a2"] and pred["a3"] == pred["a4"] != pred["a0"]
    # Predicted pairs (a0,a1), (a3,a4), both true; gold pairs C(3,2) + 1 = 4.
    # P = 2/2, R = 2/4, F1 = 2/3.  Of 10 pairs: tp=2, fp=0, fn=2, tn=6:
    # ARI = 2(2*6 - 2*0) / ((2+2)(2+6) + (2+0)(0+6)) = 24/44.
    scores = pairwise_scores(pred, gold)
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 0.5, pytest.approx(2 / 3))
    assert adjusted_rand_index(pred, gold) == pytest.approx(24 / 44)
    assert all(seconds >= 0 for seconds in result.timings.values())


def test_tfidf_peer_on_the_hand_made_case():
    # Identical texts have cosine 1; X and Y share only function words, far below 0.8.
    docs = hand_made_docs(5)
    result = load_peer("exact-tfidf")([docs], PeerParams(cosine_threshold=0.8))
    found = {tuple(p) for p in result.pairs.tolist()}
    assert {(0, 1), (3, 4)} <= found
    assert not found & {(i, j) for i in (0, 1, 2) for j in (3, 4)}


def brute_force_jaccard_pairs(articles: list[dict], threshold: float) -> set[tuple[int, int]]:
    sets = [set(shingle(f"{a['title']}\n\n{a['text']}", 5)) for a in articles]
    return {
        (i, j)
        for i, j in itertools.combinations(range(len(sets)), 2)
        if sets[i] and sets[j] and len(sets[i] & sets[j]) >= threshold * len(sets[i] | sets[j])
    }


@pytest.mark.slow
def test_generator_and_all_peers(tmp_path, sentence_bank):
    # Every peer runs in this process (the harness's child code, fast); one also runs through the
    # subprocess path the suite uses, which must give the same pairs.
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 300, 5, sentence_bank)
    articles = [json.loads(line) for line in (corpus / "articles.jsonl").open()]
    gold = load_gold(corpus / "gold.jsonl")
    verbatim = [p for p in gold.pairs if p.groups == ("verbatim",)]
    assert verbatim, "the tiny corpus should hold an exact republication"
    params = PeerParams()
    for peer in PEERS:
        clusters = tmp_path / f"{peer}.clusters.jsonl"
        record = child(peer, corpus, params, clusters)
        assert record["articles"] == 300
        assert 0 < record["rss_before_mb"] <= record["peak_rss_mb"]
        assert record["timings"]["wall"] >= record["timings"]["peer"] > 0
        quality = evaluate_files(clusters, corpus / "gold.jsonl")
        assert 0.0 <= quality["pairwise"]["f1"] <= 1.0 and -1.0 <= quality["ari"] <= 1.0
        assert {json.loads(line)["id"] for line in clusters.open()} <= {a["id"] for a in articles}
        if peer != "exact-tfidf":
            # Identical texts have identical signatures: every MinHash peer must pair them.
            assert quality["recall_by_edit"]["verbatim"]["rate"] == 1.0, peer
        if peer == "exact-jaccard":
            assert record["pairs"] == len(brute_force_jaccard_pairs(articles, params.threshold))
        if peer == "numpy-minhash":
            in_process = record
    record = run_peer("numpy-minhash", corpus, params, tmp_path / "work")
    assert record["pairs"] == in_process["pairs"] and record["quality"]["articles"] == 300
