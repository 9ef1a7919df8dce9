"""``python -m benchmarks.suite.render``: stored results → tables and PNG plots in ``benchmarks/README.md``.

Reads every record of ``benchmarks/results/results.jsonl`` (the suite) and
``real.jsonl`` (the real corpora), keeps the newest record of each tool at
each size, and rewrites only the part of the README between the markers
``<!-- results:start -->`` and ``<!-- results:end -->``: the prose around them
stays as written. The plots (time and peak memory against corpus size, one
line per tool, log-log) are written next to the results.

Example:
    $ python -m benchmarks.suite.render
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..peers import PEERS
from .measure import ROOT
from .plan import format_size
from .report import (
    growth,
    latest,
    markdown,
    ratio_rows,
    recall_rows,
    skipped_lines,
    summary,
    target_rows,
    tool_rows,
)

__all__ = ["END", "START", "cost_rows", "plot", "real_section", "render", "replace_between"]

START, END = "<!-- results:start -->", "<!-- results:end -->"
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "benchmarks" / "README.md"
SPEED_COLUMNS, QUALITY_START = 11, 11


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def replace_between(text: str, body: str) -> str:
    """``text`` with everything between the markers replaced by ``body`` (markers appended when absent).

    Example:
        >>> replace_between("intro\\n<!-- results:start -->\\nold\\n<!-- results:end -->\\nend", "new")
        'intro\\n<!-- results:start -->\\nnew\\n<!-- results:end -->\\nend'
    """
    if START not in text or END not in text:
        return f"{text.rstrip()}\n\n{START}\n{body}\n{END}\n"
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{body}\n{END}{tail}"


def _sizes(newest: dict[tuple[int, str], dict[str, Any]]) -> list[int]:
    return sorted({size for size, _ in newest})


def _tools(newest: dict[tuple[int, str], dict[str, Any]]) -> list[str]:
    """Tools in a fixed order: newsdedup's variants, then the peers as the suite runs them."""
    known = {
        name: i
        for i, name in enumerate(
            ("newsdedup", "newsdedup-w2", "newsdedup-scan", "newsdedup-scan-w2", *PEERS)
        )
    }
    names = {tool for _, tool in newest}
    return sorted(names, key=lambda name: (known.get(name, len(known)), name))


def _suites(records: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Suite id → a letter (A, B...) in time order, to tell rows of different runs apart."""
    return {
        suite: chr(ord("A") + i) for i, suite in enumerate(sorted({r["suite"] for r in records}))
    }


def _provenance(records: Iterable[dict[str, Any]]) -> str:
    records = list(records)
    letters = _suites(records)
    seen = sorted(
        {
            (
                r["suite"],
                r.get("commit") or "?",
                bool(r.get("dirty")),
                tuple(r.get("machine", {}).get("load_avg", [])[:1]),
            )
            for r in records
        }
    )
    tag = (lambda s: f"{letters[s]}: ") if len(letters) > 1 else (lambda s: "")
    return "; ".join(
        f"{tag(s)}suite {s} at commit `{c}`{' (with uncommitted changes)' if d else ''}"
        + (f", load {load[0]:.1f}" if load else "")
        for s, c, d, load in seen
    )


def _tagged(records: list[dict[str, Any]], rows: list[list[str]]) -> list[list[str]]:
    """Rows whose tool name says which suite run it comes from, when a table mixes several."""
    letters = _suites(records)
    if len(letters) < 2:
        return rows
    suite_of = {r["tool"]: r["suite"] for r in records}
    return [[f"{row[0]} ({letters[suite_of[row[0]]]})", *row[1:]] for row in rows]


def size_section(
    newest: dict[tuple[int, str], dict[str, Any]], size: int, pool: list[dict[str, Any]]
) -> str:
    """Speed, quality, ratios and recall by edit of every tool at one size."""
    records = [newest[(size, t)] for t in _tools(newest) if (size, t) in newest]
    headers, rows = tool_rows(records)
    rows = _tagged(records, rows)
    parts = [
        f"### {format_size(size)} articles",
        "",
        _provenance(records),
        "",
        markdown(headers[:SPEED_COLUMNS], [r[:SPEED_COLUMNS] for r in rows]),
    ]
    parts += (
        ["", *(f"* {line}" for line in skipped_lines(records))] if skipped_lines(records) else []
    )
    parts += [
        "",
        markdown(headers[:1] + headers[QUALITY_START:], [r[:1] + r[QUALITY_START:] for r in rows]),
    ]
    ratio_headers, ratios = ratio_rows(records, pool=pool)
    if ratios and len(ratio_headers) > 1:
        parts += [
            "",
            "newsdedup's ratio to each peer, both from the same suite run (speed above 1 and memory "
            "below 1 favour newsdedup):",
            "",
            markdown(ratio_headers, ratios),
        ]
    recall_headers, recall = recall_rows(records)
    recall = _tagged(records, recall)
    if recall:
        parts += [
            "",
            "Recall by edit (pairs found / gold pairs with that edit; totals in the header):",
            "",
            markdown(recall_headers, recall),
        ]
    return "\n".join(parts)


def cost_rows(newest: dict[tuple[int, str], dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Seconds and peak MB of every tool at every size, and how they grow per 10× articles."""
    sizes = _sizes(newest)
    headers = ["tool", *(f"{format_size(s)} s / MB" for s in sizes), "time growth", "memory growth"]
    rows = []
    for tool in _tools(newest):
        cells, points = [], []
        for size in sizes:
            record = newest.get((size, tool))
            if record is None:
                cells.append("")
            elif "timings" not in record:
                estimate = record.get("estimated_s")
                cells.append(f"skipped (~{estimate / 60:,.0f} min)" if estimate else "skipped")
            else:
                s = summary(record)
                rss = s["mem"]
                cells.append(f"{s['wall_s']:,.1f} / {rss:,.0f}")
                points.append((size, s["wall_s"], rss))
        steps = list(zip(points, points[1:]))
        rows.append(
            [
                tool,
                *cells,
                "; ".join(
                    growth(a[1], b[1], b[0] / a[0]) + f" to {format_size(b[0])}" for a, b in steps
                )
                or "–",
                "; ".join(
                    growth(a[2], b[2], b[0] / a[0]) + f" to {format_size(b[0])}" for a, b in steps
                )
                or "–",
            ]
        )
    return headers, rows


def plot(newest: dict[tuple[int, str], dict[str, Any]], folder: Path) -> list[str]:
    """Time and memory against size, one line per tool (log-log); the PNG file names written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []
    tools = _tools(newest)
    colours = plt.cm.tab20.colors
    for key, label, title, file in (
        ("wall_s", "seconds, end to end", "Time against corpus size", "time_vs_size.png"),
        ("rss", "peak memory, MB", "Peak memory against corpus size", "memory_vs_size.png"),
    ):
        fig, ax = plt.subplots(figsize=(7, 4.5))
        for number, tool in enumerate(tools):
            points = []
            for (size, name), record in sorted(newest.items()):
                if name == tool and "timings" in record:
                    s = summary(record)
                    points.append((size, s["mem"] if key == "rss" else s[key]))
            if points:
                xs, ys = zip(*points)
                ours = tool.startswith("newsdedup")
                ax.plot(
                    xs,
                    ys,
                    "-" if ours else "--",
                    marker="os^vD<>ph*Xd"[number % 12],
                    label=tool,
                    color=colours[(2 * number) % 20 + (number // 10) % 2],
                    linewidth=2 if ours else 1,
                )
        ax.set(xscale="log", yscale="log", xlabel="articles", ylabel=label, title=title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7, ncol=2)
        fig.tight_layout()
        fig.savefig(folder / file, dpi=110)
        plt.close(fig)
        names.append(file)
    return names


def real_section(records: list[dict[str, Any]], per_relation: int = 2) -> str:
    """Counts, speed and a few sampled matches of the newest run on each real corpus."""
    newest = {r["corpus"]: r for r in records if "error" not in r}
    if not newest:
        return "No run on the real corpora recorded yet (`python -m benchmarks.suite.real`)."
    relations = sorted({k for r in newest.values() for k in r["matches_by_relation"]})
    headers = [
        "corpus",
        "articles",
        "seconds",
        "articles/s",
        "peak RSS MB",
        "clusters",
        "duplicates",
        *(f"{rel} matches" for rel in relations),
    ]
    rows = [
        [
            name,
            f"{r['articles']:,}",
            f"{r['timings']['wall']:.1f}",
            f"{r['rate']:,.0f}",
            f"{r['peak_rss_mb']:,.0f}",
            str(r["clusters"]),
            str(r["duplicates"]),
            *(str(r["matches_by_relation"].get(rel, 0)) for rel in relations),
        ]
        for name, r in sorted(newest.items())
    ]
    parts = [_provenance(newest.values()), "", markdown(headers, rows)]
    for name, r in sorted(newest.items()):
        shown: dict[str, int] = {}
        sample_rows = []
        for m in r["samples"]:
            if shown.get(m["relation"], 0) >= per_relation:
                continue
            shown[m["relation"]] = shown.get(m["relation"], 0) + 1
            scores = f"J {m['jaccard']:.2f} C {m['containment']:.2f} cos {m['cosine']:.2f} fig {m['numbers']:.2f}"
            sample_rows.append(
                [
                    m["relation"],
                    scores,
                    f"`{m['a']['id']}` {m['a']['title'] or ''}",
                    f"`{m['b']['id']}` {m['b']['title'] or ''}",
                ]
            )
        parts += [
            "",
            f"Sample of matches on {name} (newest run; all samples with text openings are in "
            "`results/real.jsonl`):",
            "",
            markdown(
                ["relation", "scores", "a", "b"],
                [[c.replace("|", "\\|") for c in row] for row in sample_rows],
                left=4,
            ),
        ]
    return "\n".join(parts)


def render(results: Path = RESULTS, readme: Path = README) -> str:
    """Rewrite the README's results section and the plots; the new section."""
    records = read_jsonl(results / "results.jsonl")
    newest = latest(records)
    parts = [
        "<!-- Generated by `python -m benchmarks.suite.render` from results/*.jsonl; edits here are overwritten. -->",
        "",
        "### Targets",
        "",
        markdown(*target_rows(records), left=4),
    ]
    for size in _sizes(newest):
        parts += ["", size_section(newest, size, records)]
    if newest:
        images = plot(newest, results)
        parts += [
            "",
            "### Cost curve",
            "",
            "Seconds end to end / peak memory in MB (the larger of the process's "
            "peak RSS and the summed RSS of it and its workers), and growth per step of size:",
            "",
            markdown(*cost_rows(newest)),
            "",
            *(f"![{name[:-4].replace('_', ' ')}](results/{name})" for name in images),
        ]
    parts += ["", "### Real corpora", "", real_section(read_jsonl(results / "real.jsonl"))]
    body = "\n".join(parts)
    readme.write_text(replace_between(readme.read_text(encoding="utf-8"), body), encoding="utf-8")
    return body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.suite.render", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args(argv)
    render(args.results, args.readme)
    print(f"updated {args.readme}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
