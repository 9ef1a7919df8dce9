"""Score one tool's clusters against the synthetic gold: the library's report plus the issue's subset.

:func:`newsdedup.evaluate.metrics.evaluate_files` gives what ``newsdedup evaluate``
prints. The quality target of the benchmark is stated for *near and partial*
copies (pairwise F1 ≥ 0.98), with rewritten copies judged on their own
(recall ≥ 0.95 when lightly rewritten), so :func:`score` adds the pairwise
scores over the corpus with every rewritten copy left out of both sides
(``near_partial``): what remains are exact, near (headline, boilerplate,
reorder, noise...) and partial (trimmed, added paragraphs, quoted) copies,
and all the hard negatives.

Example:
    >>> report = score("work/newsdedup.clusters.jsonl", "benchmarks/data/10k-seed1/gold.jsonl")  # doctest: +SKIP
    >>> report["near_partial"]["f1"], report["recall_by_edit"]["rewrite_light"]["rate"]  # doctest: +SKIP
    (0.986, 0.87)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsdedup.evaluate.metrics import evaluate_files, load_clusters, load_gold, pairwise_scores

__all__ = ["score", "without"]


def without(clusters: dict[str, str], left_out: set[str]) -> dict[str, str]:
    """The clustering restricted to articles not in ``left_out``.

    Example:
        >>> without({"a": "1", "b": "1", "c": "2"}, {"b"})
        {'a': '1', 'c': '2'}
    """
    return {aid: label for aid, label in clusters.items() if aid not in left_out}


def score(predicted: str | Path, gold_path: str | Path) -> dict[str, Any]:
    """:func:`evaluate_files` plus ``near_partial``: pairwise scores without the rewritten copies."""
    report = evaluate_files(predicted, gold_path)
    gold = load_gold(gold_path)
    rewritten = {pair.copy for pair in gold.pairs if "rewrite" in pair.groups}
    subset = pairwise_scores(
        without(load_clusters(predicted), rewritten), without(gold.clusters, rewritten)
    )
    report["near_partial"] = {**subset.to_dict(), "left_out": len(rewritten)}
    return report
