"""Rules that keep an index consistent when articles leave it, shared by both backends.

Why one place: removing an original must not leave its copies pointing at
nothing (or, worse, at an unrelated article stored later). Both backends
re-elect an original among the copies with :func:`elect`, inside the
transaction that removes it.
"""

from __future__ import annotations

__all__ = ["elect"]


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
