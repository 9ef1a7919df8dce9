"""The real sentences the synthetic corpus is made of, grouped by topic.

Why real sentences: detectors are tuned on the statistics of real text
(word frequencies, shared phrases such as "the company said"), so random
strings would flatter them. Sentences come from the BBC News bodies and the
Reuters-21578 dispatches that have a body; tables, fragments and very long
run-ons are left out, and each distinct sentence is kept once.

Example:
    >>> bank = SentenceBank.from_data(data_root())  # doctest: +SKIP
    >>> len(bank.sentences) > 100_000, sorted(bank.topics)[:2]  # doctest: +SKIP
    (True, ['bbc-business', 'bbc-entertainment'])
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from newsdedup.errors import InputError
from newsdedup.models import Article

from .loaders import iter_bbc, iter_reuters

__all__ = ["SentenceBank", "SourceDoc", "split_sentences"]

#: A Reuters topic code becomes a topic of its own when this many dispatches
#: carry it first; rarer codes are pooled in ``reuters-other``.
MIN_TOPIC_DOCS = 400
MIN_WORDS, MAX_WORDS = 5, 60

#: A sentence ends at . ! or ? before a capital, except after initials and
#: common abbreviations (U.S., Mr., Corp.).
_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\.[A-Z]\.)(?<!\b[A-Z]\.)(?<!\bMr\.)(?<!\bMrs\.)(?<!\bDr\.)(?<!\bSt\.)"
    r"(?<!\bCo\.)(?<!\bCorp\.)(?<!\bInc\.)(?<!\bLtd\.)(?<!\bNo\.)[\"']?\s+(?=[\"']?[A-Z])"
)
_TABLE = re.compile(r"\.\.\.|\s{3,}|\t|[<>|]|\b(?:vs|mln|pct|dlrs)\b\.?$")
_SIGN_OFF = re.compile(r"\s*\bReuters?\s*$")


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences at ``. ``/``! ``/``? `` before a capital.

    Example:
        >>> split_sentences("Prices rose. The U.S. firm, Acme Corp. Ltd, said so! Ok")
        ['Prices rose.', 'The U.S. firm, Acme Corp. Ltd, said so!', 'Ok']
    """
    return [s.strip() for s in _SENTENCE_END.split(" ".join(paragraph.split())) if s.strip()]


def _usable(sentence: str) -> bool:
    words = sentence.count(" ") + 1
    return (
        MIN_WORDS <= words <= MAX_WORDS
        and sentence[-1] in ".!?\"'"
        and not _TABLE.search(sentence)
        and not sentence.isupper()
    )


@dataclass(frozen=True)
class SourceDoc:
    """A real article reduced to its topic, title and usable sentences (indices into the bank)."""

    topic: str
    title: str
    sentences: tuple[int, ...]


@dataclass
class SentenceBank:
    """Distinct real sentences, the documents they came from, and topic pools.

    Attributes:
        sentences: Every distinct usable sentence.
        words: Word count of each sentence (same order).
        docs: Source documents with at least three usable sentences.
        topics: Topic name → indices of its sentences (the topic pool).
    """

    sentences: list[str] = field(default_factory=list)
    words: list[int] = field(default_factory=list)
    docs: list[SourceDoc] = field(default_factory=list)
    topics: dict[str, list[int]] = field(default_factory=dict)
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def _add_doc(self, topic: str, title: str, paragraphs: list[str]) -> None:
        ids: list[int] = []
        for paragraph in paragraphs:
            for sentence in split_sentences(paragraph):
                if not _usable(sentence):
                    continue
                number = self._index.get(sentence)
                if number is None:
                    number = self._index[sentence] = len(self.sentences)
                    self.sentences.append(sentence)
                    self.words.append(sentence.count(" ") + 1)
                    self.topics.setdefault(topic, []).append(number)
                ids.append(number)
        if len(ids) >= 3:
            self.docs.append(SourceDoc(topic, title, tuple(dict.fromkeys(ids))))

    @classmethod
    def from_data(cls, data: str | Path) -> SentenceBank:
        """Build the bank from ``DATA/bbc`` and ``DATA/reuters21578``.

        Raises:
            InputError: Either corpus is missing (the message names the path).
        """
        root = Path(data)
        for name in ("bbc", "reuters21578"):
            if not (root / name).is_dir():
                raise InputError(
                    f"corpus folder '{name}' not found; the synthetic corpus is built from the "
                    "BBC News and Reuters-21578 texts (pass --data DIR holding both)",
                    path=str(root / name),
                )
        bank = cls()
        for article in iter_bbc(root / "bbc"):
            bank._add_doc(
                f"bbc-{article.extra['topic']}", article.title or "", article.text.split("\n\n")
            )
        reuters = [a for a in iter_reuters(root / "reuters21578") if a.extra["type"] == "NORM"]
        counts = Counter(a.extra["topics"][0] for a in reuters if a.extra["topics"])
        for article in reuters:
            bank._add_doc(
                _reuters_topic(article, counts),
                _title_case(article.title or ""),
                _reuters_paragraphs(article),
            )
        bank._index.clear()
        return bank

    def sample(
        self, rng: random.Random, topic: str, words: int, avoid: set[int] | None = None
    ) -> list[str]:
        """Random sentences of ``topic`` totalling at least ``words`` words (none from ``avoid``).

        Sentences drawn are added to ``avoid`` when it is given, so articles
        that must not share a sentence can draw from one set.
        """
        pool, out, total = self.topics[topic], [], 0
        while total < words:
            for number in rng.choices(pool, k=max(1, (words - total) // 20 + 1)):
                if avoid is not None and len(avoid) < len(pool) // 2:
                    if number in avoid:
                        continue
                    avoid.add(number)
                out.append(self.sentences[number])
                total += self.words[number]
                if total >= words:
                    break
        return out


def _reuters_topic(article: Article, counts: Counter[str]) -> str:
    codes = article.extra["topics"]
    if not codes:
        return "reuters-general"
    return f"reuters-{codes[0]}" if counts[codes[0]] >= MIN_TOPIC_DOCS else "reuters-other"


def _reuters_paragraphs(article: Article) -> list[str]:
    """Body paragraphs (indented lines start a paragraph), without dateline and sign-off."""
    text = article.text
    dateline = article.extra.get("dateline", "")
    if dateline and text.startswith(dateline):
        text = text[len(dateline) :]
    return [_SIGN_OFF.sub("", p) for p in re.split(r"\n\s{2,}", text)]


def _title_case(title: str) -> str:
    """``BAHIA COCOA REVIEW`` → ``Bahia cocoa review`` (wire titles are all capitals)."""
    title = " ".join(title.split())
    return title[:1].upper() + title[1:].lower() if title.isupper() else title
