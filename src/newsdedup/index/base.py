"""The storage contract of the live index: what a backend keeps, and how it is asked.

Why one small contract: the live index (``LiveIndex``) decides *what* an
incoming article is; a backend only keeps articles and answers lookups. Both
backends (SQLite, Redis) implement these methods and nothing else, and the
same conformance tests run against each, so an index behaves the same
whatever it is stored in.

A stored article is a *document* with a number (``doc``, an int unique
within the index) and is kept as four parts that are written together or not
at all:

* its **summary**: id, the doc of its indexed original (``root``, -1 when it
  is an original itself), relation to it, exact-text key, dates;
* its **sketches**: the k-gram and word-set MinHash signatures;
* its **body**: token hashes and number flags (what verification reads) and
  the article record (what ``export`` gives back);
* its **LSH entries** (unless it is an exact copy: the exact-key lookup finds
  those) and its contribution to the **document frequencies** behind TF-IDF.

Example:
    >>> from newsdedup.index import SQLiteStore
    >>> store = SQLiteStore(":memory:")
    >>> store.stats().articles if store.load_manifest() is None else None
    0
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from .integrity import CheckReport

__all__ = ["Bodies", "IndexStats", "IndexStore", "Known", "NewArticles", "Summaries"]


@dataclass(frozen=True)
class IndexStats:
    """What an index holds: counts, dates, size; and, from ``LiveIndex.stats()``, its configuration.

    Attributes:
        backend: ``sqlite`` or ``redis``.
        location: The file, or the Redis URL and prefix.
        articles: Articles stored.
        relations: Stored articles by relation to their original (``new``
            for originals), relations with none left out.
        oldest, newest: POSIX seconds of the oldest and newest article
            (publication date, else when it was added); None when empty.
        bytes: Size on disk (SQLite: file and write-ahead log) or in memory
            (Redis: the whole server's).
        bytes_note: What ``bytes`` measures when it is not the index alone.
        fingerprint: The configuration fingerprint (see ``DetectorConfig``).
        bands, rows, word_bands, word_rows, word_num_perm: The LSH shape of
            the k-gram and word-set signatures.
        created: When the index was created (ISO 8601), None before its first write.

    Example:
        >>> stats = IndexStats("sqlite", "news.db", 3, {"new": 2, "near": 1}, None, None, 4096)
        >>> stats.to_dict()["relations"], "bytes_note" in stats.to_dict()
        ({'new': 2, 'near': 1}, False)
    """

    backend: str
    location: str
    articles: int
    relations: dict[str, int]
    oldest: float | None
    newest: float | None
    bytes: int
    bytes_note: str | None = None
    fingerprint: str | None = None
    bands: int | None = None
    rows: int | None = None
    word_bands: int | None = None
    word_rows: int | None = None
    word_num_perm: int | None = None
    created: str | None = None

    def with_config(
        self, fingerprint: str, shape: dict[str, int], created: str | None
    ) -> IndexStats:
        """These counters with the index's configuration (``lsh_shape`` gives ``shape``) added."""
        return replace(
            self,
            fingerprint=fingerprint,
            bands=shape["bands"],
            rows=shape["rows"],
            word_bands=shape["word_bands"],
            word_rows=shape["word_rows"],
            word_num_perm=shape["word_num_perm"],
            created=created,
        )

    def to_dict(self) -> dict[str, Any]:
        """As JSON (``newsdedup index stats --format json``); ``bytes_note`` only when there is one."""
        return {k: v for k, v in asdict(self).items() if k != "bytes_note" or v is not None}


@dataclass(frozen=True)
class Known:
    """An id the index already holds: its doc, original's id (None if original) and relation."""

    doc: int
    original: str | None
    relation: str


@dataclass
class Summaries:
    """Summaries of stored documents, aligned with the ``docs`` asked for.

    Docs that are not stored (removed meanwhile) have ``present`` False.
    """

    docs: np.ndarray  # int64
    present: np.ndarray  # bool
    ids: list[str | None]
    roots: np.ndarray  # int64, -1 for originals
    exact_keys: np.ndarray  # uint64
    signatures: np.ndarray  # uint32 (n × num_perm)
    word_signatures: np.ndarray  # uint32 (n × word num_perm)


@dataclass
class Bodies:
    """Token hashes and number flags of stored documents in CSR layout (row i = docs[i])."""

    tokens: np.ndarray  # uint32
    flags: np.ndarray  # uint8
    offsets: np.ndarray  # int64, len(docs) + 1


@dataclass
class NewArticles:
    """A batch of articles to store, row by row (all arrays of the same length n).

    Attributes:
        docs: Doc numbers reserved with :meth:`IndexStore.reserve`.
        ids: Article ids (not yet in the index).
        roots: Doc of each article's indexed original; -1 for an original.
        relations: ``new`` or the relation to the original.
        in_lsh: Whether the article gets LSH entries (False for exact copies).
        exact_keys, signatures, word_signatures: From the featurizer.
        tokens, flags, offsets: The articles' tokens (CSR).
        published: POSIX seconds, NaN when unknown.
        added: POSIX seconds of arrival.
        records: The articles' records (``Article.to_dict``), encoded with
            :func:`~newsdedup.index.codec.encode_record`, for export.
        df_features, df_counts: Document-frequency increments (features and
            how many of the new articles contain each).
    """

    docs: np.ndarray
    ids: list[str]
    roots: np.ndarray
    relations: list[str]
    in_lsh: np.ndarray
    exact_keys: np.ndarray
    signatures: np.ndarray
    word_signatures: np.ndarray
    tokens: np.ndarray
    flags: np.ndarray
    offsets: np.ndarray
    published: np.ndarray
    added: np.ndarray
    records: list[bytes] = field(default_factory=list)
    df_features: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    df_counts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.ids)


class IndexStore(ABC):
    """Where a live index keeps its documents. Implemented by SQLite and Redis backends.

    Reads may run at any time; writes happen only inside :meth:`writing`,
    which also guarantees that what is read inside it is not changed by
    another writer until it ends (so "check, then store" cannot race).
    """

    #: Where the index lives, for messages (a path or a Redis URL and prefix).
    location: str = ""

    # --- configuration ---------------------------------------------------------------
    @abstractmethod
    def load_manifest(self) -> dict[str, Any] | None:
        """The manifest the index was created with, or None for a new, empty index.

        Why: signatures are only comparable when made with the same settings;
        the caller compares this with its own before reading anything.
        """

    @abstractmethod
    def save_manifest(self, manifest: dict[str, Any]) -> dict[str, Any]:
        """Record the manifest of a new index; returns the one that is stored.

        If another process created the index first, its manifest is returned
        unchanged (the caller then compares it), so two first writers agree.
        """

    # --- reads -----------------------------------------------------------------------
    @abstractmethod
    def known(self, ids: list[str]) -> dict[str, Known]:
        """Which of ``ids`` are stored already (re-ingesting an id stores nothing)."""

    @abstractmethod
    def candidates(
        self,
        signatures: np.ndarray,
        word_signatures: np.ndarray,
        exact_keys: np.ndarray,
        max_bucket: int,
    ) -> list[np.ndarray]:
        """Docs that may be copies of each query row: LSH bucket mates and same exact key.

        Args:
            signatures: uint32 (n × num_perm) k-gram signatures of the queries.
            word_signatures: uint32 (n × word perms), or zero columns to skip
                the word-set (rewrite) pass.
            exact_keys: uint64 exact-text keys (0 = empty, never looked up).
            max_bucket: A k-gram bucket (or exact key) gives at most this
                many docs: the most recent (SQLite) or a random sample (Redis);
                its members are copies of one story, and any of them leads to
                the story's original. A word-set bucket holding more than this
                is skipped: word-set buckets of a large index fill up with
                articles that merely share common words (a "stop bucket"
                says nothing about any one of them), and reading them whole
                would make every query slower as the index grows.

        Returns:
            One sorted int64 array of docs per query row.
        """

    @abstractmethod
    def summaries(self, docs: np.ndarray) -> Summaries:
        """Ids, originals, exact keys and signatures of stored docs (cheap: no tokens).

        Why separate from :meth:`bodies`: most LSH candidates are discarded on
        their signatures alone, before any tokens are read.
        """

    @abstractmethod
    def bodies(self, docs: np.ndarray) -> Bodies:
        """Token hashes and number flags of stored docs (what verification scores)."""

    @abstractmethod
    def document_frequencies(self, features: np.ndarray) -> tuple[np.ndarray, int]:
        """How many stored articles contain each hashed feature, and how many articles there are.

        Why per feature: the whole table (millions of features) is never
        loaded; TF-IDF only needs the features of the articles compared.
        """

    # --- writes ----------------------------------------------------------------------
    @abstractmethod
    def writing(self) -> contextlib.AbstractContextManager[None]:
        """Exclusive write section: one writer at a time, waits for the others.

        Raises:
            IndexStoreError: Another writer held it for too long.
            BackendUnavailable: The backend cannot be reached.
        """

    @abstractmethod
    def reserve(self, n: int) -> np.ndarray:
        """``n`` unused doc numbers (inside :meth:`writing`)."""

    @abstractmethod
    def store(self, batch: NewArticles) -> None:
        """Store a batch atomically: after a crash every article of it is there whole, or none is.

        Called inside :meth:`writing`; returns only once the batch is durable
        as far as the backend makes things durable.
        """

    @abstractmethod
    def remove(self, docs: np.ndarray, df_features: np.ndarray, df_counts: np.ndarray) -> int:
        """Delete documents: every part, LSH entries and frequencies (inside :meth:`writing`).

        Args:
            docs: The documents to delete (unknown ones are ignored).
            df_features, df_counts: Document-frequency decrements (the
                caller computes them from :meth:`bodies`, as for :meth:`store`).

        An exact copy left without a twin in the LSH gets LSH entries of its
        own, so it stays findable by near copies. Returns how many were deleted.
        """

    @abstractmethod
    def check_integrity(self, *, quick: bool = False, repair: bool = False) -> CheckReport:
        """Check the index's invariants (and with ``repair`` fix what can be fixed).

        Why in the contract: each backend knows its own layout; the report
        (:class:`~newsdedup.index.integrity.CheckReport`) is the same for both.
        ``quick`` skips the slowest checks (SQLite: ``quick_check``).
        """

    @abstractmethod
    def ids_older_than(self, cutoff: float) -> list[str]:
        """Ids of articles published (or, without a date, added) before ``cutoff`` (POSIX seconds)."""

    # --- whole index -----------------------------------------------------------------
    @abstractmethod
    def export(self) -> Iterator[dict[str, Any]]:
        """Every stored article as its record plus index fields, in arrival order."""

    @abstractmethod
    def stats(self) -> IndexStats:
        """Counters: articles, articles by relation, oldest/newest, size."""

    @abstractmethod
    def close(self) -> None:
        """Release connections and files."""

    def __enter__(self) -> IndexStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
