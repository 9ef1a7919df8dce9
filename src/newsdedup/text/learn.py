"""What a corpus teaches before its articles are signed: boilerplate and common words.

Both are learned on the first articles of a run (``NormalizeConfig.
boilerplate_sample``), so memory stays bounded and every article is then
featurised the same way, in any worker process.

* **Boilerplate**: short lines recurring within one source (see ``boilerplate.py``).
* **Common words**: words in at least 1% of the sampled articles (function
  words of every language the corpus holds). The rewrite pass compares the
  sets of an article's *other* words: with them in, any two articles of a
  language look alike; without them, a reworded copy still shares most of
  its names and content words with its source. Small samples (under
  ``MIN_SAMPLE_FOR_COMMON``) teach no common words: there is no telling a
  function word from a shared name in a handful of articles.

Example:
    >>> from newsdedup.config import DetectorConfig
    >>> from newsdedup.models import Article
    >>> learned = learn_from_sample([Article(str(i), f"the story {i}") for i in range(3)], DetectorConfig())
    >>> len(learned.common_words), len(learned.boilerplate)
    (0, 0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..config import DetectorConfig
from ..models import Article
from ..sketch.shingle import sorted_sets
from .boilerplate import BoilerplateLearner, LearnedBoilerplate
from .normalize import normalize_text
from .tokenize import tokenize

__all__ = ["COMMON_SHARE", "MIN_SAMPLE_FOR_COMMON", "Learned", "learn_from_sample"]

#: A word in at least this share of the sample is common.
COMMON_SHARE = 0.01
#: Fewer sampled articles than this teach no common words.
MIN_SAMPLE_FOR_COMMON = 1000


@dataclass
class Learned:
    """Learned boilerplate lines and common-word hashes (sorted uint32)."""

    boilerplate: LearnedBoilerplate = field(default_factory=LearnedBoilerplate)
    common_words: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint32))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, stored with a live index so every later article is featurised alike."""
        return {
            "common_words": self.common_words.tolist(),
            "boilerplate": self.boilerplate.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Learned:
        """Inverse of :meth:`to_dict` (None gives nothing learned).

        Example:
            >>> learned = Learned.from_dict({"common_words": [7, 3], "boilerplate": {"site": ["Share"]}})
            >>> learned.common_words.tolist(), learned.boilerplate.drops("site")("Share")
            ([3, 7], True)
        """
        if not data:
            return cls()
        lines = {
            source: frozenset(found) for source, found in (data.get("boilerplate") or {}).items()
        }
        return cls(
            LearnedBoilerplate(lines), np.array(sorted(data.get("common_words") or []), np.uint32)
        )


def _common_words(texts: list[str], config: DetectorConfig) -> np.ndarray:
    if (
        len(texts) < MIN_SAMPLE_FOR_COMMON
        or config.shingle.kind == "char"
        or not config.lsh.common_words
    ):
        return np.zeros(0, np.uint32)
    norm = config.normalize
    counts: dict[int, int] = {}
    for lo in range(0, len(texts), 2048):
        batch = tokenize(
            texts[lo : lo + 2048], fold_accents=norm.fold_accents, elision=norm.elision
        )
        distinct, _ = sorted_sets(batch.hashes, batch.offsets)
        values, n = np.unique(distinct, return_counts=True)
        for value, count in zip(values.tolist(), n.tolist()):
            counts[value] = counts.get(value, 0) + count
    floor = COMMON_SHARE * len(texts)
    return np.array(sorted(v for v, n in counts.items() if n >= floor), np.uint32)


def learn_from_sample(sample: list[Article], config: DetectorConfig) -> Learned:
    """Learn boilerplate (if enabled) and common words from the first articles."""
    if not sample:
        return Learned()
    cfg = config.normalize
    texts = [normalize_text(a.full_text, cfg) for a in sample]
    boilerplate = LearnedBoilerplate()
    if cfg.learn_boilerplate:
        learner = BoilerplateLearner(
            cfg.boilerplate_min_articles, cfg.boilerplate_min_share, cfg.boilerplate_max_tokens
        )
        for article, text in zip(sample, texts):
            learner.observe(article.source, text)
        boilerplate = learner.learned()
    return Learned(boilerplate, _common_words(texts, config))
