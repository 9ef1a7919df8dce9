"""Scanned and wrapped copies of real Reuters dispatches (built apart from the synthetic generator)."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.suite.realnoise import MISREADS, build, scan_text, score, wrap_text
from newsdedup.config import DetectorConfig
from newsdedup.models import Article

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def test_scan_misreads_only_the_issue_characters_at_the_rate():
    text = "The oil company said on Monday, in London, it will sell 1,250 barrels. " * 40
    noisy = scan_text(text, random.Random(3), 0.03)
    gone = Counter(text) - Counter(noisy)  # characters misread away (net of look-alikes gained)
    assert set(gone) <= set(MISREADS)
    assert 0.01 * len(text) < sum(gone.values()) < 0.05 * len(text)
    assert set(noisy) - set(text) <= {c for v in MISREADS.values() for s in v for c in s}


def test_wrap_holds_the_dispatch_as_its_share():
    others = [Article(str(i), "\n".join(["word " * 20] * 5)) for i in range(10)]
    dispatch = "Dispatch text here. " * 50
    wrapped = wrap_text(dispatch, others, random.Random(1), 0.3)
    assert dispatch in wrapped
    assert 0.25 <= len(dispatch.split()) / len(wrapped.split()) <= 0.36
    assert not wrapped.startswith(dispatch) and not wrapped.endswith(dispatch)


@pytest.mark.skipif(not (DATA / "reuters21578").is_dir(), reason=f"no Reuters-21578 under {DATA}")
def test_scanned_and_wrapped_reuters_dispatches_are_found():
    articles, copies = build(DATA, 60, 600, seed=5)
    record = score(articles, copies, DetectorConfig())
    # Measured 0.48-0.55 (scanned) and 0.73-0.76 (wrapped) before the OCR and window passes,
    # 0.98-0.99 after, at 300 dispatches and three seeds (benchmarks/README.md).
    assert record["scan_found"] >= 0.9 and record["wrap_found"] >= 0.9, record
    assert set(record["wrap_relations"]) == {"partial"}
    assert record["clusters_joining_dispatches"] <= 1
