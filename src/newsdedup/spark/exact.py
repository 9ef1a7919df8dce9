"""Identical texts → one representative per exact key, chosen as ``scan`` chooses it.

Only keys shared by two or more documents are shuffled; each such group goes
through :func:`~newsdedup.batch.assemble.exact_groups` with the priority
order of :func:`~newsdedup.judge.cluster.priority_order`, the functions
``scan`` uses. Empty documents (key 0) take no part, as in ``scan``.

Example:
    >>> import pandas as pd
    >>> group = pd.DataFrame({"idx": [4, 9], "id": ["late", "early"], "published": [2.0, 1.0],
    ...                       "length": [3, 3], "exact_key": [7, 7]})
    >>> representatives(group).to_dict("list")
    {'idx': [4, 9], 'rep': [9, 9]}
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..batch.assemble import exact_groups
from ..judge.cluster import priority_order

__all__ = ["assign_representatives", "representatives"]


def representatives(group: Any) -> Any:
    """(idx, rep) of every document of one exact group (a pandas DataFrame)."""
    import pandas as pd

    group = group.sort_values("idx")
    idx = group["idx"].to_numpy(np.int64)
    rank = priority_order(
        group["published"].to_numpy(np.float64, na_value=np.nan),
        group["length"].to_numpy(np.int64),
        group["id"].tolist(),
    )
    keys = np.ones(len(idx), np.uint64)  # one group: the key is the same for all
    reps, twins = exact_groups(keys, rank)
    rep = np.full(len(idx), idx[reps[0]], np.int64)
    return pd.DataFrame({"idx": idx, "rep": rep})


def assign_representatives(features: Any) -> Any:
    """(idx, rep, exact_key) of every non-empty document; ``rep == idx`` for representatives."""
    from pyspark.sql import functions as F

    keyed = features.where(F.col("exact_key") != 0).select(
        "idx", "id", "published", "length", "exact_key"
    )
    shared = keyed.groupBy("exact_key").count().where("count > 1").select("exact_key")
    groups = keyed.join(shared, "exact_key")
    reps = groups.groupBy("exact_key").applyInPandas(representatives, "idx long, rep long")
    return (
        keyed.select("idx", "exact_key")
        .join(reps, "idx", "left")
        .select("idx", F.coalesce("rep", "idx").alias("rep"), "exact_key")
    )
