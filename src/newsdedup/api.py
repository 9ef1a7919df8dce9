"""The library in three calls: ``scan`` a pile of articles, ``dedup`` it, read it.

Why a module of its own: the CLI and Python users want the same things — give
paths, records, articles or a pandas DataFrame; get clusters back, or the
articles to keep — and the keep/drop rule of ``dedup`` must be one piece of code
that the command line and the library share.

Example:
    >>> import newsdedup as nd
    >>> wire = "Dock workers at the port of Antwerp returned to work on Thursday after a strike. " * 3
    >>> records = [
    ...     {"id": "wire-1", "text": wire, "published": "2024-05-02T08:00:00Z"},
    ...     {"id": "site-7", "text": wire + "Source link", "published": "2024-05-02T10:15:00Z"},
    ...     {"id": "wire-2", "text": "The central bank kept its main rate at 3.5 percent on Thursday."},
    ... ]
    >>> result = nd.scan(records)
    >>> [(c.original, [m.id for m in c.members]) for c in result.clusters]
    [('wire-1', ['site-7'])]
    >>> [a.id for a in nd.dedup(records).kept]
    ['wire-1', 'wire-2']
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .config import DetectorConfig
from .errors import ConfigError
from .io.counters import ReadReport
from .io.fields import FieldMap, article_from_record
from .io.reader import read_articles
from .models import Article, Relation, Result, Scores

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DedupResult", "Removal", "as_articles", "dedup", "dedup_plan", "scan"]

#: What ``scan`` and ``dedup`` accept: a path, several paths, articles,
#: record dicts (JSON-like, mapped by ``fields``) or a pandas DataFrame.
Inputs = Any


@dataclass(frozen=True, slots=True)
class Removal:
    """Why an article is dropped by ``dedup``: the original it copies, how, and the scores."""

    id: str
    duplicate_of: str
    relation: Relation
    scores: Scores

    def to_dict(self) -> dict[str, Any]:
        return {
            "duplicate_of": self.duplicate_of,
            "relation": self.relation.value,
            **self.scores.to_dict(),
        }


@dataclass(slots=True)
class DedupResult:
    """The outcome of ``dedup``: what to keep, what was removed and why, and the scan behind it.

    Attributes:
        result: The scan's clusters and matches.
        kept: Articles kept (each cluster's original and every article without
            copies), in input order.
        removed: Articles dropped, in input order, each with its :class:`Removal`.
    """

    result: Result
    kept: list[Article] = field(default_factory=list)
    removed: list[tuple[Article, Removal]] = field(default_factory=list)

    def kept_ids(self) -> list[str]:
        return [a.id for a in self.kept]


def dedup_plan(result: Result) -> dict[str, Removal]:
    """The keep/drop rule: every cluster member is dropped for its original; the rest is kept.

    Templates never form clusters (they are not copies), so they are kept.

    Example:
        >>> from newsdedup.models import Cluster, Member
        >>> s = Scores(1.0, 1.0, 1.0)
        >>> r = Result(3, [Cluster(0, "a", [Member("b", Relation.EXACT, s)])], [], ids=["a", "b", "c"])
        >>> {k: v.duplicate_of for k, v in dedup_plan(r).items()}
        {'b': 'a'}
    """
    return {
        member.id: Removal(member.id, cluster.original, member.relation, member.scores)
        for cluster in result.clusters
        for member in cluster.members
    }


def scan(
    inputs: Inputs,
    config: DetectorConfig | None = None,
    *,
    fields: FieldMap | None = None,
    skip_bad: bool = False,
    report: ReadReport | None = None,
    **options: Any,
) -> Result:
    """Find the clusters of copies among ``inputs``.

    Args:
        inputs: A path (file or folder), a list of paths, an iterable of
            :class:`Article` or of record dicts, or a pandas DataFrame (one row
            per article; columns named as ``fields`` says: ``id``, ``text``,
            ``title``, ``published``, ``source``, ``url``).
        config: The detector's configuration; or pass its options as keywords
            (``near_jaccard=0.85``, ``shingle_kind="char"``, ``workers=2``, …,
            as :meth:`DetectorConfig.from_options` takes them), not both.
        fields: Which record fields hold what (records, DataFrames, JSON/CSV files).
        skip_bad: Skip malformed records with a warning instead of raising.
        report: Filled in with read counters and warnings.

    Returns:
        The :class:`Result`; ``result.to_pandas()`` gives one row per article.

    Raises:
        InputError: Unreadable input or a malformed record (without ``skip_bad``).
        ConfigError: Both ``config`` and options, or an invalid option.
    """
    from .batch.pipeline import Detector

    detector = Detector(_config(config, options))
    return detector.run(as_articles(inputs, fields=fields, skip_bad=skip_bad, report=report))


def dedup(
    inputs: Inputs,
    config: DetectorConfig | None = None,
    *,
    fields: FieldMap | None = None,
    skip_bad: bool = False,
    **options: Any,
) -> DedupResult:
    """Keep one article per cluster (its original) and every article without copies.

    Inputs are read twice when they are paths (once to detect, once to hand
    back what is kept), so nothing but the result is held in memory between
    the two; records, articles and DataFrames are materialised once.

    Example:
        >>> dedup([Article("a", "same words here"), Article("b", "same words here")]).kept_ids()
        ['a']
    """
    reread = _is_paths(inputs)
    articles = None if reread else list(as_articles(inputs, fields=fields, skip_bad=skip_bad))
    source = inputs if reread else articles
    result = scan(source, config, fields=fields, skip_bad=skip_bad, **options)
    plan = dedup_plan(result)
    out = DedupResult(result)
    again = as_articles(inputs, fields=fields, skip_bad=skip_bad) if reread else articles
    for article in again or ():
        removal = plan.get(article.id)
        if removal is None:
            out.kept.append(article)
        else:
            out.removed.append((article, removal))
    return out


def as_articles(
    inputs: Inputs,
    *,
    fields: FieldMap | None = None,
    skip_bad: bool = False,
    report: ReadReport | None = None,
) -> Iterator[Article]:
    """Turn any supported input into a stream of :class:`Article` (see :func:`scan`).

    Example:
        >>> [a.id for a in as_articles([{"id": 1, "text": "Body"}])]
        ['1']
    """
    fields = fields or FieldMap()
    if _is_paths(inputs):
        paths = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
        return read_articles(paths, fields=fields, skip_bad=skip_bad, report=report)
    if _is_dataframe(inputs):
        return _from_records(inputs.to_dict("records"), fields)
    return _from_iterable(inputs, fields)


def _from_iterable(items: Iterable[Any], fields: FieldMap) -> Iterator[Article]:
    for index, item in enumerate(items):
        if isinstance(item, Article):
            yield item
        elif isinstance(item, Mapping):
            yield article_from_record(dict(item), fields, f"record #{index}")
        else:
            raise TypeError(
                f"record #{index}: expected an Article or a dict, got {type(item).__name__}"
            )


def _from_records(records: list[dict[str, Any]], fields: FieldMap) -> Iterator[Article]:
    for index, record in enumerate(records):
        clean = {k: v for k, v in record.items() if not _is_missing(v)}
        yield article_from_record(clean, fields, f"row {index}")


def _is_missing(value: Any) -> bool:
    """pandas fills absent cells with NaN/NaT/None: drop them so they read as absent fields."""
    try:
        return value is None or bool(value != value)
    except (TypeError, ValueError):
        return False


def _is_paths(inputs: Any) -> bool:
    if isinstance(inputs, (str, os.PathLike)):
        return True
    return (
        isinstance(inputs, (list, tuple))
        and len(inputs) > 0
        and all(isinstance(p, (str, os.PathLike)) for p in inputs)
    )


def _is_dataframe(inputs: Any) -> bool:
    return type(inputs).__name__ == "DataFrame" and hasattr(inputs, "to_dict")


def _config(config: DetectorConfig | None, options: Mapping[str, Any]) -> DetectorConfig:
    if config is not None and options:
        raise ConfigError(f"pass either config or options, not both (got {sorted(options)})")
    return config if config is not None else DetectorConfig.from_options(**options)


def result_frame(result: Result) -> pd.DataFrame:
    """One row per article: id, cluster, role, relation and scores (see ``Result.to_pandas``)."""
    try:
        import pandas as pd
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("to_pandas needs pandas: pip install 'newsdedup[pandas]'") from err
    rows: dict[str, dict[str, Any]] = {
        aid: {"id": aid, "cluster": None, "role": "unique", "relation": None} for aid in result.ids
    }
    for cluster in result.clusters:
        rows[cluster.original] = {
            "id": cluster.original,
            "cluster": cluster.id,
            "role": "original",
            "relation": None,
        }
        for member in cluster.members:
            rows[member.id] = {
                "id": member.id,
                "cluster": cluster.id,
                "role": "copy",
                "relation": member.relation.value,
                **member.scores.to_dict(),
            }
    columns = ["id", "cluster", "role", "relation", "jaccard", "containment", "cosine", "numbers"]
    frame = pd.DataFrame(list(rows.values()), columns=columns)
    frame["cluster"] = frame["cluster"].astype("Int64")
    return frame
