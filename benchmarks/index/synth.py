"""Realistic synthetic news articles for index benchmarks, built from the BBC corpus.

Each article is ~600 words: a headline and ~30 sentences drawn at random from
the BBC News texts (2,225 articles, ~45,000 sentences). Articles share
vocabulary and style like real news, but two of them rarely share a sentence,
so they are distinct unless made copies on purpose: a share of the stream
(``copy_share``) are copies of an earlier article (trimmed, re-headlined,
lightly edited), as a wire feed carries.

    from synth import SyntheticNews
    for article in SyntheticNews(seed=1).articles(10_000): ...
"""

from __future__ import annotations

import glob
import os
import random
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

from newsdedup.models import Article

BBC = os.environ.get(
    "NEWSDEDUP_BBC", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "bbc")
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def bbc_sentences(root: str = BBC) -> tuple[list[str], list[str]]:
    """(headlines, body sentences) of the BBC News corpus."""
    files = sorted(glob.glob(os.path.join(root, "*", "*.txt")))
    if not files:
        raise SystemExit(f"BBC corpus not found under {root} (set NEWSDEDUP_BBC)")
    heads, sentences = [], []
    for path in files:
        with open(path, encoding="latin-1") as handle:
            lines = [line.strip() for line in handle if line.strip()]
        heads.append(lines[0])
        for paragraph in lines[1:]:
            sentences.extend(s for s in _SENTENCE.split(paragraph) if len(s.split()) >= 5)
    return heads, sentences


class SyntheticNews:
    """A reproducible stream of ~600-word articles, some of them copies of earlier ones."""

    def __init__(self, seed: int = 1, words: int = 600, copy_share: float = 0.1) -> None:
        self.rng = random.Random(seed)
        self.words = words
        self.copy_share = copy_share
        self.heads, self.sentences = bbc_sentences()
        self.start = datetime(2024, 1, 1, tzinfo=timezone.utc)

    def _body(self) -> list[str]:
        out, n = [], 0
        while n < self.words:
            s = self.rng.choice(self.sentences)
            out.append(s)
            n += len(s.split())
        return out

    def _copy(self, body: list[str]) -> list[str]:
        kind = self.rng.random()
        if kind < 0.4:  # trimmed: the first two thirds
            return body[: max(3, 2 * len(body) // 3)]
        if kind < 0.8:  # lightly edited: a few sentences dropped, a line added
            kept = [s for s in body if self.rng.random() > 0.1]
            return kept + ["Additional reporting by our correspondent."]
        return list(body)  # verbatim under a new id and headline

    def articles(self, n: int, start: int = 0) -> Iterator[Article]:
        recent: list[list[str]] = []
        for i in range(start, start + n):
            if recent and self.rng.random() < self.copy_share:
                body = self._copy(self.rng.choice(recent))
            else:
                body = self._body()
                recent.append(body)
                if len(recent) > 1000:
                    recent.pop(0)
            yield Article(
                id=f"a{i}",
                title=self.rng.choice(self.heads),
                text=_paragraphs(body),
                source=f"outlet{i % 20}",
                published=self.start + timedelta(minutes=i),
            )


def _paragraphs(sentences: list[str], per_paragraph: int = 3) -> str:
    """Sentences grouped three to a paragraph, as news pages are."""
    return "\n\n".join(
        " ".join(sentences[i : i + per_paragraph]) for i in range(0, len(sentences), per_paragraph)
    )
