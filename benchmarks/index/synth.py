"""Realistic synthetic news articles for the live-index benchmark, built from the BBC corpus.

Each article is ~600 words: a headline and ~30 sentences drawn at random from
the BBC News texts (2,225 articles, ~39,000 sentences of five words or more).
Articles share vocabulary and style like real news, but two of them rarely
share a sentence, so they are distinct unless made copies on purpose: a share
of the stream (``copy_share``) are copies of an earlier article (trimmed,
re-headlined, lightly edited), as a wire feed carries.

The corpus is read by :func:`benchmarks.corpus.loaders.iter_bbc`, from
``$NEWSDEDUP_DATA/bbc`` unless a folder is given.

Example:
    >>> from benchmarks.index.synth import SyntheticNews
    >>> news = SyntheticNews(seed=1)  # doctest: +SKIP
    >>> [a.id for a in news.articles(3)]  # doctest: +SKIP
    ['a0', 'a1', 'a2']
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

from newsdedup.models import Article

from ..corpus.loaders import data_root, iter_bbc

__all__ = ["SyntheticNews", "bbc_sentences"]

#: Sentences end at . ! or ? before a capital or a quote. Coarser than
#: :func:`benchmarks.corpus.sentences.split_sentences` on purpose: it is the cut the
#: published live-index figures were measured with, and changing it would change
#: every synthetic article.
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
MIN_WORDS = 5


def bbc_sentences(root: str | Path | None = None) -> tuple[list[str], list[str]]:
    """(headlines, body sentences of at least five words) of the BBC News corpus.

    Args:
        root: The ``bbc`` folder; ``$NEWSDEDUP_DATA/bbc`` when None.

    Raises:
        InputError: The folder is missing or holds no ``topic/NNN.txt`` file.
    """
    heads: list[str] = []
    sentences: list[str] = []
    for article in iter_bbc(root if root is not None else data_root() / "bbc"):
        heads.append(article.title or "")
        for paragraph in article.text.split("\n\n"):
            sentences.extend(s for s in _SENTENCE.split(paragraph) if len(s.split()) >= MIN_WORDS)
    return heads, sentences


class SyntheticNews:
    """A reproducible stream of ~600-word articles, some of them copies of earlier ones.

    Args:
        seed: The same seed gives the same stream.
        words: Words per original article (sentences are added until reached).
        copy_share: Share of the stream that copies one of the last 1,000 originals.
        bbc: The ``bbc`` folder; ``$NEWSDEDUP_DATA/bbc`` when None.
    """

    def __init__(
        self,
        seed: int = 1,
        words: int = 600,
        copy_share: float = 0.1,
        bbc: str | Path | None = None,
    ) -> None:
        self.rng = random.Random(seed)
        self.words = words
        self.copy_share = copy_share
        self.heads, self.sentences = bbc_sentences(bbc)
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
        """``n`` articles with ids ``a<start>`` … ``a<start + n - 1>``, one minute apart."""
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
