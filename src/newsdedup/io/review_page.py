"""A review page: one self-contained HTML file to check clusters of copies by eye.

Why a page: deciding whether a flagged copy really is one is faster when the
original and the copy sit side by side with the shared passages highlighted
and what was cut or added marked. The page has no network dependency (CSS,
script and data are inline), so it can be mailed, archived or opened offline.

Why data as JSON: a scan of 100k articles has tens of thousands of clusters;
the page embeds them as one JSON block and the script builds the DOM for the
clusters in view only (more as the reader scrolls), so it opens quickly.

Marks are computed here, on the normalised texts the detector compared:
``shared`` ranges (character offsets) on both sides come from
:func:`newsdedup.judge.explain.shared_passages`; what is outside them is cut
(in the original) or added (in the copy).

Example:
    >>> import io
    >>> from newsdedup.models import Article, Cluster, Member, Relation, Result, Scores
    >>> text = "Defence ministers of the alliance meet in Brussels on Tuesday to talk."
    >>> arts = {"a": Article("a", text), "b": Article("b", "Breaking. " + text)}
    >>> r = Result(2, [Cluster(0, "a", [Member("b", Relation.NEAR, Scores(0.9, 1.0, 0.97))])], [])
    >>> data = review_data(r, arts)
    >>> pair = data["clusters"][0]["members"][0]
    >>> copy_text = data["articles"]["b"]["text"]
    >>> [copy_text[s:e] for s, e in pair["marks"]["copy"]]
    ['Defence ministers of the alliance meet in Brussels on Tuesday to talk']
    >>> out = io.StringIO(); write_review_page(data, out); "<script" in out.getvalue()
    True
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from importlib import resources
from typing import TYPE_CHECKING, Any, TextIO

from ..models import Article, Result

if TYPE_CHECKING:
    from ..config import DetectorConfig
    from ..judge.compare import Comparison

__all__ = ["MAX_MARKED_PAIRS", "comparison_data", "review_data", "write_review_page"]

#: Pairs whose passages are worked out for the page (largest clusters first);
#: beyond this the page still lists the copies, with their scores and texts,
#: unmarked. About 2 ms a pair: the default bounds this step to ~1 minute.
MAX_MARKED_PAIRS = 30_000

_SCORES = ("jaccard", "containment", "cosine", "numbers")


class _Marker:
    """Normalises texts as the detector does and finds shared passages between them."""

    def __init__(self, config: DetectorConfig | None) -> None:
        from ..config import DetectorConfig
        from ..sketch.featurize import Featurizer

        self.config = config or DetectorConfig()
        self._featurizer = Featurizer(self.config)
        self._normalised: dict[str, str] = {}

    def text(self, article: Article) -> str:
        """The text as compared (boilerplate, markup and odd spaces removed), memoised."""
        if article.id not in self._normalised:
            self._normalised[article.id] = self._featurizer.normalize(
                article.full_text, article.source
            )
        return self._normalised[article.id]

    def marks(self, original: str, copy: str) -> dict[str, list[list[int]]]:
        """Character ranges of ``original`` and ``copy`` inside shared passages."""
        from ..judge.explain import shared_passages
        from ..text.tokenize import tokenize

        norm = self.config.normalize
        batch = tokenize(
            [original, copy],
            spans=True,
            char_mode=self.config.shingle.kind == "char",
            fold_accents=norm.fold_accents,
            elision=norm.elision,
        )
        passages = shared_passages(batch, 0, 1, self.config.shingle.size)
        to_char = _CharOffsets(batch.data, len(original.encode("utf-8", "surrogatepass")))
        first, second = int(batch.offsets[0]), int(batch.offsets[1])
        return {
            "original": _merged(
                [
                    to_char.range(batch.starts[first + p.a_start], batch.ends[first + p.a_end - 1])
                    for p in passages
                ]
            ),
            "copy": _merged(
                [
                    to_char.range(
                        batch.starts[second + p.b_start], batch.ends[second + p.b_end - 1]
                    )
                    for p in passages
                ],
                second_doc=True,
            ),
        }


class _CharOffsets:
    """Byte offsets in the tokenizer's buffer → character offsets in each of two texts."""

    def __init__(self, data: bytes, split: int) -> None:
        self.data = data
        self.split = split

    def range(self, start: Any, end: Any) -> list[int]:
        start, end = int(start), int(end)
        base = 0 if start < self.split else self.split
        head = self.data[base:start].decode("utf-8", "surrogatepass")
        body = self.data[start:end].decode("utf-8", "surrogatepass")
        return [len(head), len(head) + len(body), int(start >= self.split)]


def _merged(ranges: list[list[int]], second_doc: bool = False) -> list[list[int]]:
    """Sorted, non-overlapping ranges (passages found in A's order may overlap in B)."""
    out: list[list[int]] = []
    for lo, hi, _ in sorted(r for r in ranges if bool(r[2]) == second_doc):
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return out


def _article_info(article: Article | None, article_id: str, text: str | None) -> dict[str, Any]:
    info: dict[str, Any] = {"id": article_id}
    if article is not None:
        if article.title:
            info["title"] = article.title
        if article.source:
            info["source"] = article.source
        if article.published is not None:
            info["date"] = article.published.isoformat()
    if text is not None:
        info["text"] = text
    return info


def _pair(article_id: str, relation: str, scores: Any) -> dict[str, Any]:
    return {
        "id": article_id,
        "relation": relation,
        "scores": {name: round(getattr(scores, name), 4) for name in _SCORES},
    }


def review_data(
    result: Result,
    articles: Mapping[str, Article],
    config: DetectorConfig | None = None,
    max_marked_pairs: int = MAX_MARKED_PAIRS,
) -> dict[str, Any]:
    """The page's data: clusters (largest first), each copy with scores and marks.

    Args:
        result: A scan's result.
        articles: The articles of the clusters, by id (others are not needed).
        config: The detector settings of the scan (normalisation, shingles).
        max_marked_pairs: Work out shared passages for at most this many pairs.
    """
    marker = _Marker(config)
    people: dict[str, dict[str, Any]] = {}
    clusters, marked = [], 0
    for cluster in sorted(result.clusters, key=lambda c: (-len(c.members), c.id)):
        original = articles.get(cluster.original)
        members = []
        for member in cluster.members:
            pair = _pair(member.id, member.relation.value, member.scores)
            copy = articles.get(member.id)
            if original is not None and copy is not None and marked < max_marked_pairs:
                pair["marks"] = marker.marks(marker.text(original), marker.text(copy))
                marked += 1
            members.append(pair)
        clusters.append({"cluster": cluster.id, "original": cluster.original, "members": members})
        for article_id in [cluster.original, *(m.id for m in cluster.members)]:
            article = articles.get(article_id)
            text = marker.text(article) if article is not None else None
            people[article_id] = _article_info(article, article_id, text)
    return {
        "title": "newsdedup review",
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "summary": {
            "articles": result.articles,
            "clusters": len(result.clusters),
            "duplicates": result.duplicates,
            "marked_pairs": marked,
            "pairs": sum(len(c.members) for c in result.clusters),
        },
        "articles": people,
        "clusters": clusters,
    }


def comparison_data(
    first: Article, second: Article, comparison: Comparison, config: DetectorConfig | None = None
) -> dict[str, Any]:
    """The page's data for ``compare``: one 'cluster' of A and B, whatever the verdict."""
    marker = _Marker(config)
    a_text, b_text = marker.text(first), marker.text(second)
    relation = comparison.relation.value if comparison.relation else "not a copy"
    pair = _pair(second.id, relation, comparison.scores)
    pair.update(reason=comparison.reason, marks=marker.marks(a_text, b_text))
    return {
        "title": "newsdedup compare",
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "summary": {"articles": 2, "clusters": 1, "duplicates": int(comparison.is_duplicate)},
        "articles": {
            first.id: _article_info(first, first.id, a_text),
            second.id: _article_info(second, second.id, b_text),
        },
        "clusters": [{"cluster": 0, "original": first.id, "members": [pair]}],
    }


def _asset(name: str) -> str:
    return resources.files("newsdedup.io").joinpath("review").joinpath(name).read_text("utf-8")


def _script_json(data: dict[str, Any]) -> str:
    """JSON safe inside ``<script>``: no ``</`` can close the element early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("<!--", "\\u003c!--")


def write_review_page(data: dict[str, Any], out: TextIO) -> None:
    """Write the page: the template with its style, script and data inlined."""
    page = _asset("page.html")
    page = page.replace("{{title}}", html.escape(str(data.get("title", "newsdedup review"))))
    page = page.replace("{{style}}", _asset("review.css")).replace(
        "{{script}}", _asset("review.js")
    )
    head, _, tail = page.partition("{{data}}")  # last: the data is never searched for placeholders
    out.write(head + _script_json(data) + tail)
