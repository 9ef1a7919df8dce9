"""Clusters and pairs for people: a table that fits the terminal, or plain aligned lines.

Why two: on a terminal, a boxed table is easiest to read, but only if it
fits: a wrapped cell turns a row into nine lines. So the table shortens what
would wrap (paths lose the folders all of them share, reasons are cut to one
line) instead of wrapping. Piped or written to a file, a box is noise and a
cut value is lost, so ``plain`` writes one line per row, columns aligned
with spaces, every value whole, the free-text column (title, reason) last.

Example:
    >>> shorten_ids(["corpus/bbc/business/001.txt", "corpus/bbc/sport/002.txt"])
    {'corpus/bbc/business/001.txt': 'business/001.txt', 'corpus/bbc/sport/002.txt': 'sport/002.txt'}
    >>> fit("a-long-article-identifier.txt", 12)
    'a-lon…er.txt'
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..models import Match, Result, Scores

__all__ = [
    "ArticleLabels",
    "fit",
    "plain_clusters",
    "plain_pairs",
    "shorten_ids",
    "table_clusters",
    "table_pairs",
]

#: What a table can show of an article besides its id: title and publication time.
ArticleLabels = Mapping[str, tuple[str | None, datetime | None]]

_SCORE_HEADS = ("jaccard", "contain.", "cosine", "figures")


def shorten_ids(ids: Iterable[str]) -> dict[str, str]:
    """Each id without the leading folders that all of them share (when all are paths)."""
    ids = list(dict.fromkeys(ids))
    folders = [i.rsplit("/", 1)[0] for i in ids if "/" in i]
    if not ids or len(folders) != len(ids) or "" in folders:
        return {i: i for i in ids}
    try:
        prefix = os.path.commonpath(folders) + "/"
    except ValueError:  # absolute and relative paths mixed
        return {i: i for i in ids}
    return {i: i[len(prefix) :] if i.startswith(prefix) else i for i in ids}


def fit(text: str, width: int) -> str:
    """``text`` on one line, cut in the middle with an ellipsis to at most ``width`` characters."""
    text = " ".join(text.split())
    if len(text) <= width or width < 5:
        return text
    head = (width - 1) // 2
    return text[:head] + "…" + text[len(text) - (width - 1 - head) :]


def _cut_end(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _scores(s: Scores, with_probability: bool) -> list[str]:
    cells = [f"{s.jaccard:.2f}", f"{s.containment:.2f}", f"{s.cosine:.2f}", f"{s.numbers:.0%}"]
    if with_probability:
        cells.append(f"{s.probability:.2f}" if s.probability is not None else "")
    return cells


def _has_probability(scores: Iterable[Scores]) -> bool:
    """Whether a relation model gave any pair a probability (then the tables show it)."""
    return any(s.probability is not None for s in scores)


def _date(when: datetime | None) -> str:
    return when.date().isoformat() if when is not None else ""


def _label_columns(labels: ArticleLabels | None) -> tuple[bool, bool]:
    if not labels:
        return False, False
    values = list(labels.values())
    return any(d is not None for _, d in values), any(t for t, _ in values)


def _cluster_rows(
    result: Result, labels: ArticleLabels | None, with_probability: bool
) -> list[list[str]]:
    """cluster, id, relation, the scores, date, title: one row per article of a cluster."""
    labels = labels or {}
    blank = [""] * (4 + with_probability)
    rows = []
    for c in result.clusters:
        title, date = labels.get(c.original, (None, None))
        rows.append([str(c.id), c.original, "original", *blank, _date(date), title or ""])
        for m in c.members:
            title, date = labels.get(m.id, (None, None))
            scores = _scores(m.scores, with_probability)
            rows.append([str(c.id), m.id, m.relation.value, *scores, _date(date), title or ""])
    return rows


#: Short headers for the table (the plain format keeps the long ones).
_SHORT_HEADS = ("jacc.", "cont.", "cos.", "figs")
_SCORE_WIDTH = sum(len(h) for h in _SHORT_HEADS)


def table_clusters(result: Result, out: TextIO, labels: ArticleLabels | None = None) -> None:
    """The clusters as a table sized to the terminal (ids and titles shortened, never wrapped)."""
    console = Console(file=out, highlight=False)
    with_date, with_title = _label_columns(labels)
    prob = _has_probability(m.scores for c in result.clusters for m in c.members)
    n_scores = 4 + prob
    rows = _cluster_rows(result, labels, prob)
    short = shorten_ids(r[1] for r in rows)
    longest_id = max(len(v) for v in short.values())
    cluster_width = max(len(str(result.clusters[-1].id)), 1)
    fixed = cluster_width + len("original") + _SCORE_WIDTH + 5 * prob + 10 * with_date
    n_columns = 3 + n_scores + with_date + with_title
    room = console.width - fixed - 2 * (n_columns - 1)
    if with_title and room < 24:  # too narrow for a useful title: the id keeps the room
        with_title, n_columns, room = False, n_columns - 1, room + 2
    id_width = max(min(longest_id, room - 12 if with_title else room), 8)
    title_width = max(room - id_width, 8)
    table = Table(box=None, header_style="bold", padding=(0, 1), pad_edge=False, show_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("article", no_wrap=True, width=id_width)
    table.add_column("relation", no_wrap=True)
    for head in _SHORT_HEADS + (("prob.",) if prob else ()):
        table.add_column(head, justify="right", no_wrap=True)
    if with_date:
        table.add_column("date", no_wrap=True)
    if with_title:
        longest_title = max(len(" ".join(r[-1].split())) for r in rows)
        table.add_column("title", no_wrap=True, width=max(min(title_width, longest_title), 5))
    previous = None
    for cluster, article, relation, *rest in rows:
        name = escape(fit(short[article], id_width))
        cells = [
            cluster if cluster != previous else "",
            f"[bold]{name}[/bold]" if relation == "original" else name,
            relation,
            *rest[:n_scores],
        ]
        cells += [rest[n_scores]] if with_date else []
        cells += [escape(_cut_end(rest[n_scores + 1], title_width))] if with_title else []
        table.add_row(*cells)
        previous = cluster
    console.print(table)


def plain_clusters(result: Result, out: TextIO, labels: ArticleLabels | None = None) -> None:
    """The clusters as aligned lines, one per article, the cluster on each (for grep and less)."""
    with_date, with_title = _label_columns(labels)
    prob = _has_probability(m.scores for c in result.clusters for m in c.members)
    end = 7 + prob  # past the scores
    head = ["cluster", "article", "relation", *_SCORE_HEADS, *(["prob."] if prob else [])]
    keep = [*range(end)] + ([end] if with_date else []) + ([end + 1] if with_title else [])
    rows = [[r[i] for i in keep] for r in _cluster_rows(result, labels, prob)]
    head += (["date"] if with_date else []) + (["title"] if with_title else [])
    _write_aligned(out, head, rows, right={0, *range(3, end)})


def _pair_rows(matches: Sequence[Match], with_probability: bool) -> list[list[str]]:
    return [
        [
            m.a,
            m.b,
            m.relation.value,
            *_scores(m.scores, with_probability),
            " ".join(m.reason.split()),
        ]
        for m in matches
    ]


def table_pairs(matches: Sequence[Match], out: TextIO) -> None:
    """Confirmed pairs as a table sized to the terminal, each reason on one line."""
    console = Console(file=out, highlight=False)
    short = shorten_ids([i for m in matches for i in (m.a, m.b)])
    longest_id = max(len(v) for v in short.values())
    prob = _has_probability(m.scores for m in matches)
    room = console.width - len("relation") - _SCORE_WIDTH - 5 * prob - 2 * (7 + prob)
    id_width = max(min(longest_id, (room - 10) // 2), 8)  # ids first: the reason is in -f plain
    reason_width = max(room - 2 * id_width, 10)
    table = Table(box=None, header_style="bold", padding=(0, 1), pad_edge=False, show_edge=False)
    table.add_column("a", no_wrap=True, width=id_width)
    table.add_column("b", no_wrap=True, width=id_width)
    table.add_column("relation", no_wrap=True)
    for head in _SHORT_HEADS + (("prob.",) if prob else ()):
        table.add_column(head, justify="right", no_wrap=True)
    rows = _pair_rows(matches, prob)
    longest_reason = max(len(r[-1]) for r in rows)
    table.add_column("reason", no_wrap=True, width=max(min(reason_width, longest_reason), 6))
    for a, b, relation, *scores, reason in rows:
        table.add_row(
            escape(fit(short[a], id_width)),
            escape(fit(short[b], id_width)),
            relation,
            *scores,
            escape(_cut_end(reason, reason_width)),
        )
    console.print(table)


def plain_pairs(matches: Sequence[Match], out: TextIO) -> None:
    """Confirmed pairs as aligned lines, the whole reason last."""
    prob = _has_probability(m.scores for m in matches)
    head = ["a", "b", "relation", *_SCORE_HEADS, *(["prob."] if prob else []), "reason"]
    _write_aligned(out, head, _pair_rows(matches, prob), right=set(range(3, 7 + prob)))


def _write_aligned(out: TextIO, head: list[str], rows: list[list[str]], right: set[int]) -> None:
    """Columns padded to their widest value, two spaces apart; a last free-text column is not."""
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    last = len(head) - 1
    for row in [head, *rows]:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        if last not in right:
            cells[last] = row[last]
        out.write("  ".join(cells).rstrip() + "\n")
