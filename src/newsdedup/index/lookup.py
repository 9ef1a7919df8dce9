"""One batch of incoming articles against the index (and each other): what each one is.

The stages, one function each::

    pairs   = stored_pairs(...) + batch_pairs(...)   # LSH + exact key, filtered on signatures
    scores  = verifier.score(tokens of both sides)   # the batch detector's exact measures
    verdict = resolve(...)                           # best match → the indexed original

Why filter on signatures first: with a million articles indexed, the word-set
(rewrite) LSH buckets hold hundreds of unrelated articles that merely share
common words. Their signatures, read without their tokens, estimate the
similarity well enough to drop them before any token is read; the rule is
the batch detector's (``newsdedup.sketch.candidates.worth_verifying``).

Why resolve in input order: two copies of one story may arrive in the same
batch; the second must be reported against the first (or against the first's
indexed original), exactly as if they had arrived one batch apart.

Example:
    >>> import numpy as np
    >>> sigs = np.array([[1, 2, 3, 4], [1, 2, 3, 9]], np.uint32)
    >>> _estimates(sigs[:1], sigs[1:], sigs[:1, :0], sigs[1:, :0], np.ones(1), np.full(1, 2))
    array([ True])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import _kernels as K
from ..config import DetectorConfig
from ..judge.verify import RELATION_CODES, PairScores, Verifier, explain_reason, relation_of
from ..models import Relation
from ..sketch.candidates import candidate_pairs, merge_pairs, worth_verifying
from ..sketch.featurize import BatchFeatures
from ..sketch.sign import Signer
from .base import IndexStore, Summaries
from .idf import distinct_sorted
from .verdict import Verdict

__all__ = ["Judgement", "batch_pairs", "judge", "take_rows"]

_STRENGTH = {
    RELATION_CODES[Relation.EXACT]: 4,
    RELATION_CODES[Relation.NEAR]: 3,
    RELATION_CODES[Relation.PARTIAL]: 2,
    RELATION_CODES[Relation.REWRITE]: 1,
}
_TEMPLATE = RELATION_CODES[Relation.TEMPLATE]


def _estimates(sig_a, sig_b, word_a, word_b, exact_a, exact_b) -> np.ndarray:
    """Which pairs are worth verifying, from their (aligned) signatures and exact keys."""
    shingles = (sig_a == sig_b).mean(axis=1) if sig_a.shape[1] else np.zeros(len(sig_a))
    words = (word_a == word_b).mean(axis=1) if word_a.shape[1] else None
    return worth_verifying(shingles, words, (exact_a == exact_b) & (exact_a != 0))


@dataclass
class Nodes:
    """Everything compared in one batch: incoming rows 0..n-1, then stored docs n..n+m-1."""

    n: int
    docs: np.ndarray  # stored doc of node n + i
    ids: list[str]  # id of every node
    roots: np.ndarray  # node of each node's original (itself for originals and incoming rows)


def stored_pairs(
    store: IndexStore,
    feats: BatchFeatures,
    rows: np.ndarray,
    words: bool,
    max_bucket: int,
) -> tuple[np.ndarray, np.ndarray, Summaries]:
    """(incoming row, stored doc) candidate pairs worth verifying, with the summaries read."""
    word_sigs = feats.word_signatures[rows] if words else np.zeros((len(rows), 0), np.uint32)
    found = store.candidates(feats.signatures[rows], word_sigs, feats.exact_keys[rows], max_bucket)
    q = np.repeat(rows, [len(f) for f in found]).astype(np.int64)
    docs = np.concatenate(found) if found else np.zeros(0, np.int64)
    distinct = np.unique(docs)
    summaries = store.summaries(distinct)
    if not len(docs):
        return q, docs, summaries
    at = np.searchsorted(distinct, docs)
    no_words = np.zeros((len(q), 0), np.uint32)
    keep = summaries.present[at] & _estimates(
        feats.signatures[q],
        summaries.signatures[at],
        feats.word_signatures[q] if words else no_words,
        summaries.word_signatures[at] if words else no_words,
        feats.exact_keys[q],
        summaries.exact_keys[at],
    )
    return q[keep], docs[keep], summaries


def batch_pairs(
    feats: BatchFeatures,
    rows: np.ndarray,
    config: DetectorConfig,
    shape: dict[str, int],
    words: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """(later row, earlier row) pairs within the batch worth verifying."""
    max_bucket = config.lsh.max_bucket
    main = candidate_pairs(
        feats.signatures[rows], shape["bands"], shape["rows"], max_bucket, ids=rows
    )
    word = (np.zeros(0, np.int64), np.zeros(0, np.int64))
    if words:
        word = candidate_pairs(
            feats.word_signatures[rows],
            shape["word_bands"],
            shape["word_rows"],
            max_bucket,
            ids=rows,
        )
    a, b = merge_pairs(main, word)
    word_sigs = feats.word_signatures if words else np.zeros((len(feats), 0), np.uint32)
    keep = _estimates(
        feats.signatures[a],
        feats.signatures[b],
        word_sigs[a],
        word_sigs[b],
        feats.exact_keys[a],
        feats.exact_keys[b],
    )
    return b[keep], a[keep]


@dataclass
class Judgement:
    """Verdicts of a batch, plus what storing it needs (root node and LSH membership per row)."""

    verdicts: list[Verdict]
    nodes: Nodes
    root_nodes: np.ndarray  # per incoming row; -1 for rows not to store (seen)
    relations: list[str]
    in_lsh: np.ndarray
    stats: dict[str, int] = field(default_factory=dict)


@dataclass
class Matches:
    """Verified pairs (incoming row q, target node t) with codes and scores."""

    q: np.ndarray
    t: np.ndarray
    codes: np.ndarray
    scores: PairScores | None


def take_rows(tokens: np.ndarray, flags: np.ndarray, offsets: np.ndarray, rows: np.ndarray):
    """Tokens, flags and offsets of some documents of a CSR batch, in the order given."""
    rows = np.asarray(rows, np.int64)
    picked, out = K.gather_rows(tokens, offsets, rows)
    return picked, K.gather_rows(flags, offsets, rows)[0], out


def verify(
    verifier: Verifier, feats: BatchFeatures, bodies, q: np.ndarray, t: np.ndarray
) -> Matches:
    """Score pairs of incoming rows and nodes (stored bodies follow the batch's tokens).

    Only the documents that take part in a pair are scored: most incoming
    articles have no candidate at all.
    """
    if len(q) == 0:
        return Matches(q, t, np.zeros(0, np.int8), None)
    tokens = np.concatenate([feats.tokens, bodies.tokens])
    flags = np.concatenate([feats.flags, bodies.flags])
    offsets = np.concatenate([feats.offsets, bodies.offsets[1:] + feats.offsets[-1]])
    involved = distinct_sorted(np.concatenate([q, t]))
    tokens, flags, offsets = take_rows(tokens, flags, offsets, involved)
    scores = verifier.score(
        tokens, flags, offsets, np.searchsorted(involved, q), np.searchsorted(involved, t)
    )
    return Matches(q, t, verifier.relations(scores), scores)


def resolve(
    nodes: Nodes,
    matches: Matches,
    skip: dict[int, Verdict],
    empty: np.ndarray,
    config: DetectorConfig,
) -> Judgement:
    """Verdict of every incoming row, in input order (earlier rows may be originals of later ones)."""
    n = nodes.n
    roots = nodes.roots.copy()
    by_row: dict[int, list[int]] = {}
    for k, q in enumerate(matches.q.tolist()):
        by_row.setdefault(q, []).append(k)
    verdicts: list[Verdict] = []
    relations: list[str] = []
    for i in range(n):
        if i in skip:
            verdicts.append(skip[i])
            relations.append("seen")
            roots[i] = -1
            continue
        verdict, root = _judge_row(i, nodes, matches, by_row.get(i, []), roots, empty[i], config)
        roots[i] = root
        verdicts.append(verdict)
        relations.append(verdict.verdict)
    in_lsh = np.array([r not in ("exact", "seen") for r in relations], bool) & ~empty
    return Judgement(verdicts, nodes, roots[:n], relations, in_lsh)


def _judge_row(
    i: int,
    nodes: Nodes,
    m: Matches,
    rows: list[int],
    roots: np.ndarray,
    empty: bool,
    config: DetectorConfig,
) -> tuple[Verdict, int]:
    aid = nodes.ids[i]
    if empty:
        return Verdict(aid, "new", note="no text left after normalisation; not compared"), i
    best, best_key, look_alike = None, None, None
    for k in rows:
        target, code = int(m.t[k]), int(m.codes[k])
        if target < nodes.n and (target >= i or roots[target] < 0):
            continue  # only earlier rows that are being stored can be originals
        if code == _TEMPLATE:
            look_alike = look_alike if look_alike is not None else target
            continue
        if code not in _STRENGTH:
            continue
        root = int(roots[target])
        s = m.scores
        assert s is not None  # there are pairs, so there are scores
        key = (
            root == target,
            _STRENGTH[code],
            s.jaccard[k],
            s.containment[k],
            s.cosine[k],
            -target,
        )
        if best_key is None or key > best_key:
            best, best_key = k, key
    if best is None:
        note = (
            None
            if look_alike is None
            else (f"looks like {nodes.ids[look_alike]}, but the figures differ: a template")
        )
        return Verdict(aid, "new", note=note), i
    target, code = int(m.t[best]), int(m.codes[best])
    root = int(roots[target])
    relation = relation_of(code)
    assert m.scores is not None and relation is not None  # a duplicate code, scored
    return Verdict(
        aid,
        relation.value,
        original=nodes.ids[root],
        via=None if root == target else nodes.ids[target],
        scores=m.scores.scores(best),
        reason=explain_reason(code, m.scores, best, config),
    ), root


def judge(
    store: IndexStore,
    verifier: Verifier,
    feats: BatchFeatures,
    ids: list[str],
    skip: dict[int, Verdict],
    shape: dict[str, int],
) -> Judgement:
    """Verdicts of a featurised batch against the store and within itself."""
    config = verifier.config
    n = len(ids)
    words = config.lsh.rewrite_pass and config.shingle.kind == "word"
    empty = Signer.is_empty(feats.signatures) | (feats.exact_keys == 0)
    rows = np.array([i for i in range(n) if i not in skip and not empty[i]], np.int64)
    sq, sdocs, summaries = stored_pairs(store, feats, rows, words, config.lsh.max_bucket)
    bq, bt = batch_pairs(feats, rows, config, shape, words)
    nodes, bodies = _nodes(store, ids, sdocs, summaries)
    at = n + np.searchsorted(nodes.docs, sdocs)
    root_pairs = nodes.roots[at] != at  # also compare with the original of each stored copy
    q = np.concatenate([sq, sq[root_pairs], bq])
    t = np.concatenate([at, nodes.roots[at][root_pairs], bt])
    packed = np.unique((q << 32) | t)
    matches = verify(verifier, feats, bodies, packed >> 32, packed & 0xFFFFFFFF)
    judgement = resolve(nodes, matches, skip, empty, config)
    judgement.stats = {
        "stored_candidates": len(sq),
        "batch_candidates": len(bq),
        "verified": len(packed),
    }
    return judgement


def _nodes(store: IndexStore, ids: list[str], docs: np.ndarray, summaries: Summaries):
    """Stored candidate docs and their originals as nodes, with their bodies."""
    n = len(ids)
    cand = np.unique(docs)
    at = np.searchsorted(summaries.docs, cand)
    root_docs = summaries.roots[at] if len(cand) else np.zeros(0, np.int64)
    extra = np.setdiff1d(root_docs[root_docs >= 0], cand)
    extra_summaries = store.summaries(extra)
    extra = extra[extra_summaries.present]
    all_docs = np.union1d(cand, extra)
    id_of = dict(zip(cand.tolist(), (summaries.ids[j] for j in at)))
    # Only originals still stored become nodes: a root read a moment before it was removed
    # (a reader races a writer) leaves its copy standing as its own original.
    id_of.update(
        (doc, aid)
        for doc, aid, present in zip(
            extra_summaries.docs.tolist(), extra_summaries.ids, extra_summaries.present.tolist()
        )
        if present
    )
    roots = np.arange(n + len(all_docs), dtype=np.int64)
    root_of_doc = dict(zip(cand.tolist(), root_docs.tolist()))
    for j, doc in enumerate(all_docs.tolist()):
        root = root_of_doc.get(doc, -1)
        if root >= 0 and root in id_of:
            roots[n + j] = n + int(np.searchsorted(all_docs, root))
    node_ids = list(ids) + [id_of[d] for d in all_docs.tolist()]
    return Nodes(n, all_docs, node_ids, roots), store.bodies(all_docs)
