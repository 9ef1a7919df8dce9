"""Read the clusterings that :mod:`newsdedup.evaluate.metrics` compares.

Two shapes are accepted for a clustering, told apart by their content:

* the JSON document ``newsdedup scan --format json`` writes,
  ``{"articles": N, "clusters": [{"cluster": 0, "original": "id",
  "members": [{"id": "x", "relation": "near", ...}]}]}`` (members whose
  relation is ``template`` are not duplicates and are left out);
* JSONL, one ``{"id": ..., "cluster": ...}`` record a line (a gold file is
  such a JSONL with more fields, see :func:`load_gold`).

Why a module of its own: reading and validating files is a different job from
computing metrics, and its errors carry file and line.

Example:
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "gold.jsonl"
    >>> _ = path.write_text('{"id": "a", "cluster": 1}\\n{"id": "b", "cluster": 1}\\n')
    >>> load_clusters(path)
    {'a': '1', 'b': '1'}
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError

__all__ = ["LIGHT_REWRITE_MAX", "Gold", "GoldPair", "load_clusters", "load_gold"]

#: Rewritten copies with at most this share of tokens touched form the group
#: ``rewrite_light`` (the issue's target: recall ≥ 0.95 on them); the others
#: form ``rewrite_heavy``.
LIGHT_REWRITE_MAX = 0.15


@dataclass(frozen=True)
class GoldPair:
    """A copy, its original, and the groups the pair is scored in (edit types)."""

    original: str
    copy: str
    groups: tuple[str, ...] = ()


@dataclass
class Gold:
    """A gold file: the clustering plus what is known of each copy.

    Attributes:
        clusters: Article id → gold cluster label (as a string).
        pairs: One (original, copy) pair per copy of a cluster that names its
            original.
        kinds: Article id → kind (``original``, ``copy``, ``template``,
            ``same_event``, ``filler``), for the articles whose record has one.
    """

    clusters: dict[str, str] = field(default_factory=dict)
    pairs: list[GoldPair] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)


def _read_text(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a clusters file", path=str(path)) from None
    except UnicodeDecodeError as err:
        raise InputError(
            f"not UTF-8 text ({err.reason} at byte {err.start})", path=str(path)
        ) from None
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", path=str(path)) from None


def _records(text: str, path: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for every non-blank JSONL line."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"invalid JSON: {err.msg}", path=path, line=number) from None
        if not isinstance(record, dict):
            raise InputError(
                "expected a JSON object with 'id' and 'cluster'", path=path, line=number
            )
        yield number, record


def _text_field(record: dict[str, Any], name: str, path: str, line: int | None) -> str:
    value = record.get(name)
    if type(value) is str:
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        shown = "missing" if value is None else f"not a string or integer: {value!r}"
        raise InputError(f"'{name}' is {shown}", path=path, line=line)
    return str(value)


def _add(
    clusters: dict[str, str],
    seen: dict[str, int | None],
    aid: str,
    label: str,
    path: str,
    line: int | None,
) -> None:
    if aid in clusters:
        first = seen[aid]
        where = f" (first at line {first})" if first is not None else ""
        raise InputError(f"article {aid!r} appears twice{where}", path=path, line=line)
    clusters[aid] = label
    seen[aid] = line


def _from_scan(doc: dict[str, Any], path: str) -> dict[str, str]:
    clusters: dict[str, str] = {}
    seen: dict[str, int | None] = {}
    entries = doc["clusters"]
    if not isinstance(entries, list):
        raise InputError("'clusters' must be a list", path=path)
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("members", []), list):
            raise InputError(f"cluster #{index} must be an object with a 'members' list", path=path)
        try:
            label = _text_field(entry, "cluster", path, None) if "cluster" in entry else str(index)
            _add(clusters, seen, _text_field(entry, "original", path, None), label, path, None)
            for member in entry.get("members", []):
                if not isinstance(member, dict):
                    raise InputError("members must be objects with an 'id'", path=path)
                if member.get("relation") != "template":
                    _add(clusters, seen, _text_field(member, "id", path, None), label, path, None)
        except InputError as err:
            raise InputError(f"cluster #{index}: {err.message}", path=path) from None
    return clusters


def _whole_json(text: str, path: str) -> Any:
    """The file parsed as one JSON document, or None when it is JSONL."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        if err.msg == "Extra data":
            return None  # several documents: JSONL
        first_line = text.lstrip().split("\n", 1)[0]
        try:
            json.loads(first_line)
        except json.JSONDecodeError:
            raise InputError(f"invalid JSON: {err.msg}", path=path, line=err.lineno) from None
        return None  # the first line is a record of its own: JSONL, read line by line


def load_clusters(path: str | Path) -> dict[str, str]:
    """Read a clustering: scan JSON, or JSONL of ``{"id", "cluster"}`` records.

    Args:
        path: The file to read.

    Returns:
        Article id → cluster label (labels as strings).

    Raises:
        InputError: Missing or unreadable file, invalid JSON, a record
            without ``id`` or ``cluster``, or an id listed twice (with
            path:line for JSONL).

    Example:
        >>> load_clusters("scan.json")  # doctest: +SKIP
        {'wire/001': '0', 'daily/17': '0', ...}
    """
    where = str(path)
    text = _read_text(path)
    doc = _whole_json(text, where)
    if isinstance(doc, dict) and "clusters" in doc:
        return _from_scan(doc, where)
    clusters: dict[str, str] = {}
    seen: dict[str, int | None] = {}
    for line, record in _records(text, where):
        _add(
            clusters,
            seen,
            _text_field(record, "id", where, line),
            _text_field(record, "cluster", where, line),
            where,
            line,
        )
    return clusters


def _groups(record: dict[str, Any], path: str, line: int) -> tuple[str, ...]:
    """The groups a copy is scored in: its edits, ``verbatim`` when it has none."""
    edits = record.get("edit") or []
    if not edits and not record.get("touched"):
        return ("verbatim",)
    if not isinstance(edits, list) or not all(isinstance(e, str) for e in edits):
        raise InputError("'edit' must be a list of strings", path=path, line=line)
    touched = record.get("touched") or 0.0
    if isinstance(touched, bool) or not isinstance(touched, (int, float)):
        raise InputError(f"'touched' must be a number, not {touched!r}", path=path, line=line)
    groups = list(edits) or ["verbatim"]
    if "rewrite" in edits:
        groups.append("rewrite_light" if touched <= LIGHT_REWRITE_MAX else "rewrite_heavy")
    return tuple(groups)


def load_gold(path: str | Path) -> Gold:
    """Read a gold JSONL file: the clustering, its (original, copy) pairs and kinds.

    Each line is ``{"id", "cluster"}`` plus optionally ``original`` (true for
    the one original of its cluster), ``edit`` (list of edit types applied to
    a copy), ``touched`` (share of tokens changed) and ``kind``. Every other
    article of a cluster that has an original is a copy of it; its groups are
    its edits (``verbatim`` when none), plus ``rewrite_light`` or
    ``rewrite_heavy`` for rewritten copies (split at :data:`LIGHT_REWRITE_MAX`).

    Raises:
        InputError: As :func:`load_clusters`, or two originals in one cluster,
            or malformed ``edit``/``touched``/``kind`` (with path:line).

    Example:
        >>> gold = load_gold("benchmarks/data/10k/gold.jsonl")  # doctest: +SKIP
        >>> gold.pairs[0]  # doctest: +SKIP
        GoldPair(original='n0000012', copy='n0000467', groups=('trim', 'headline'))
    """
    where = str(path)
    gold = Gold()
    seen: dict[str, int | None] = {}
    originals: dict[str, tuple[str, int]] = {}
    copies: list[tuple[str, str, tuple[str, ...]]] = []
    for line, record in _records(_read_text(path), where):
        aid = _text_field(record, "id", where, line)
        label = _text_field(record, "cluster", where, line)
        _add(gold.clusters, seen, aid, label, where, line)
        if "kind" in record:
            gold.kinds[aid] = _text_field(record, "kind", where, line)
        if record.get("original") is True:
            if label in originals:
                raise InputError(
                    f"cluster {label!r} has a second original (first at line "
                    f"{originals[label][1]})",
                    path=where,
                    line=line,
                )
            originals[label] = (aid, line)
        else:
            copies.append((aid, label, _groups(record, where, line)))
    gold.pairs = [
        GoldPair(originals[label][0], aid, groups)
        for aid, label, groups in copies
        if label in originals
    ]
    return gold
