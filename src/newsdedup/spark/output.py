"""Results out: DataFrames written atomically, or a small result rendered as ``scan`` renders it.

Why a temporary folder and a rename: Spark writes a folder of part files
task by task; a job that fails half-way must not leave a folder that looks
like a result. Each output is written next to its target under a hidden
name and renamed into place only when the job succeeded (on object stores,
where a rename is a copy, the temporary folder is removed on failure).

Example:
    >>> temporary_name("out/clusters.parquet").startswith("out/.clusters.parquet.tmp-")
    True
"""

from __future__ import annotations

import os
import shutil
import uuid
from typing import Any

from ..errors import OutputError
from ..io.remote import is_url
from ..models import Cluster, Match, Member, Relation, Result, Scores

__all__ = ["collect_result", "temporary_name", "write_frame"]

#: Above this many rows, table and json output are refused (write parquet or jsonl).
MAX_COLLECT_ROWS = 1_000_000


def temporary_name(target: str) -> str:
    """A hidden sibling of ``target`` for a write in progress."""
    head, tail = os.path.split(target.rstrip("/"))
    return os.path.join(head, f".{tail}.tmp-{uuid.uuid4().hex[:12]}")


def _remove(path: str) -> None:
    if is_url(path):
        import fsspec

        fs, inner = fsspec.core.url_to_fs(path)
        if fs.exists(inner):
            fs.rm(inner, recursive=True)
    elif os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.exists(path):
        os.remove(path)


def _rename(source: str, target: str) -> None:
    if is_url(target):
        import fsspec

        fs, inner = fsspec.core.url_to_fs(target)
        fs.mv(fsspec.core.url_to_fs(source)[1], inner, recursive=True)
    else:
        os.replace(source, target)


def write_frame(frame: Any, target: str, fmt: str) -> None:
    """Write ``frame`` as a folder of Parquet or JSON lines files at ``target``, atomically.

    Raises:
        OutputError: The folder cannot be written (nothing is left behind).
    """
    parent = os.path.dirname(target.rstrip("/")) or "."
    if not is_url(target) and not os.path.isdir(parent):
        raise OutputError(f"folder {parent} does not exist", path=target)
    temporary = temporary_name(target)
    try:
        writer = frame.write.mode("error")
        if fmt == "parquet":
            writer.parquet(temporary)
        elif fmt == "jsonl":
            writer.json(temporary)
        elif fmt == "text":
            writer.text(temporary)
        else:
            raise ValueError(f"unknown format {fmt!r}")
        old = None
        if os.path.lexists(target) if not is_url(target) else False:
            old = temporary_name(target)
            os.replace(target, old)
        _rename(temporary, target)
        if old:
            _remove(old)
    except OutputError:
        _remove(temporary)
        raise
    except Exception as error:
        _remove(temporary)
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise OutputError(f"cannot write the result: {first}", path=target) from None


def _scores(row: Any) -> Scores:
    return Scores(row["jaccard"], row["containment"], row["cosine"], row["numbers"])


def collect_result(clusters: Any, pairs: Any, stats: dict[str, Any], config: Any) -> Result:
    """The whole result on the driver as a :class:`Result` (for table and json output).

    Raises:
        OutputError: The result has more than ``MAX_COLLECT_ROWS`` rows.
    """
    from ..batch.assemble import empty_warnings

    n = clusters.count() + pairs.count()
    if n > MAX_COLLECT_ROWS:
        raise OutputError(f"{n} result rows are too many for table or json; use parquet or jsonl")
    grouped: dict[int, tuple[str, list[Member]]] = {}
    for row in clusters.orderBy("cluster", "position").collect():
        entry = grouped.setdefault(row["cluster"], (row["original"], []))
        entry[1].append(Member(row["id"], Relation(row["relation"]), _scores(row)))
    out = [Cluster(n, original, members) for n, (original, members) in sorted(grouped.items())]
    matches = [
        Match(r["a"], r["b"], Relation(r["relation"]), _scores(r), r["reason"])
        for r in pairs.orderBy("a_idx", "position").collect()
    ]
    by_relation = {
        f"matches_{r.value}": sum(1 for m in matches if m.relation is r) for r in Relation
    }
    articles = stats.get("articles", 0)
    return Result(
        articles=articles,
        clusters=out,
        matches=matches,
        stats={
            **stats,
            "clusters": len(out),
            "duplicates": sum(len(c.members) for c in out),
            **by_relation,
        },
        warnings=empty_warnings(stats.get("empty", 0)),
        settings={"fingerprint": config.fingerprint(), **config.to_dict()},
    )
