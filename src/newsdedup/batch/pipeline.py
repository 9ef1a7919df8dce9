"""The batch detector: articles in, clusters of originals and copies out.

``Detector.run`` reads like the table of contents of the method, one timed
stage per line::

    corpus     = build_corpus(articles)        # read → normalise → tokenise → sign
    candidates = self._candidates(corpus)      # exact groups + LSH bands (+ word-set pass)
    verified   = self._verify(corpus, ...)     # Jaccard, containment, TF-IDF cosine, numbers
    clusters   = self._cluster(corpus, ...)    # components, every member checked vs original
    result     = assemble_result(...)

Example:
    >>> from newsdedup import Article, Detector
    >>> text = "Defence ministers of the alliance meet in Brussels on Tuesday to discuss support."
    >>> result = Detector().run([Article("a", text), Article("b", text.upper()), Article("c", "Other news.")])
    >>> [(c.original, [(m.id, m.relation.value) for m in c.members]) for c in result.clusters]
    [('a', [('b', 'exact')])]
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from .. import _kernels as K
from ..config import DetectorConfig
from ..errors import NoArticlesError
from ..judge.cluster import cluster_documents
from ..judge.verify import Verifier
from ..models import Article, Result
from ..sketch.candidates import candidate_pairs, lsh_params, merge_pairs, worth_verifying
from .assemble import VerifiedPairs, assemble_result, exact_groups
from .corpus import Corpus, build_corpus
from .robust import ocr_candidates, ocr_verdicts, window_candidates

__all__ = ["Detector"]

ProgressCallback = Callable[[str, int], None]

#: Candidate pairs verified per chunk: bounds the memory of shingle sets and vectors.
VERIFY_CHUNK = 10_000


@dataclass
class _Candidates:
    reps: np.ndarray  # one document per exact group, plus every other non-empty one
    twins: dict[int, list[int]]  # representative → its exact copies
    left: np.ndarray
    right: np.ndarray
    lsh_pairs: int
    word_pairs: int
    window_pairs: int = 0
    ocr_pairs: int = 0


def _grouped(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs reordered so that each connected group of candidates sits in one verify chunk.

    A chunk reads and shingles every document it touches; sorted by document
    number, the pairs of one story are scattered over many chunks and its
    documents are read again for each. Grouped, each is read about once.
    """
    if len(left) == 0:
        return left, right
    # scipy (~0.3 s to import) only when there are candidates to group.
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    nodes, local = np.unique(np.concatenate([left, right]), return_inverse=True)
    graph = sp.coo_matrix(
        (np.ones(len(left), np.int8), (local[: len(left)], local[len(left) :])),
        shape=(len(nodes), len(nodes)),
    )
    _, labels = connected_components(graph, directed=False)
    order = np.argsort(labels[local[: len(left)]], kind="stable")
    return left[order], right[order]


class Detector:
    """Finds exact, near-duplicate, partial and rewritten copies in a batch of articles.

    Args:
        config: Settings; the defaults suit news articles.
        progress: Called as ``progress(stage, n)`` when n more items of a
            stage are done (stages: ``sign``, ``verify``).

    Example:
        >>> Detector(DetectorConfig.from_options(num_perm=64)).config.sign.num_perm
        64
    """

    def __init__(
        self, config: DetectorConfig | None = None, progress: ProgressCallback | None = None
    ) -> None:
        self.config = config or DetectorConfig()
        self.progress = progress

    def run(self, articles: Iterable[Article]) -> Result:
        """Detect copies among ``articles`` (any iterable, read once).

        Raises:
            NoArticlesError: The iterable holds no article.
            InputError: Two articles share an id.
        """
        timings: dict[str, float] = {}
        clock = time.perf_counter()
        corpus = build_corpus(articles, self.config, self.progress)
        try:
            if len(corpus) == 0:
                raise NoArticlesError("no articles to compare")
            timings["read_sign_s"] = time.perf_counter() - clock
            clock = time.perf_counter()
            candidates = self._candidates(corpus)
            timings["candidates_s"] = time.perf_counter() - clock
            clock = time.perf_counter()
            verifier = Verifier(self.config, corpus.stats.model())
            verified = self._verify(corpus, verifier, candidates.left, candidates.right)
            timings["verify_s"] = time.perf_counter() - clock
            clock = time.perf_counter()
            clusters = self._cluster(corpus, verifier, verified, candidates)
            timings["cluster_s"] = time.perf_counter() - clock
            counts = {
                "verified_pairs": len(candidates.left),
                "lsh_pairs": candidates.lsh_pairs,
                "word_pairs": candidates.word_pairs,
                "window_pairs": candidates.window_pairs,
                "ocr_pairs": candidates.ocr_pairs,
                "learned_boilerplate_lines": len(corpus.learned.boilerplate),
                "common_words": len(corpus.learned.common_words),
            }
            return assemble_result(
                corpus, clusters, verified, candidates.twins, self.config, {**counts, **timings}
            )
        finally:
            corpus.close()

    def _candidates(self, corpus: Corpus) -> _Candidates:
        reps, twins = exact_groups(corpus.exact_keys, corpus.rank)
        lsh = self.config.lsh
        if lsh.bands is not None and lsh.rows is not None:
            bands, rows = lsh.bands, lsh.rows
        else:
            bands, rows = lsh_params(lsh.threshold, self.config.sign.num_perm, tuple(lsh.weights))
        main = candidate_pairs(corpus.signatures, bands, rows, lsh.max_bucket, ids=reps)
        word = (np.zeros(0, np.int64), np.zeros(0, np.int64))
        if lsh.rewrite_pass and self.config.shingle.kind == "word":
            w_bands, w_rows = lsh_params(lsh.rewrite_threshold, corpus.word_signatures.shape[1])
            word = candidate_pairs(
                corpus.word_signatures, w_bands, w_rows, lsh.max_bucket, ids=reps
            )
        windows = window_candidates(corpus, reps, (bands, rows), self.config)
        left, right = self._prefilter(corpus, *merge_pairs(main, word, windows))
        ocr = ocr_candidates(corpus, reps, self.config)
        left, right = merge_pairs((left, right), ocr)
        return _Candidates(
            reps, twins, left, right, len(main[0]), len(word[0]), len(windows[0]), len(ocr[0])
        )

    def _prefilter(
        self, corpus: Corpus, left: np.ndarray, right: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Drop candidates whose signatures show they are not worth verifying (see ``worth_verifying``)."""
        words = None
        if self.config.lsh.rewrite_pass and self.config.shingle.kind == "word":
            words = K.estimated_jaccard(corpus.word_signatures, left, right)
        keep = worth_verifying(K.estimated_jaccard(corpus.signatures, left, right), words)
        return left[keep], right[keep]

    def _verify(
        self, corpus: Corpus, verifier: Verifier, left: np.ndarray, right: np.ndarray
    ) -> VerifiedPairs:
        verified = VerifiedPairs()
        left, right = _grouped(left, right)
        for lo in range(0, len(left), VERIFY_CHUNK):
            a, b = left[lo : lo + VERIFY_CHUNK], right[lo : lo + VERIFY_CHUNK]
            docs, local = np.unique(np.concatenate([a, b]), return_inverse=True)
            tokens, flags, offsets = corpus.spool.take(docs)
            scores = verifier.score(
                tokens,
                flags,
                offsets,
                local[: len(a)],
                local[len(a) :],
                corpus.published[docs],
                lazy=True,
            )
            codes = verifier.relations(scores)
            codes = ocr_verdicts(
                corpus, docs, local[: len(a)], local[len(a) :], codes, scores, self.config
            )
            verified.add(a, b, codes, scores)
            if self.progress:
                self.progress("verify", len(a))
        return verified

    def _cluster(
        self, corpus: Corpus, verifier: Verifier, verified: VerifiedPairs, candidates: _Candidates
    ) -> list[tuple[int, list[int]]]:
        def verify_more(pairs: list[tuple[int, int]]) -> list[int]:
            arr = np.array(pairs, np.int64).reshape(-1, 2)
            extra = self._verify(corpus, verifier, arr[:, 0], arr[:, 1])
            verified.extend(extra)
            return [code if extra.is_duplicate_code(code) else 0 for code in extra.codes_for(pairs)]

        return cluster_documents(verified.duplicate_edges(), corpus.rank, verify_more)
