"""Suite records → the tables people read: per-tool figures, ratios, recall by edit, targets.

Kept apart from measuring (the suite writes records, this module only reads
them) so that tables can be redrawn from stored results at any time, as text
for the terminal or Markdown for ``benchmarks/README.md``.

What the columns mean (every rate is articles per second of one stage,
taken from the median seconds of the runs):

* ``sign (text)``: from text to signatures. For newsdedup its ``sign`` stage
  (normalise, tokenise, shingle, both MinHash signatures, fingerprints,
  spool, document frequencies); for a peer the harness's shared shingling
  plus the peer's signing (plus ``hash`` for ``rensa-flat``).
* ``sign (shingles)``: for a peer its signing from the pre-built shingles
  alone; for the exact peers their vectorising. newsdedup has no such stage.
* ``candidates``: newsdedup's LSH stage; a peer's ``index`` (LSH insert and
  query, or banding) or ``compare`` (exact peers).
* ``e2e``: the whole run in its process, reading the JSONL included
  (``wall``); for ``newsdedup-scan`` the command as a user runs it,
  interpreter start-up included.

Example:
    >>> rec = {"tool": "x", "articles": 10, "runs": 1, "timings": {"shingle": 1.0, "sign": 1.0, "wall": 5.0},
    ...        "peak_rss_mb": 100.0}
    >>> summary(rec)["sign_text"], summary(rec)["e2e"]
    (5.0, 2.0)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "EDIT_GROUPS",
    "latest",
    "markdown",
    "ratio_rows",
    "recall_rows",
    "same_suite",
    "skipped_lines",
    "summary",
    "target_rows",
    "text_table",
    "tool_rows",
]

#: Recall-by-edit groups shown, in this order.
EDIT_GROUPS = (
    "verbatim",
    "headline",
    "boilerplate",
    "trim",
    "intro",
    "closing",
    "reorder",
    "noise",
    "ocr",
    "quoted",
    "wrapped",
    "rewrite_light",
    "rewrite_heavy",
    "all",
)


def _rate(n: int, seconds: float | None) -> float | None:
    return n / seconds if seconds else None


def summary(record: dict[str, Any]) -> dict[str, Any]:
    """One record flattened into the figures the tables show (None where a tool has no such stage)."""
    t, n = record.get("timings", {}), record.get("articles", 0)
    newsdedup = record["tool"].startswith("newsdedup")
    peer_sign = (t.get("sign", 0) + t.get("hash", 0)) or t.get("vectorize")
    q = record.get("quality", {})
    merges = q.get("false_merges_by_kind", {})
    return {
        "tool": record["tool"],
        "runs": record.get("runs", 1),
        "articles": n,
        "read": _rate(n, t.get("read")),
        "shingle": _rate(n, t.get("shingle")),
        "sign_text": _rate(n, t.get("sign"))
        if newsdedup
        else (_rate(n, t.get("shingle", 0) + peer_sign) if t.get("sign") is not None else None),
        "sign_shingles": None if newsdedup else _rate(n, peer_sign),
        "candidates": _rate(n, t.get("candidates") or t.get("index") or t.get("compare")),
        "verify": _rate(n, t.get("verify")),
        "e2e": _rate(n, t.get("wall")),
        "wall_s": t.get("wall"),
        "rss": record.get("peak_rss_mb"),
        "tree_rss": record.get("tree_peak_rss_mb"),
        "mem": max(record.get("peak_rss_mb") or 0, record.get("tree_peak_rss_mb") or 0) or None,
        "P": q.get("pairwise", {}).get("precision"),
        "R": q.get("pairwise", {}).get("recall"),
        "F1": q.get("pairwise", {}).get("f1"),
        "ARI": q.get("ari"),
        "B3": q.get("bcubed", {}).get("f1"),
        "NP": q.get("near_partial", {}).get("f1"),
        "light": q.get("recall_by_edit", {}).get("rewrite_light", {}).get("rate"),
        "tmpl": merges.get("template", {}).get("count"),
        "event": merges.get("same_event", {}).get("count"),
    }


def _fmt(value: Any, kind: str = "rate") -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if kind == "rate":
        return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"
    if kind == "q":
        return f"{value:.3f}"
    if kind == "x":
        return (
            f"{value:.2g}×" if value < 1 else f"{value:,.1f}×" if value < 100 else f"{value:,.0f}×"
        )
    if kind == "s":
        return f"{value:,.1f}"
    return str(value)


def tool_rows(records: Iterable[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Speed, memory and quality of each tool of one suite that ran (see :func:`skipped_lines` for the others)."""
    headers = [
        "tool",
        "runs",
        "read/s",
        "shingle/s",
        "sign (text)/s",
        "sign (shingles)/s",
        "candidates/s",
        "verify/s",
        "e2e/s",
        "e2e s",
        "peak RSS MB",
        "P",
        "R",
        "F1",
        "ARI",
        "B³ F1",
        "near+partial F1",
        "light rewrite R",
        "tmpl merged",
        "event merged",
    ]
    rows = []
    for record in records:
        if "timings" not in record:
            continue
        s = summary(record)
        rss = f"{s['rss']:,.0f}" + (
            f" ({s['tree_rss']:,.0f})" if s["tree_rss"] and s["tree_rss"] > 1.05 * s["rss"] else ""
        )
        rows.append(
            [
                s["tool"],
                str(s["runs"]),
                *(
                    _fmt(s[k])
                    for k in (
                        "read",
                        "shingle",
                        "sign_text",
                        "sign_shingles",
                        "candidates",
                        "verify",
                        "e2e",
                    )
                ),
                _fmt(s["wall_s"], "s"),
                rss,
                *(_fmt(s[k], "q") for k in ("P", "R", "F1", "ARI", "B3", "NP", "light")),
                _fmt(s["tmpl"], "n"),
                _fmt(s["event"], "n"),
            ]
        )
    return headers, rows


def skipped_lines(records: Iterable[dict[str, Any]]) -> list[str]:
    """``tool: why`` for every tool of a suite that did not run (skipped as infeasible, or failed).

    Example:
        >>> skipped_lines([{"tool": "datasketch", "skipped": "expected 30 min"}, {"tool": "x", "error": "boom"}])
        ['datasketch: skipped, expected 30 min', 'x: failed, boom']
    """
    return [
        f"{r['tool']}: skipped, {r['skipped']}"
        if "skipped" in r
        else f"{r['tool']}: failed, {r.get('error')}"
        for r in records
        if "timings" not in r
    ]


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def same_suite(
    pool: Iterable[dict[str, Any]], record: dict[str, Any], tool: str
) -> dict[str, Any] | None:
    """The record of ``tool`` measured in the same suite run (and at the same size) as ``record``.

    Example:
        >>> pool = [{"tool": "a", "suite": "s1", "size": 1, "timings": {}}, {"tool": "b", "suite": "s1", "size": 1}]
        >>> same_suite(pool, pool[1], "a")["tool"], same_suite(pool, pool[0], "c")
        ('a', None)
    """
    for other in pool:
        if (other["tool"], other["suite"], other["size"]) == (
            tool,
            record["suite"],
            record["size"],
        ) and "timings" in other:
            return other
    return None


def ratio_rows(
    records: Sequence[dict[str, Any]],
    references: Sequence[str] = ("newsdedup", "newsdedup-w2"),
    pool: Sequence[dict[str, Any]] | None = None,
) -> tuple[list[str], list[list[str]]]:
    """newsdedup's ratio to each peer of ``records``, newsdedup taken from the peer's own suite run.

    ``sign text/text`` compares signing from text on both sides (like with
    like); ``sign text/shingles`` compares newsdedup's signing from text with
    the peer's signing from ready-made shingles (the peer's shingling left
    out, in the peer's favour). Speed ratios above 1 and memory ratios below
    1 favour newsdedup. ``pool`` (default ``records``) is searched for the
    newsdedup record of the same suite; a peer without one gets dashes.
    """
    pool = records if pool is None else pool
    peers = [r for r in records if "timings" in r and not r["tool"].startswith("newsdedup")]
    refs = [name for name in references if any(same_suite(pool, p, name) for p in peers)]
    headers = ["peer"]
    for name in refs:
        headers += [f"{name}: sign text/text", "sign text/shingles", "e2e", "RSS"]
    rows = []
    for record in peers:
        peer, row = summary(record), [record["tool"]]
        for name in refs:
            found = same_suite(pool, record, name)
            ref = summary(found) if found else {}
            row += [
                _fmt(_ratio(ref.get("sign_text"), peer["sign_text"]), "x"),
                _fmt(_ratio(ref.get("sign_text"), peer["sign_shingles"]), "x"),
                _fmt(_ratio(ref.get("e2e"), peer["e2e"]), "x"),
                _fmt(_ratio(ref.get("rss"), peer["rss"]), "x"),
            ]
        rows.append(row)
    return headers, rows


def recall_rows(records: Iterable[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Recall of gold (original, copy) pairs by the copy's edit, per tool (copies counted in every edit they have)."""
    rows = []
    totals: dict[str, int] = {}
    for record in records:
        by_edit = record.get("quality", {}).get("recall_by_edit", {})
        if not by_edit:
            continue
        totals = {g: by_edit[g]["total"] for g in EDIT_GROUPS if g in by_edit}
        rows.append(
            [record["tool"], *(_fmt(by_edit.get(g, {}).get("rate"), "q") for g in EDIT_GROUPS)]
        )
    headers = ["tool", *(f"{g} ({totals[g]})" if g in totals else g for g in EDIT_GROUPS)]
    return headers, rows


def latest(records: Iterable[dict[str, Any]]) -> dict[tuple[int, str], dict[str, Any]]:
    """The most recent record of every (size, tool), measured or skipped."""
    found: dict[tuple[int, str], dict[str, Any]] = {}
    for record in records:
        key = (record["size"], record["tool"])
        if key not in found or record["suite"] >= found[key]["suite"]:
            found[key] = record
    return found


def _best(
    newest: dict[tuple[int, str], dict[str, Any]], size: int, tools: Sequence[str], key: str
) -> tuple[str | None, float | None]:
    """The tool (of ``tools`` measured at ``size``) with the lowest ``key``, and that value."""
    found = [
        (summary(newest[(size, t)])[key], t)
        for t in tools
        if (size, t) in newest and "timings" in newest[(size, t)]
    ]
    found = [(v, t) for v, t in found if v is not None]
    return (min(found)[1], min(found)[0]) if found else (None, None)


def target_rows(
    records: Iterable[dict[str, Any]], quality_size: int = 10_000, scale_size: int = 1_000_000
) -> tuple[list[str], list[list[str]]]:
    """The issue's targets, each with the measured figure (and where it comes from) and met / missed."""
    newest = latest(records)
    rows: list[list[str]] = []

    def add(target: str, value: float | None, ok: bool | None, shown: str, source: str) -> None:
        verdict = "not measured" if value is None or ok is None else ("met" if ok else "missed")
        rows.append([target, shown if value is not None else "–", verdict, source])

    for peer, factor in (
        ("datasketch", 40.0),
        ("rensa", 1.0),
        ("rensa-flat", 1.0),
        ("rensa-sets", 1.0),
    ):
        pairs = [
            (newest[(size, tool)], same_suite(records, newest[(size, tool)], "newsdedup"))
            for size, tool in sorted(newest)
            if tool == peer and "timings" in newest[(size, tool)]
        ]
        pairs = [(other, ref) for other, ref in pairs if ref is not None]
        if not pairs:
            add(f"signing ≥ {factor:g}× {peer}", None, None, "", "no suite ran both")
        for other, ref in pairs:
            size = other["size"]
            mine, theirs = summary(ref), summary(other)
            value = _ratio(mine["sign_text"], theirs["sign_text"])
            add(
                f"signing ≥ {factor:g}× {peer}",
                value,
                value >= factor if value else None,
                f"{_fmt(value, 'x')} (text/text); {_fmt(_ratio(mine['sign_text'], theirs['sign_shingles']), 'x')} "
                "against its signing from shingles",
                f"{format_count(size)}, newsdedup (1 process) vs {peer}, same suite",
            )
    for size, tool in sorted(newest):  # the batch detector's own target: one process, from text
        if tool == "newsdedup" and "timings" in newest[(size, tool)]:
            rate = summary(newest[(size, tool)])["sign_text"]
            add(
                "signing ≥ 10,000 articles/s per core",
                rate,
                rate >= 10_000 if rate else None,
                f"{_fmt(rate)} articles/s",
                f"{format_count(size)}, newsdedup (1 process), from text",
            )
    ref = newest.get((quality_size, "newsdedup"))
    ref_s = summary(ref) if ref and "timings" in ref else None
    scans = ["newsdedup-scan", "newsdedup-scan-w2"]
    tool, wall = _best(newest, scale_size, scans, "wall_s")
    add(
        "1M scan < 5 min",
        wall,
        wall < 300 if wall else None,
        f"{wall / 60:.1f} min ({tool})" if wall else "",
        f"{format_count(scale_size)}, `newsdedup scan --format json`",
    )
    tool_m, rss = _best(newest, scale_size, scans, "mem")
    add(
        "1M scan peak RSS < 4 GB",
        rss,
        rss < 4096 if rss else None,
        f"{rss / 1024:.2f} GB ({tool_m})" if rss else "",
        f"{format_count(scale_size)}, the larger of the process's peak and the summed RSS of its processes",
    )
    q = ref_s or {}
    add(
        "pairwise F1 ≥ 0.98, near and partial copies",
        q.get("NP"),
        q["NP"] >= 0.98 if q.get("NP") else None,
        _fmt(q.get("NP"), "q"),
        f"{format_count(quality_size)}, rewritten copies left out",
    )
    add(
        "recall ≥ 0.95, light rewrites (≤ 15% touched)",
        q.get("light"),
        q["light"] >= 0.95 if q.get("light") is not None else None,
        _fmt(q.get("light"), "q"),
        f"{format_count(quality_size)}",
    )
    add(
        "zero merges of templated hard negatives",
        q.get("tmpl"),
        q["tmpl"] == 0 if q.get("tmpl") is not None else None,
        f"{q.get('tmpl')} template issues merged" if q.get("tmpl") is not None else "",
        f"{format_count(quality_size)} (same-event merged: {q.get('event')})",
    )
    return ["target", "measured", "verdict", "where"], rows


def format_count(n: int) -> str:
    """``10000`` → ``10k articles``."""
    from .plan import format_size

    return f"{format_size(n)} articles"


def _widths(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    return [max(len(str(x)) for x in column) for column in zip(headers, *rows)]


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Aligned plain text: first column left, the others right.

    Example:
        >>> print(text_table(["a", "bb"], [["x", "1"]]))
        a  bb
        x   1
    """
    widths = _widths(headers, rows)
    lines = []
    for row in [headers, *rows]:
        cells = [
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def markdown(headers: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> str:
    """A Markdown table: the first ``left`` columns left-aligned, the others right-aligned.

    Example:
        >>> print(markdown(["a", "b"], [["x", "1"]]))
        | a | b |
        | --- | ---: |
        | x | 1 |
    """
    align = ["---"] * left + ["---:"] * (len(headers) - left)
    return "\n".join(
        "| " + " | ".join(str(c) for c in row) + " |" for row in [headers, align, *rows]
    )


def growth(small: float | None, large: float | None, factor: float) -> str:
    """How a cost grows between two sizes ``factor`` apart: ``×9.6 (n^0.98)``.

    Example:
        >>> growth(10.0, 100.0, 10)
        '×10.0 (n^1.00)'
    """
    if not small or not large:
        return "–"
    return f"×{large / small:.1f} (n^{math.log(large / small) / math.log(factor):.2f})"
