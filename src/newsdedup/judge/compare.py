"""Compare two articles directly: scores, relation, reason and shared passages.

The same verification as a batch scan, on one pair. TF-IDF needs document
frequencies: by default they come from the two articles alone (so words in
both weigh less than words in one); pass ``corpus`` to weigh words as the
corpus does, as ``scan`` would.

Example:
    >>> text = "Defence ministers of the alliance meet in Brussels on Tuesday to discuss support for Ukraine."
    >>> result = compare(text, "Breaking news. " + text)
    >>> result.relation.value, result.passages[0].words
    ('near', 15)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice

import numpy as np

from ..config import DetectorConfig
from ..models import Article, Relation, Scores
from ..sketch.featurize import Featurizer
from ..sketch.robust import apply_ocr_view, ocr_units
from ..text.tokenize import tokenize
from .explain import Passage, coverage, only_in, shared_passages
from .tfidf import CorpusStats, terms
from .verify import Verifier, explain_reason, relation_of

__all__ = ["Comparison", "compare"]


@dataclass
class Comparison:
    """Everything known about one pair of articles."""

    a: str
    b: str
    relation: Relation | None
    scores: Scores
    phrases: float
    reason: str
    words_a: int
    words_b: int
    passages: list[Passage] = field(default_factory=list)
    shared_a: float = 0.0
    shared_b: float = 0.0
    only_a: list[Passage] = field(default_factory=list)
    only_b: list[Passage] = field(default_factory=list)

    @property
    def is_duplicate(self) -> bool:
        return self.relation is not None and self.relation.is_duplicate

    def to_dict(self) -> dict:
        return {
            "a": self.a,
            "b": self.b,
            "relation": self.relation.value if self.relation else None,
            "duplicate": self.is_duplicate,
            **self.scores.to_dict(),
            "phrases": round(self.phrases, 4),
            "reason": self.reason,
            "words": {"a": self.words_a, "b": self.words_b},
            "shared": {"a": round(self.shared_a, 4), "b": round(self.shared_b, 4)},
            "passages": [p.to_dict() for p in self.passages],
            "only_in_a": [
                {"words": p.a_end - p.a_start, "a": [p.a_start, p.a_end], "text": p.text}
                for p in self.only_a
            ],
            "only_in_b": [
                {"words": p.b_end - p.b_start, "b": [p.b_start, p.b_end], "text": p.text}
                for p in self.only_b
            ],
        }


def _as_article(item: Article | str, default_id: str) -> Article:
    return item if isinstance(item, Article) else Article(default_id, item)


def compare(
    a: Article | str,
    b: Article | str,
    config: DetectorConfig | None = None,
    corpus: Iterable[Article] | None = None,
    min_passage_words: int | None = None,
) -> Comparison:
    """Score two articles and explain the verdict.

    Args:
        a, b: Articles, or plain texts.
        config: Detector settings (thresholds, shingles).
        corpus: Articles whose document frequencies weigh the TF-IDF cosine.
        min_passage_words: Shortest shared passage to report (default: the shingle size).
    """
    config = config or DetectorConfig()
    art_a, art_b = _as_article(a, "a"), _as_article(b, "b")
    featurizer = Featurizer(config)
    norm = config.normalize
    char_mode = config.shingle.char_mode
    options = dict(
        char_mode=char_mode,
        fold_accents=norm.fold_accents,
        elision=norm.elision,
    )
    texts = [featurizer.normalize(x.full_text, x.source) for x in (art_a, art_b)]
    batch = tokenize(texts, spans=True, **options)
    stats = CorpusStats()
    stats.add(*terms(batch.hashes, batch.offsets, char_mode))
    stream = iter(corpus or ())
    while chunk := list(islice(stream, 512)):
        other = tokenize(
            [featurizer.normalize(art.full_text, art.source) for art in chunk], **options
        )
        stats.add(*terms(other.hashes, other.offsets, char_mode))
    verifier = Verifier(config, stats.model())
    published = np.array(
        [x.published.timestamp() if x.published else np.nan for x in (art_a, art_b)]
    )
    scores = verifier.score(
        batch.hashes, batch.flags, batch.offsets, np.array([0]), np.array([1]), published
    )
    codes = verifier.relations(scores)
    if config.lsh.ocr_pass:  # the batch detector's OCR view, on the two texts
        pair = np.array([0]), np.array([1])
        codes = apply_ocr_view(codes, scores, ocr_units(texts), *pair, config)
    code = int(codes[0])
    passages = shared_passages(batch, 0, 1, min_passage_words or config.shingle.size)
    n_a, n_b = (int(x) for x in np.diff(batch.offsets))
    shared_a, shared_b = coverage(passages, n_a, n_b)
    return Comparison(
        art_a.id,
        art_b.id,
        relation_of(code),
        scores.scores(0),
        float(scores.phrases[0]),
        explain_reason(code, scores, 0, config),
        n_a,
        n_b,
        sorted(passages, key=lambda p: -p.words),
        shared_a,
        shared_b,
        only_in(batch, 0, passages, "a"),
        only_in(batch, 1, passages, "b"),
    )
