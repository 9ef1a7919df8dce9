"""Results → what people and scripts read: tables, JSON, JSON lines, CSV.

Renderers write to a text stream and never touch the detector; the CLI picks
one by ``--format``. Tables go through rich; the machine formats are stable
(documented in the README) so scripts can rely on them.

Example:
    >>> import io
    >>> from newsdedup.models import Cluster, Member, Relation, Result, Scores
    >>> r = Result(2, [Cluster(0, "a", [Member("b", Relation.NEAR, Scores(0.9, 0.95, 0.97))])], [])
    >>> out = io.StringIO(); write_clusters(r, "csv", out); print(out.getvalue().strip())
    cluster,id,role,relation,jaccard,containment,cosine,numbers,probability
    0,a,original,,,,,,
    0,b,copy,near,0.9,0.95,0.97,1.0,
"""

from __future__ import annotations

import csv
import json
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.markup import escape

from ..models import Match, Result, Scores
from .tables import ArticleLabels, plain_clusters, plain_pairs, table_clusters, table_pairs

if TYPE_CHECKING:
    from ..judge.compare import Comparison

__all__ = ["FORMATS", "summary_line", "write_clusters", "write_comparison", "write_matches"]

#: ``table`` for a terminal, ``plain`` (aligned lines, never wrapped) for pipes and files.
FORMATS = ("table", "plain", "json", "jsonl", "csv")
_SCORE_FIELDS = ("jaccard", "containment", "cosine", "numbers", "probability")


def _score_cells(scores: Scores) -> list[float | str]:
    """The CSV cells of :data:`_SCORE_FIELDS` (empty where a score is unknown)."""
    values = (getattr(scores, f) for f in _SCORE_FIELDS)
    return [round(v, 4) if v is not None else "" for v in values]


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


def summary_line(result: Result, seconds: float) -> str:
    """One line for people: what was read and what was found.

    Example:
        >>> summary_line(Result(5, [], []), 0.42)
        '5 articles: 0 clusters, 0 duplicates; 0.42 s'
    """
    s = result.stats
    kinds = [
        f"{s.get('matches_' + r, 0)} {r}"
        for r in ("exact", "near", "partial", "rewrite")
        if s.get("matches_" + r)
    ]
    pairs = sum(s.get("matches_" + r, 0) for r in ("exact", "near", "partial", "rewrite"))
    line = (
        f"{_count(result.articles, 'article')}: {_count(len(result.clusters), 'cluster')}, "
        f"{_count(result.duplicates, 'duplicate')}"
    )
    if kinds:
        line += " (" + ", ".join(kinds) + (" pairs)" if pairs > 1 else " pair)")
    if s.get("matches_template"):
        line += f", {_count(int(s['matches_template']), 'templated look-alike')} kept apart"
    return f"{line}; {seconds:.2f} s"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def write_clusters(
    result: Result, fmt: str, out: TextIO, labels: ArticleLabels | None = None
) -> None:
    """Write the clusters of a scan in one of :data:`FORMATS`.

    ``labels`` (id → title, publication time) adds date and title columns to
    ``table`` and ``plain`` when any is known.
    """
    if fmt == "json":
        out.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "jsonl":
        for c in result.clusters:
            out.write(_dumps(c.to_dict()) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["cluster", "id", "role", "relation", *_SCORE_FIELDS])
        for c in result.clusters:
            writer.writerow([c.id, c.original, "original", "", *[""] * len(_SCORE_FIELDS)])
            for m in c.members:
                writer.writerow(
                    [
                        c.id,
                        m.id,
                        "copy",
                        m.relation.value,
                        *_score_cells(m.scores),
                    ]
                )
    elif not result.clusters:
        out.write("No duplicates found.\n")
    elif fmt == "plain":
        plain_clusters(result, out, labels)
    else:
        table_clusters(result, out, labels)


def write_matches(matches: list[Match], fmt: str, out: TextIO) -> None:
    """Write confirmed pairs (``newsdedup pairs``) in one of :data:`FORMATS`."""
    if fmt == "json":
        out.write(json.dumps([m.to_dict() for m in matches], ensure_ascii=False, indent=2) + "\n")
    elif fmt == "jsonl":
        for m in matches:
            out.write(_dumps(m.to_dict()) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["a", "b", "relation", *_SCORE_FIELDS, "reason"])
        for m in matches:
            writer.writerow(
                [
                    m.a,
                    m.b,
                    m.relation.value,
                    *_score_cells(m.scores),
                    m.reason,
                ]
            )
    elif not matches:
        out.write("No matching pairs found.\n")
    elif fmt == "plain":
        plain_pairs(matches, out)
    else:
        table_pairs(matches, out)


def write_comparison(c: Comparison, fmt: str, out: TextIO, max_passages: int = 10) -> None:
    """Write the result of ``newsdedup compare``: verdict, scores, reason, shared passages."""
    if fmt in ("json", "jsonl"):
        out.write(_dumps(c.to_dict()) + "\n")
        return
    console = Console(file=out, soft_wrap=False, highlight=False)
    verdict = c.relation.value if c.relation else "not a copy"
    style = "bold red" if c.is_duplicate else "bold green"
    console.print(f"A: {escape(c.a)} ({c.words_a} words)\nB: {escape(c.b)} ({c.words_b} words)")
    console.print(f"Relation: [{style}]{verdict}[/{style}]")
    s = c.scores
    console.print(
        f"  jaccard {s.jaccard:.3f}   containment {s.containment:.3f}   tf-idf cosine {s.cosine:.3f}"
        f"   3-word phrases {c.phrases:.3f}   figures agree {s.numbers:.0%}"
        + (f"   model probability {s.probability:.3f}" if s.probability is not None else "")
    )
    console.print(f"Why: {escape(c.reason)}")
    console.print(
        f"Shared text: {c.shared_a:.0%} of A, {c.shared_b:.0%} of B "
        f"(only in A: {1 - c.shared_a:.0%}, only in B: {1 - c.shared_b:.0%})"
    )
    if c.passages:
        console.print(
            f"Shared passages (longest first, {min(len(c.passages), max_passages)} of {len(c.passages)}):"
        )
        for p in c.passages[:max_passages]:
            text = " ".join(p.text.split())
            console.print(
                f"  [{p.words} words, A {p.a_start}-{p.a_end}, B {p.b_start}-{p.b_end}] "
                f"[bold yellow]{escape(text)}[/bold yellow]"
            )
    else:
        console.print("Shared passages: none")
    if c.passages:
        for label, runs, side in (
            ("Only in A (cut or changed)", c.only_a, "a"),
            ("Only in B (added or changed)", c.only_b, "b"),
        ):
            if runs:
                console.print(f"{label}, longest first:")
                for p in runs[:3]:
                    lo, hi = (p.a_start, p.a_end) if side == "a" else (p.b_start, p.b_end)
                    text = " ".join(p.text.split())
                    short = text if len(text) <= 160 else text[:157] + "..."
                    console.print(f"  [{hi - lo} words, {side.upper()} {lo}-{hi}] {escape(short)}")
