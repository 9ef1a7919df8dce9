"""TF-IDF counts document frequencies on the terms its vectors are made of, in every path.

In character mode the terms are character trigrams: a batch scan, ``compare``
and the live index must count trigrams, not single characters, or every
trigram is looked up with a frequency of zero and IDF weighs nothing.
"""

from __future__ import annotations

import numpy as np
import pytest
from index_fixtures import story

from newsdedup import Article, DetectorConfig, compare
from newsdedup.batch.corpus import build_corpus
from newsdedup.judge.tfidf import CorpusStats, cosine_pairs, terms
from newsdedup.sketch.featurize import Featurizer
from newsdedup.text.tokenize import tokenize

TEXTS = [story(21), story(22), story(21)[:400] + " " + story(23)]


@pytest.mark.parametrize("kind", ["word", "char"])
def test_a_batch_counts_frequencies_of_the_terms_its_vectors_use(kind):
    config = DetectorConfig.from_options(shingle_kind=kind)
    corpus = build_corpus([Article(f"a{i}", t) for i, t in enumerate(TEXTS)], config)
    try:
        tokens, _, offsets = corpus.spool.take(np.arange(len(TEXTS)))
    finally:
        corpus.close()
    model = corpus.stats.model()
    doc_terms, term_offsets = terms(tokens, offsets, char_mode=kind == "char")
    features = doc_terms.astype(np.int64) & (model.n_features - 1)
    # Every term of a counted document occurs in at least one document...
    assert (corpus.stats.df[features] >= 1).all()
    # ...and the terms of the first document that the third one shares are in two.
    first = set(features[term_offsets[0] : term_offsets[1]].tolist())
    third = set(features[term_offsets[2] : term_offsets[3]].tolist())
    assert (corpus.stats.df[sorted(first & third)] >= 2).all()
    assert corpus.stats.n_docs == len(TEXTS)


@pytest.mark.parametrize("kind", ["word", "char"])
def test_compare_weighs_terms_by_the_frequencies_of_those_terms(kind):
    config = DetectorConfig.from_options(shingle_kind=kind)
    result = compare(TEXTS[0], TEXTS[2], config)
    featurizer = Featurizer(config)
    batch = tokenize(
        [featurizer.normalize(t, None) for t in (TEXTS[0], TEXTS[2])], char_mode=kind == "char"
    )
    stats = CorpusStats()
    stats.add(*terms(batch.hashes, batch.offsets, char_mode=kind == "char"))
    vectors = stats.model().vectors(*terms(batch.hashes, batch.offsets, char_mode=kind == "char"))
    expected = cosine_pairs(vectors, np.array([0]), np.array([1]))[0]
    assert result.scores.cosine == pytest.approx(round(float(expected), 4), abs=1e-4)
