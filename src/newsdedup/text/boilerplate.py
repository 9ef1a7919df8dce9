"""Boilerplate learned from the corpus: short lines that recur within one source.

Why per source: a site's footer ("Lire aussi", a newsletter prompt, the
outlet's own byline) recurs in most of *its* articles, while the lines of a
wire dispatch recur across *different* outlets that republish it. Counting
per source tells the two apart; counting across the whole corpus would strip
the copied text itself.

Why a guard: when a corpus is one big unknown source that holds many copies
of one story, the story's short lines can look like boilerplate. A learned
line is therefore never dropped from an article if the learned lines together
make up more than half of it.

Example:
    >>> learner = BoilerplateLearner(min_articles=2, min_share=0.5)
    >>> for text in ["story one\\nsubscribe to our daily brief", "story two\\nsubscribe to our daily brief"]:
    ...     learner.observe("site", text)
    >>> learned = learner.learned()
    >>> learned.drops("site")("subscribe to our daily brief"), learned.drops("other") is None
    (True, True)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

from .normalize import MAX_BOILERPLATE_CHARS, line_key

__all__ = ["BoilerplateLearner", "LearnedBoilerplate"]


class LearnedBoilerplate:
    """Learned boilerplate lines, per source; picklable so worker processes get it."""

    def __init__(self, lines: dict[str, frozenset[str]] | None = None) -> None:
        self.lines = dict(lines or {})

    def drops(self, source: str | None) -> Callable[[str], bool] | None:
        """The test for one source's lines, or None when nothing was learned for it."""
        learned = self.lines.get(source or "")
        return learned.__contains__ if learned else None

    def __len__(self) -> int:
        return sum(len(v) for v in self.lines.values())

    def to_dict(self) -> dict[str, list[str]]:
        return {source: sorted(lines) for source, lines in sorted(self.lines.items())}


class BoilerplateLearner:
    """Counts short normalised lines per source and keeps the recurring ones.

    Args:
        min_articles: A line must occur in at least this many articles of a source.
        min_share: ...and in at least this share of that source's articles.
        max_tokens: Lines of more words than this are never boilerplate.
    """

    def __init__(
        self, min_articles: int = 5, min_share: float = 0.02, max_tokens: int = 30
    ) -> None:
        self.min_articles = min_articles
        self.min_share = min_share
        self.max_tokens = max_tokens
        self._counts: dict[str, Counter[str]] = defaultdict(Counter)
        self._articles: Counter[str] = Counter()

    def observe(self, source: str | None, normalized_text: str) -> None:
        """Count the distinct short lines of one normalised article."""
        key = source or ""
        self._articles[key] += 1
        seen = set()
        for line in normalized_text.split("\n"):
            if len(line) <= MAX_BOILERPLATE_CHARS:
                k = line_key(line)
                if k and len(k.split()) <= self.max_tokens:
                    seen.add(k)
        self._counts[key].update(seen)

    def learned(self) -> LearnedBoilerplate:
        """The lines that recur often enough in their source."""
        out: dict[str, frozenset[str]] = {}
        for source, counts in self._counts.items():
            floor = max(self.min_articles, self.min_share * self._articles[source])
            lines = frozenset(line for line, n in counts.items() if n >= floor)
            if lines:
                out[source] = lines
        return LearnedBoilerplate(out)
