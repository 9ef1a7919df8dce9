"""The live index: "is this incoming article new, or a copy of something I already have?"

``LiveIndex`` is the library API; ``newsdedup index ...`` is a thin layer
over it. Each batch goes through::

    feats     = featurizer.run(articles)        # outside any lock: the slow part
    with store.writing():                       # one writer at a time
        judgement = judge(store, feats)         # candidates → verify → verdicts
        store.store(new_articles(judgement))    # one atomic write
    return verdicts                             # marked stored only now

Example:
    >>> from newsdedup.index import LiveIndex, SQLiteStore
    >>> from newsdedup.models import Article
    >>> text = "Defence ministers of the alliance meet in Brussels on Tuesday to discuss support for Kyiv."
    >>> index = LiveIndex(SQLiteStore(":memory:"))
    >>> [v.verdict for v in index.add([Article("a", text), Article("b", text.upper())])]
    ['new', 'exact']
    >>> [(v.verdict, v.original) for v in index.check([Article("c", "Breaking: " + text)])]
    [('near', 'a')]
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import timedelta
from itertools import chain
from typing import Any

import numpy as np

from ..config import DetectorConfig
from ..judge.tfidf import terms
from ..judge.verify import Verifier
from ..models import Article
from ..sketch.featurize import Featurizer
from ..text.learn import Learned, learn_from_sample
from .base import IndexStats, IndexStore, NewArticles
from .idf import FrequencyCache, IndexTfidf, document_features
from .lookup import Judgement, judge, take_rows
from .manifest import build_manifest, check_manifest, config_of, lsh_shape
from .prepare import Prepared, Preparer, prepare
from .stream import batches_in_time
from .validate import decoding
from .verdict import Verdict

__all__ = ["LiveIndex"]

#: Articles removed per transaction by ``prune``.
PRUNE_BATCH = 1000
#: Seconds a new index waits for its first articles to learn from (a file gives
#: its first 20,000 in well under this; a trickling feed is answered after it).
LEARN_WAIT = 10.0


class LiveIndex:
    """Checks incoming articles against a persistent index and stores them.

    A new index records its configuration with its first write, together
    with what it learned from the articles of that first write, as a batch
    scan learns from its first articles: each source's boilerplate lines and,
    from 1,000 articles on, the corpus' common words (see ``learned.py``).
    Every later article is featurised the same way, by every process.

    Args:
        store: The backend (:class:`SQLiteStore`, :class:`RedisStore`).
        config: Settings. None uses the index's own (or the defaults for a
            new index); a config that differs from the index's is an error.
        create: A new index may be written (``query`` and ``stats`` pass
            False so they never write).

    Raises:
        IndexConfigMismatch: The index was built with another configuration.
    """

    def __init__(
        self, store: IndexStore, config: DetectorConfig | None = None, *, create: bool = True
    ) -> None:
        self.store = store
        manifest = store.load_manifest()
        if manifest is not None:
            stored = config_of(manifest, store.location)
            config = config or stored
            check_manifest(manifest, build_manifest(config), store.location)
        self.config = config or DetectorConfig()
        self.manifest = manifest
        self.shape = lsh_shape(self.config)
        self._use_learned(Learned.from_dict((manifest or {}).get("learned")))
        self.n_features = int((manifest or build_manifest(self.config))["n_features"])
        self._frequencies = FrequencyCache(store.document_frequencies, self.n_features)
        #: Seconds spent per stage of ``add`` (featurize, judge, store, commit) since opening.
        self.timings: dict[str, float] = {}

    @classmethod
    def open(cls, store: IndexStore, *, create: bool = True, **options: Any) -> LiveIndex:
        """Open with the index's own settings, changed by ``options`` (flat names, None = keep).

        Example:
            >>> from newsdedup.index import SQLiteStore
            >>> LiveIndex.open(SQLiteStore(":memory:"), num_perm=64).config.sign.num_perm
            64
        """
        manifest = store.load_manifest()
        base = config_of(manifest, store.location) if manifest is not None else DetectorConfig()
        return cls(store, DetectorConfig.from_options(base=base, **options), create=create)

    # --- checking and adding ---------------------------------------------------------
    def check(self, articles: Sequence[Article]) -> list[Verdict]:
        """What each article is relative to the index (and to earlier ones in the list); stores nothing."""
        if not articles:
            return []
        return self._check(articles, prepare(self.featurizer, articles, self.n_features))

    def add(self, articles: Sequence[Article]) -> list[Verdict]:
        """Check, then store the articles not indexed yet, in one transaction.

        Re-adding an id stores nothing (verdict ``seen``); the same text under
        a new id is stored as an ``exact`` copy.

        Raises:
            IndexStoreError: The write failed; nothing of this batch is stored.
            BackendUnavailable: The backend went away; nothing of this batch
                is reported as stored.
        """
        if not articles:
            return []
        self._ensure_manifest(articles)
        clock = time.perf_counter()
        prepared = prepare(self.featurizer, articles, self.n_features)
        self._tick("prepare", clock)
        return self._add(articles, prepared)

    def stream(
        self,
        articles: Iterable[Article],
        *,
        store: bool = True,
        batch_size: int = 2000,
        max_wait: float = 1.0,
    ) -> Iterator[tuple[Article, Verdict]]:
        """(article, verdict) for a stream of articles, batched by size or time.

        A batch closes after ``batch_size`` articles or ``max_wait`` seconds
        after its first article, whichever comes first, so a slow feed is
        still answered (and committed) within about ``max_wait`` seconds.
        Each batch is one transaction (``store=True``) and its verdicts are
        yielded only once it is committed. With ``config.sign.workers > 1``,
        worker processes featurise the next batches meanwhile.
        """
        learning = store and self.manifest is None
        sample = self.config.normalize.boilerplate_sample if learning else None
        batches = batches_in_time(
            articles,
            batch_size,
            max_wait,
            first_size=sample or None,
            first_wait=LEARN_WAIT if learning else None,
        )
        if learning:
            first = next(batches, [])
            self._ensure_manifest(first)
            batches = chain(
                (first[lo : lo + batch_size] for lo in range(0, len(first), batch_size)), batches
            )
        with Preparer(
            self.config, self.config.sign.workers, self.n_features, self.learned
        ) as preparer:
            for batch, prepared in preparer.map(batches):
                yield from zip(
                    batch, self._add(batch, prepared) if store else self._check(batch, prepared)
                )

    def _check(self, articles: Sequence[Article], prepared: Prepared) -> list[Verdict]:
        return self._judge(articles, prepared)[0].verdicts

    def _add(self, articles: Sequence[Article], prepared: Prepared) -> list[Verdict]:
        added = time.time()
        with self.store.writing():
            clock = time.perf_counter()
            judgement, rows = self._judge(articles, prepared)
            clock = self._tick("judge", clock)
            docs = self.store.reserve(len(rows))
            self.store.store(self._new_articles(articles, prepared, judgement, rows, docs, added))
            clock = self._tick("store", clock)
        self._tick("commit", clock)
        stored = set(rows.tolist())
        return [
            replace(v, stored=True) if i in stored else v for i, v in enumerate(judgement.verdicts)
        ]

    # --- maintenance -----------------------------------------------------------------
    def remove(self, ids: Iterable[str]) -> int:
        """Delete articles by id (unknown ids are ignored); returns how many were deleted."""
        wanted = list(dict.fromkeys(ids))
        with self.store.writing():
            known = self.store.known(wanted)
            docs = np.array(sorted(k.doc for k in known.values()), np.int64)
            if not len(docs):
                return 0
            bodies = self.store.bodies(docs)
            features, counts = document_features(
                *terms(bodies.tokens, bodies.offsets, self.config.shingle.char_mode),
                self.n_features,
            )
            return self.store.remove(docs, features, counts)

    def prune(self, older_than: timedelta | float, now: float | None = None) -> int:
        """Delete articles published (else added) more than ``older_than`` ago; returns how many."""
        age = older_than.total_seconds() if isinstance(older_than, timedelta) else float(older_than)
        cutoff = (time.time() if now is None else now) - age
        ids = self.store.ids_older_than(cutoff)
        return sum(
            self.remove(ids[lo : lo + PRUNE_BATCH]) for lo in range(0, len(ids), PRUNE_BATCH)
        )

    def export(self) -> Iterator[dict[str, Any]]:
        """Every stored article (its record, plus ``index``: relation, original, added)."""
        return self.store.export()

    def stats(self) -> IndexStats:
        """The store's counters plus the configuration fingerprint and LSH shape."""
        with decoding(self.store.location, "the counters"):  # a counter that is not a number
            counters = self.store.stats()
        return counters.with_config(
            self.config.fingerprint(), self.shape, (self.manifest or {}).get("created")
        )

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> LiveIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- internals -------------------------------------------------------------------
    def _use_learned(self, learned: Learned) -> None:
        self.learned = learned
        self.featurizer = Featurizer(self.config, learned)

    def _ensure_manifest(self, first: Sequence[Article]) -> None:
        """Before a new index's first write: learn from its first articles, record config and learning."""
        if self.manifest is not None:
            return
        sample = list(first[: self.config.normalize.boilerplate_sample])
        wanted = build_manifest(self.config, learn_from_sample(sample, self.config))
        stored = self.store.save_manifest(wanted)  # another first writer may have won: use its
        check_manifest(stored, wanted, self.store.location)
        self.manifest = stored
        self._use_learned(Learned.from_dict(stored.get("learned")))

    def _tick(self, stage: str, since: float) -> float:
        """Add the seconds since ``since`` to ``timings[stage]`` (benchmarks read them)."""
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - since
        return now

    def _judge(
        self, articles: Sequence[Article], prepared: Prepared
    ) -> tuple[Judgement, np.ndarray]:
        """Verdicts of a prepared batch, and the rows to store (all but ``seen`` ones)."""
        ids = [a.id for a in articles]
        skip: dict[int, Verdict] = {}
        first: dict[str, int] = {}
        known = self.store.known(list(dict.fromkeys(ids)))
        for i, aid in enumerate(ids):
            if aid in known:
                k = known[aid]
                skip[i] = Verdict(
                    aid, "seen", original=k.original, note=f"already indexed as {k.relation}"
                )
            elif aid in first:
                skip[i] = Verdict(
                    aid, "seen", note=f"repeated in this batch (row {first[aid] + 1})"
                )
            else:
                first[aid] = i
        rows = np.array([i for i in range(len(ids)) if i not in skip], np.int64)
        self._count_batch(prepared, rows)
        verifier = Verifier(self.config, IndexTfidf(self._frequencies))
        return judge(self.store, verifier, prepared.feats, ids, skip, self.shape), rows

    def _count_batch(self, prepared: Prepared, rows: np.ndarray) -> None:
        """Let the batch's own new articles count in IDF, as they would in a batch run."""
        if len(rows) < len(prepared.feats):  # some are indexed already: count the others only
            feats = prepared.feats
            tokens, _, offsets = take_rows(feats.tokens, feats.flags, feats.offsets, rows)
            prepared.df_features, prepared.df_counts = document_features(
                *terms(tokens, offsets, self.config.shingle.char_mode), self.n_features
            )
        self._frequencies.with_batch(prepared.df_features, prepared.df_counts, len(rows))

    def _new_articles(
        self,
        articles: Sequence[Article],
        prepared: Prepared,
        j: Judgement,
        rows: np.ndarray,
        docs: np.ndarray,
        added: float,
    ) -> NewArticles:
        feats = prepared.feats
        slot = np.full(len(articles), -1, np.int64)
        slot[rows] = np.arange(len(rows))
        n = j.nodes.n
        roots = np.full(len(rows), -1, np.int64)
        for s, i in enumerate(rows.tolist()):
            node = int(j.root_nodes[i])
            if node != i:
                roots[s] = docs[slot[node]] if node < n else j.nodes.docs[node - n]
        tokens, flags, offsets = take_rows(feats.tokens, feats.flags, feats.offsets, rows)
        published = [articles[i].published for i in rows.tolist()]
        return NewArticles(
            docs=docs,
            ids=[articles[i].id for i in rows.tolist()],
            roots=roots,
            relations=[j.relations[i] for i in rows.tolist()],
            in_lsh=j.in_lsh[rows],
            exact_keys=feats.exact_keys[rows],
            signatures=feats.signatures[rows],
            word_signatures=feats.word_signatures[rows],
            tokens=tokens,
            flags=flags,
            offsets=offsets,
            published=np.array([p.timestamp() if p else np.nan for p in published], np.float64),
            added=np.full(len(rows), added),
            records=[prepared.records[i] for i in rows.tolist()],
            df_features=prepared.df_features,
            df_counts=prepared.df_counts,
        )
