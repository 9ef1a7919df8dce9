"""The answer of the live index for one incoming article.

Example:
    >>> from newsdedup.models import Scores
    >>> v = Verdict("b", "near", original="a", scores=Scores(0.91, 0.95, 0.97), stored=True)
    >>> v.is_new, v.to_dict()["original"]
    (False, 'a')
    >>> v.line()
    'near     b  original=a  jaccard=0.91 containment=0.95 cosine=0.97 numbers=1.00  stored'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..models import Scores

__all__ = ["VERDICTS", "Verdict"]

#: ``new``: no copy of anything indexed. ``exact``/``near``/``partial``/``rewrite``:
#: a copy of the indexed ``original``. ``seen``: the id is indexed already (nothing stored).
VERDICTS = ("new", "exact", "near", "partial", "rewrite", "seen")


@dataclass(frozen=True)
class Verdict:
    """What one article is, relative to the index.

    Attributes:
        id: The article's id.
        verdict: One of :data:`VERDICTS`.
        original: Id of the indexed original it copies (for ``seen``: the
            original of the stored article, if it was a copy).
        via: When the article matched an indexed *copy* but not its
            original directly, the id of that copy (scores are against it).
        scores: Evidence of the match (None for ``new`` and ``seen``).
        reason: One sentence on why.
        stored: Whether this call stored it (only after the write succeeded).
        note: Anything else worth knowing (a templated look-alike, no text).
    """

    id: str
    verdict: str
    original: str | None = None
    via: str | None = None
    scores: Scores | None = None
    reason: str = ""
    stored: bool = False
    note: str | None = None

    @property
    def is_new(self) -> bool:
        """True for an article that copies nothing indexed (``--only-new`` keeps these)."""
        return self.verdict == "new"

    def to_dict(self) -> dict[str, Any]:
        """The JSON-lines shape (stable; documented in the README, "Deduplicating a live feed")."""
        out: dict[str, Any] = {"id": self.id, "verdict": self.verdict, "original": self.original}
        if self.via is not None:
            out["via"] = self.via
        if self.scores is not None:
            out.update(self.scores.to_dict())
        if self.reason:
            out["reason"] = self.reason
        if self.note:
            out["note"] = self.note
        out["stored"] = self.stored
        return out

    def line(self) -> str:
        """One line for people: verdict, id, original and scores."""
        parts = [f"{self.verdict:<8} {self.id}"]
        if self.original is not None:
            parts.append(f"original={self.original}")
        if self.via is not None:
            parts.append(f"via={self.via}")
        if self.scores is not None:
            s = self.scores
            parts.append(
                f"jaccard={s.jaccard:.2f} containment={s.containment:.2f} cosine={s.cosine:.2f} "
                f"numbers={s.numbers:.2f}"
                + (f" probability={s.probability:.2f}" if s.probability is not None else "")
            )
        if self.note:
            parts.append(f"({self.note})")
        if self.stored:
            parts.append("stored")
        return "  ".join(parts)
