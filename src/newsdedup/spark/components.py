"""Connected components of candidate edges on DataFrames: large-star / small-star.

Why this algorithm (Kiveris et al., "Connected Components in MapReduce and
Beyond", 2014): each round is two joins of the edge list with per-node
minimums, the edge list never grows, and it converges in O(log² n) rounds
(a handful on news, where components are small). Every other round the edge
list is checkpointed so the query plan does not grow with the rounds.
No GraphFrames: nothing beyond PySpark is needed.

At convergence every edge is (node, smallest node of its component).

Example (needs Spark)::

    labels, rounds = connected_components(edges)   # edges: (a long, b long)
    # labels: (idx, comp) for every node that has an edge, comp = smallest idx
"""

from __future__ import annotations

from typing import Any

__all__ = ["connected_components", "pin"]

#: Checkpoint the edge list every this many rounds.
CHECKPOINT_EVERY = 2
#: Give up (an error, never a wrong answer) after this many rounds.
MAX_ROUNDS = 60


def _undirected(edges: Any) -> Any:
    from pyspark.sql import functions as F

    return edges.select("a", "b").union(edges.select(F.col("b").alias("a"), F.col("a").alias("b")))


def _large_star(edges: Any) -> Any:
    """Each node links its larger neighbours to the smallest of its neighbourhood (itself included)."""
    from pyspark.sql import functions as F

    both = _undirected(edges)
    low = both.groupBy("a").agg(F.min("b").alias("m"))
    return (
        both.join(low, "a")
        .where(F.col("b") > F.col("a"))
        .select(F.col("b").alias("a"), F.least("m", "a").alias("b"))
        .distinct()
    )


def _small_star(edges: Any) -> Any:
    """Each node links itself and its smaller neighbours to the smallest of them."""
    from pyspark.sql import functions as F

    down = edges.select(F.greatest("a", "b").alias("a"), F.least("a", "b").alias("b")).where(
        F.col("a") != F.col("b")
    )
    low = down.groupBy("a").agg(F.min("b").alias("m"))
    joined = down.join(low, "a")
    moved = joined.select(F.col("b").alias("a"), F.col("m").alias("b")).where(
        F.col("a") != F.col("b")
    )
    own = joined.select("a", F.col("m").alias("b"))
    return moved.union(own).distinct()


def pin(df: Any, round_no: int) -> Any:
    """Materialise ``df``: cached, or checkpointed every ``CHECKPOINT_EVERY`` rounds (round 0 too)."""
    if round_no % CHECKPOINT_EVERY:
        return df.cache()
    sc = df.sparkSession.sparkContext
    if sc.getCheckpointDir():
        return df.checkpoint(eager=True)
    return df.localCheckpoint(eager=True)


def connected_components(edges: Any) -> tuple[Any, int]:
    """(labels, rounds): (idx, comp) of every node of ``edges`` (a long, b long), comp its minimum.

    Raises:
        RuntimeError: No convergence after ``MAX_ROUNDS`` (would mean a bug).
    """
    from pyspark.sql import functions as F

    current = edges.select("a", "b")
    previous_signature = None
    for round_no in range(1, MAX_ROUNDS + 1):
        previous, current = current, pin(_small_star(_large_star(current)), round_no)
        row = current.agg(
            F.count("*").alias("n"), F.sum("a").alias("sa"), F.sum("b").alias("sb")
        ).first()
        if round_no > 1:
            previous.unpersist()  # current is materialised now
        signature = (row["n"], row["sa"], row["sb"])
        if signature == previous_signature:
            roots = current.select(F.col("b").alias("idx"), F.col("b").alias("comp"))
            labels = current.select(F.col("a").alias("idx"), F.col("b").alias("comp"))
            return labels.union(roots).distinct(), round_no
        previous_signature = signature
    raise RuntimeError(f"connected components did not converge in {MAX_ROUNDS} rounds")
