"""The records that flow through newsdedup: articles in, matches and clusters out.

They are plain dataclasses so that they print, compare and serialise without
surprises; ``to_dict`` gives the JSON shape the CLI writes.

Example:
    >>> a = Article(id="a1", text="Body", title="Headline")
    >>> a.full_text
    'Headline\\n\\nBody'
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "Article",
    "Cluster",
    "Match",
    "Member",
    "Relation",
    "Result",
    "Scores",
]


@dataclass(slots=True)
class Article:
    """One news article.

    Attributes:
        id: Unique identifier (for plain files, the path).
        text: The body, as read (may still hold HTML when read from .html).
        title: Headline, if known. Title and body both count for matching.
        url: Canonical address, if known.
        source: Outlet or feed the article came from; boilerplate is learned
            per source.
        published: Publication time, if known; the earliest published member
            of a cluster is its original.
        origin: Where it was read from (``path`` or ``path:line``), for messages.
        extra: Any other fields of the input record, carried through untouched.
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: datetime | None = None
    origin: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Reject wrong types here, with the field's name, not deep inside a later stage.

        Example:
            >>> Article("a", "Body", published="2024-05-02")
            Traceback (most recent call last):
            ...
            TypeError: Article 'a': published must be a datetime or None, not str (parse it with newsdedup.io.parse_date)
        """
        if not isinstance(self.id, str):
            raise TypeError(f"Article id must be a str, not {type(self.id).__name__}")
        if not isinstance(self.text, str):
            raise TypeError(
                f"Article {self.id!r}: text must be a str, not {type(self.text).__name__}"
            )
        for name in ("title", "url", "source", "origin"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise TypeError(
                    f"Article {self.id!r}: {name} must be a str or None, not {type(value).__name__}"
                )
        if self.published is not None and not isinstance(self.published, datetime):
            hint = (
                " (parse it with newsdedup.io.parse_date)"
                if isinstance(self.published, str)
                else ""
            )
            raise TypeError(
                f"Article {self.id!r}: published must be a datetime or None, "
                f"not {type(self.published).__name__}{hint}"
            )
        if not isinstance(self.extra, dict):
            raise TypeError(
                f"Article {self.id!r}: extra must be a dict, not {type(self.extra).__name__}"
            )

    @property
    def full_text(self) -> str:
        """Title and body joined, the text that is actually compared."""
        if self.title:
            return f"{self.title}\n\n{self.text}"
        return self.text

    def to_dict(self) -> dict[str, Any]:
        """The article as a JSON-ready dict (dates in ISO 8601)."""
        out: dict[str, Any] = {"id": self.id}
        if self.title is not None:
            out["title"] = self.title
        out["text"] = self.text
        for name in ("url", "source"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.published is not None:
            out["published"] = self.published.isoformat()
        out.update({k: v for k, v in self.extra.items() if k not in out})
        return out


class Relation(str, enum.Enum):
    """How a copy relates to its original.

    ``EXACT``: identical after normalisation. ``NEAR``: high resemblance both
    ways. ``PARTIAL``: one contains most of the other (trimmed, expanded or
    quoted republication). ``REWRITE``: the same story reworded (high TF-IDF
    cosine, some shared phrasing, same figures). ``TEMPLATE``: same wording but
    different figures or dates, e.g. a daily market report; *not* a duplicate,
    reported so users can see why it was kept apart.
    """

    EXACT = "exact"
    NEAR = "near"
    PARTIAL = "partial"
    REWRITE = "rewrite"
    TEMPLATE = "template"

    @property
    def is_duplicate(self) -> bool:
        """Whether this relation makes the copy redundant."""
        return self is not Relation.TEMPLATE

    def __str__(self) -> str:
        return self.value


@dataclass(slots=True, frozen=True)
class Scores:
    """The evidence behind a match; every score is in [0, 1].

    Attributes:
        jaccard: Exact Jaccard similarity of the two shingle sets.
        containment: Share of the *smaller* shingle set found in the larger one.
        cosine: TF-IDF cosine of the two texts (IDF fitted on the corpus).
        numbers: How well figures and dates agree (1.0 when none differs):
            the lower of the share of the smaller text's distinct figures
            found in the other, and 1 minus the share of the shorter text
            that matches the other only once figures are ignored.
        probability: The relation model's probability that the two are a
            copy (1.0 for identical texts; None where no model was asked).
    """

    jaccard: float
    containment: float
    cosine: float
    numbers: float = 1.0
    probability: float | None = None

    def to_dict(self) -> dict[str, float]:
        out = {
            "jaccard": round(self.jaccard, 4),
            "containment": round(self.containment, 4),
            "cosine": round(self.cosine, 4),
            "numbers": round(self.numbers, 4),
        }
        if self.probability is not None:
            out["probability"] = round(self.probability, 4)
        return out


@dataclass(slots=True, frozen=True)
class Match:
    """A confirmed relation between two articles (``a`` is the earlier/original side)."""

    a: str
    b: str
    relation: Relation
    scores: Scores
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "relation": self.relation.value,
            **self.scores.to_dict(),
            "reason": self.reason,
        }


@dataclass(slots=True, frozen=True)
class Member:
    """A copy inside a cluster, with its relation to the cluster's original."""

    id: str
    relation: Relation
    scores: Scores

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "relation": self.relation.value, **self.scores.to_dict()}


@dataclass(slots=True)
class Cluster:
    """An original and its copies.

    Attributes:
        id: Stable cluster number within one result (0, 1, ...).
        original: Id of the article kept as the original.
        members: The copies, each verified against the original.
    """

    id: int
    original: str
    members: list[Member]

    @property
    def size(self) -> int:
        return 1 + len(self.members)

    def ids(self) -> list[str]:
        return [self.original, *(m.id for m in self.members)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "cluster": self.id,
            "original": self.original,
            "size": self.size,
            "members": [m.to_dict() for m in self.members],
        }


@dataclass(slots=True)
class Result:
    """Everything one detector run found.

    Attributes:
        articles: Number of articles read.
        clusters: Clusters of two or more articles (originals with copies).
        matches: Every confirmed pairwise match, duplicates and templates.
        stats: Counters and per-stage timings (seconds), for the summary line.
        warnings: Messages about input that was read but is suspicious.
        ids: Ids of every article, in input order (for ``dedup``).
        settings: The configuration the run used (``DetectorConfig.to_dict``
            plus its ``fingerprint``), so a result says how it was made.
    """

    articles: int
    clusters: list[Cluster]
    matches: list[Match]
    stats: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def duplicates(self) -> int:
        """Number of articles that are copies of another (not originals)."""
        return sum(len(c.members) for c in self.clusters)

    def cluster_of(self) -> dict[str, Cluster]:
        """Map each clustered article id to its cluster."""
        return {aid: c for c in self.clusters for aid in c.ids()}

    def to_pandas(self) -> Any:
        """One row per article (a pandas DataFrame): id, cluster, role, relation, scores.

        ``role`` is ``original``, ``copy`` or ``unique``; scores are those of a
        copy against its original. Needs pandas (``pip install 'newsdedup[pandas]'``).
        """
        from .api import result_frame

        return result_frame(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "clusters": [c.to_dict() for c in self.clusters],
            "duplicates": self.duplicates,
            "stats": {k: round(v, 4) if isinstance(v, float) else v for k, v in self.stats.items()},
            "warnings": list(self.warnings),
            "settings": self.settings,
        }
