"""The featurising worker pool: results in input order, errors in their place, bounded, capped."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from newsdedup.config import DetectorConfig
from newsdedup.errors import InputError
from newsdedup.sketch.featurize import Featurizer
from newsdedup.workers import AHEAD_PER_WORKER, FeaturePool, usable_cpus

TWO = DetectorConfig.from_options(workers=2)


def slow_on_first(featurizer: Featurizer, item: tuple[int, str]) -> tuple[int, int, int]:
    """Batch 0 takes longest, so a pool that answered in completion order would put it last."""
    number, text = item
    if number == 0:
        time.sleep(0.3)
    return number, len(featurizer.run([(text, None)])), os.getpid()


def fails_on_two(featurizer: Featurizer, item: tuple[int, str]) -> int:
    if item[0] == 2:
        raise ValueError("bad batch 2")
    return item[0]


def items(n: int):
    return [(i, f"Article number {i} about the harbour strike.") for i in range(n)]


needs_two_cpus = pytest.mark.skipif(usable_cpus() < 2, reason="needs two usable CPUs")


@needs_two_cpus
def test_results_come_in_input_order_from_worker_processes():
    with FeaturePool(slow_on_first, TWO) as pool:
        assert pool.processes == 2
        out = [result for _, result in pool.map(items(6))]
    assert [n for n, _, _ in out] == list(range(6))
    assert os.getpid() not in {pid for _, _, pid in out}


@needs_two_cpus
def test_an_input_error_comes_after_the_batches_read_before_it():
    def broken():
        yield from items(3)
        raise InputError("line 4: not JSON")

    seen = []
    with FeaturePool(slow_on_first, TWO) as pool, pytest.raises(InputError, match="line 4"):
        for _, (n, _, _) in pool.map(broken()):
            seen.append(n)
    assert seen == [0, 1, 2]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_worker_error_comes_with_its_batch(workers):  # and results() keeps no items
    seen = []
    config = DetectorConfig.from_options(workers=workers)
    with FeaturePool(fails_on_two, config) as pool, pytest.raises(ValueError, match="batch 2"):
        for n in pool.results(items(5)):
            seen.append(n)
    assert seen == [0, 1]


@needs_two_cpus
def test_the_input_is_read_only_a_bounded_number_of_batches_ahead():
    read = []

    def counted():
        for item in items(40):
            read.append(item[0])
            yield item

    with FeaturePool(slow_on_first, TWO) as pool:
        stream = pool.map(counted())
        next(stream)
        time.sleep(0.3)
        # two slots per worker, the first batch's still taken: it is being consumed
        assert len(read) == AHEAD_PER_WORKER * pool.processes
        assert [n for _, (n, _, _) in stream] == list(range(1, 40))


def test_absurd_worker_counts_are_capped_at_the_usable_cpus():
    pool = FeaturePool(Featurizer.run, DetectorConfig.from_options(workers=1000))
    assert pool.processes == usable_cpus()
    with pool:
        feats = [f for _, f in pool.map([[("Rain in Oslo.", None)]] * 3)]
    assert [len(f) for f in feats] == [1, 1, 1]
    assert np.array_equal(feats[0].signatures, feats[2].signatures)
