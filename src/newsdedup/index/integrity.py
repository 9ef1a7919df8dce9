"""Rules that keep an index consistent when articles leave it, shared by both backends.

Why one place: removing an original must not leave its copies pointing at
nothing (or, worse, at an unrelated article stored later). Both backends
re-elect an original among the copies with :func:`elect`, inside the
transaction that removes it. :class:`Problem` and :class:`CheckReport` are
what ``newsdedup index check`` reports, whatever the backend.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["CheckReport", "Problem", "elect"]


def elect(copies: list[tuple]) -> dict[int, list[tuple[int, str]]]:
    """Per removed original, its copies in election order: (doc, relation), the new original first.

    ``copies`` are (old root, doc, published or None, relation) rows. The new
    original is the earliest published copy; undated copies come after dated
    ones, and ties go to the earliest arrival (the lowest doc). Both backends
    elect with this function.

    Example:
        >>> elect([(1, 5, 200.0, "near"), (1, 3, None, "exact"), (1, 4, 200.0, "partial")])
        {1: [(4, 'partial'), (5, 'near'), (3, 'exact')]}
    """
    groups: dict[int, list[tuple]] = {}
    for old, doc, published, relation in copies:
        groups.setdefault(int(old), []).append(
            (published is None, published or 0.0, int(doc), relation)
        )
    return {old: [(d, r) for _, _, d, r in sorted(rows)] for old, rows in groups.items()}


@dataclass(frozen=True)
class Problem:
    """One broken invariant: which check, how many items, what was seen, whether repair fixes it.

    Example:
        >>> Problem("roots", 2, "2 copies point at a missing original", True).line()
        'roots: 2 copies point at a missing original (repairable)'
    """

    check: str
    count: int
    detail: str
    repairable: bool

    def line(self) -> str:
        return f"{self.check}: {self.detail}" + (" (repairable)" if self.repairable else "")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CheckReport:
    """What ``newsdedup index check`` found (and, with ``--repair``, what it fixed).

    ``problems`` are those still there after the run: a repaired problem moves
    to ``repaired``. The index is damaged while ``problems`` is not empty.
    """

    location: str
    backend: str
    checks: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    repaired: list[Problem] = field(default_factory=list)

    @property
    def damaged(self) -> bool:
        return bool(self.problems)

    def to_dict(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "backend": self.backend,
            "damaged": self.damaged,
            "checks": self.checks,
            "problems": [p.to_dict() for p in self.problems],
            "repaired": [p.to_dict() for p in self.repaired],
        }
