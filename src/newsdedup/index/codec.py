"""How stored parts are encoded, shared by the backends so both store the same bytes.

* signatures: little-endian uint32 values;
* token hashes: little-endian uint32; number flags: one bit per token;
* article records: JSON, zlib-compressed (texts shrink to about 40%);
* LSH band keys of the SQLite backend: 64-bit hashes of each band's rows.

Example:
    >>> import numpy as np
    >>> flags = np.array([1, 0, 0, 1, 1], np.uint8)
    >>> unpack_flags(pack_flags(flags), 5).tolist()
    [1, 0, 0, 1, 1]
    >>> decode_record(encode_record({"id": "a", "text": "Été"}))
    {'id': 'a', 'text': 'Été'}
"""

from __future__ import annotations

import json
import time
import zlib
from typing import Any

import numpy as np

from .. import _kernels as K
from ..models import Article
from ..sketch.candidates import all_band_keys
from .base import Bodies
from .validate import number_bits, token_blob

__all__ = [
    "REFERENCE_FIELDS",
    "article_record",
    "band_keys",
    "bodies_from_blobs",
    "cap_per_key",
    "decode_record",
    "encode_article",
    "encode_record",
    "exported_record",
    "join_lookups",
    "pack_flags",
    "reference_of",
    "split_record",
    "unpack_flags",
]

#: Mixed into word-set band keys so they never collide with k-gram band keys by construction.
_WORD_SALT = np.uint64(0xA5A5_5A5A_C3C3_3C3C)


def pack_flags(flags: np.ndarray) -> bytes:
    """Number flags (bit 0 of each token's flag) as a bit string."""
    return np.packbits(np.asarray(flags, np.uint8) & K.FLAG_NUMBER).tobytes()


def unpack_flags(packed: bytes, n_tokens: int) -> np.ndarray:
    return np.unpackbits(np.frombuffer(packed, np.uint8), count=n_tokens).astype(np.uint8)


#: What a reference keeps of an article record (``@origin`` is stored as ``origin``).
REFERENCE_FIELDS = ("origin", "source", "url", "published")
#: First byte of a record blob that starts with its reference (zlib never starts with it).
_WITH_REFERENCE = b"R"


def reference_of(record: dict[str, Any]) -> str:
    """Where an article came from, as compact JSON: what ``export`` gives without stored texts.

    Example:
        >>> reference_of({"id": "a", "text": "long", "source": "wire", "@origin": "feed.jsonl:12"})
        '{"origin":"feed.jsonl:12","source":"wire"}'
    """
    kept = {
        name: record.get("@origin" if name == "origin" else name)
        for name in REFERENCE_FIELDS
        if record.get("@origin" if name == "origin" else name) is not None
    }
    return json.dumps(kept, ensure_ascii=False, separators=(",", ":"), default=str)


def encode_article(article: Article) -> bytes:
    """An article's record blob, its reference first: ``R``, length (4 bytes), reference, zlib record.

    Why the reference apart: an index that keeps no texts stores only the
    reference, and slicing it off costs nothing where decompressing and
    parsing the record would cost the storing process ~0.1 ms an article
    (this runs in the preparing workers).

    Example:
        >>> blob = encode_article(Article("a", "Body", source="wire"))
        >>> split_record(blob)[0], decode_record(blob)["text"]
        ('{"source":"wire"}', 'Body')
    """
    record = article_record(article)
    reference = reference_of(record).encode("utf-8")
    return (
        _WITH_REFERENCE + len(reference).to_bytes(4, "little") + reference + encode_record(record)
    )


def split_record(blob: bytes) -> tuple[str, bytes]:
    """(reference JSON, zlib record) of a record blob (a plain zlib record: its reference is derived)."""
    if blob[:1] != _WITH_REFERENCE:
        return reference_of(decode_record(blob)), blob
    size = int.from_bytes(blob[1:5], "little")
    if len(blob) < 5 + size:
        raise ValueError("a record blob cut short")
    return blob[5 : 5 + size].decode("utf-8"), blob[5 + size :]


def article_record(article: Article) -> dict[str, Any]:
    """What the index keeps of an article: ``Article.to_dict`` and, as ``@origin``, where it was read.

    The origin (``path`` or ``path:line``) lets an index that keeps no texts
    say where each article can be found again.

    Example:
        >>> article_record(Article("a", "text", origin="feed.jsonl:3"))["@origin"]
        'feed.jsonl:3'
    """
    record = article.to_dict()
    if article.origin is not None:
        record["@origin"] = article.origin
    return record


def encode_record(record: dict[str, Any]) -> bytes:
    return zlib.compress(json.dumps(record, ensure_ascii=False, default=str).encode("utf-8"), 1)


def decode_record(blob: bytes) -> dict[str, Any]:
    """The record of a blob of :func:`encode_record` or :func:`encode_article`."""
    if blob[:1] == _WITH_REFERENCE:
        blob = split_record(blob)[1]
    return json.loads(zlib.decompress(blob).decode("utf-8"))


def band_keys(
    signatures: np.ndarray, word_signatures: np.ndarray, shape: dict[str, int]
) -> np.ndarray:
    """LSH keys of each document, int64 (n × bands [+ word bands]), as SQLite stores them.

    ``word_signatures`` with zero columns leaves the word-set bands out.
    """
    keys = all_band_keys(signatures, shape["bands"], shape["rows"])
    if word_signatures.shape[1]:
        word = all_band_keys(word_signatures, shape["word_bands"], shape["word_rows"]) ^ _WORD_SALT
        keys = np.concatenate([keys, word], axis=1)
    return np.ascontiguousarray(keys).view(np.int64)


def cap_per_key(keys: np.ndarray, docs: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Keep at most ``limit`` (key, doc) rows per key: those of the most recent (highest) docs.

    Example:
        >>> k, d = cap_per_key(np.array([5, 5, 5, 7]), np.array([1, 3, 2, 9]), 2)
        >>> sorted(zip(k.tolist(), d.tolist()))
        [(5, 2), (5, 3), (7, 9)]
    """
    if len(keys) == 0:
        return keys, docs
    order = np.lexsort((-docs, keys))
    keys, docs = keys[order], docs[order]
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    rank = np.arange(len(keys)) - np.repeat(starts, np.diff(np.append(starts, len(keys))))
    keep = rank < limit
    return keys[keep], docs[keep]


def join_lookups(
    query_keys: np.ndarray,
    query_rows: np.ndarray,
    found_keys: np.ndarray,
    found_docs: np.ndarray,
    n_rows: int,
) -> list[np.ndarray]:
    """For each query row, the sorted unique docs found under any of its keys.

    Args:
        query_keys, query_rows: Key looked up and the query row it belongs to.
        found_keys, found_docs: (key, doc) rows returned by the store.
        n_rows: Number of query rows.
    """
    empty = np.zeros(0, np.int64)
    if len(found_keys) == 0:
        return [empty] * n_rows
    order = np.argsort(found_keys, kind="stable")
    fk, fd = found_keys[order], found_docs[order]
    lo = np.searchsorted(fk, query_keys, "left")
    hi = np.searchsorted(fk, query_keys, "right")
    counts = hi - lo
    rows = np.repeat(query_rows, counts)
    starts = np.repeat(lo - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    docs = fd[starts + np.arange(len(rows))]
    packed = np.unique((rows.astype(np.int64) << 40) | docs.astype(np.int64))
    rows, docs = packed >> 40, packed & ((1 << 40) - 1)
    bounds = np.searchsorted(rows, np.arange(n_rows + 1))
    return [docs[bounds[i] : bounds[i + 1]] for i in range(n_rows)]


def bodies_from_blobs(parts: list[tuple[bytes, bytes] | None], location: str = "index") -> Bodies:
    """Bodies from (token bytes, number bits) per document; None for a missing one.

    Blob lengths are validated (tokens a multiple of 4 bytes, one number bit
    per token): a damaged body is an :class:`~newsdedup.errors.IndexDamaged`.
    """
    tokens = [token_blob(p[0], location) if p else np.zeros(0, np.uint32) for p in parts]
    flags = [
        unpack_flags(number_bits(p[1], len(t), location), len(t)) if p else np.zeros(0, np.uint8)
        for p, t in zip(parts, tokens)
    ]
    offsets = np.zeros(len(parts) + 1, np.int64)
    np.cumsum([len(t) for t in tokens], out=offsets[1:])
    return Bodies(
        np.concatenate(tokens) if tokens else np.zeros(0, np.uint32),
        np.concatenate(flags) if flags else np.zeros(0, np.uint8),
        offsets,
    )


def exported_record(
    record: dict[str, Any], relation: str, original: str | None, added: float
) -> dict[str, Any]:
    """An export line: the article record (without ``@origin``) plus what the index knows of it."""
    return {
        **{k: v for k, v in record.items() if k != "@origin"},
        "index": {
            "relation": relation,
            "original": original,
            "added": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(added)),
        },
    }
