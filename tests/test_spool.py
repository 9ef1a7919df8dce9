"""The on-disk token spool hands back exactly what was appended."""

from __future__ import annotations

import os

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.batch.spool import TokenSpool


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.lists(st.lists(st.integers(0, 2**32 - 1), max_size=5), max_size=4),
        min_size=1,
        max_size=4,
    ),
    st.data(),
)
def test_take_returns_appended_documents(batches, data):
    docs: list[list[int]] = []
    with TokenSpool() as spool:
        for batch in batches:
            flat = [t for doc in batch for t in doc]
            offsets = np.cumsum([0] + [len(doc) for doc in batch])
            spool.append(
                np.array(flat, np.uint32), np.array([t % 2 for t in flat], np.uint8), offsets
            )
            docs.extend(batch)
        if not docs:
            return
        wanted = data.draw(st.lists(st.integers(0, len(docs) - 1), max_size=6))
        tokens, flags, offsets = spool.take(np.array(wanted, np.int64))
        for i, doc in enumerate(wanted):
            assert tokens[offsets[i] : offsets[i + 1]].tolist() == docs[doc]
            assert flags[offsets[i] : offsets[i + 1]].tolist() == [t % 2 for t in docs[doc]]
        assert len(spool) == len(docs)


def test_files_are_removed_on_close():
    spool = TokenSpool()
    spool.append(np.array([1, 2], np.uint32), np.zeros(2, np.uint8), np.array([0, 2]))
    directory = spool._dir.name
    assert os.path.isdir(directory)
    spool.close()
    assert not os.path.exists(directory)
