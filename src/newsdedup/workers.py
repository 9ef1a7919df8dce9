"""The one pool of featurising worker processes: bounded, ordered, each worker with its featurizer.

Batch scan (``batch.corpus``) and the live index (``index.prepare``) both
featurise batches of articles in worker processes while the main process
does the rest. Both need the same three things, which live here once:

* **each worker builds its featurizer once** (config and learned boilerplate
  and common words are sent at start, not with every batch), and warms up the
  compiled kernels before the first batch arrives;
* **results come back in input order**, each as soon as it and those before
  it are done: a slow live feed waits for nothing but its own batch;
* **bounded**: at most ``2 × processes`` batches are read ahead of the one
  being consumed, so memory stays flat however large the input; and never
  more processes than usable CPUs (featurising is CPU-bound: more would only
  add memory, a featurizer per process).

Errors keep their place: an error raised while reading the input is raised
by :meth:`FeaturePool.map` after the batches read before it, and an error in
a worker is raised with that worker's batch.

Example:
    >>> from newsdedup.config import DetectorConfig
    >>> from newsdedup.sketch.featurize import Featurizer
    >>> batches = [[("Ministers meet in Brussels.", None)], [("Rain in Oslo.", None)]]
    >>> with FeaturePool(Featurizer.run, DetectorConfig(), workers=1) as pool:
    ...     [len(feats) for _, feats in pool.map(batches)]
    [1, 1]
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.pool import AsyncResult, Pool
from typing import Any, Generic, TypeVar

from .config import DetectorConfig
from .sketch.featurize import Featurizer
from .text.learn import Learned

__all__ = ["FeaturePool", "put_until_stopped", "usable_cpus"]

T = TypeVar("T")
R = TypeVar("R")

#: Batches in flight per worker process (read ahead of the one being consumed).
AHEAD_PER_WORKER = 2

_FEATURIZER: Featurizer | None = None
_TASK: Callable[[Featurizer, Any], Any] | None = None


def put_until_stopped(out: queue.Queue, message: object, stop: threading.Event) -> bool:
    """Put ``message`` on a bounded queue, giving up once ``stop`` is set; True if it was put.

    Why: a producer thread blocked on a full queue must still notice that its
    consumer has gone away, or it would never end.
    """
    while not stop.is_set():
        try:
            out.put(message, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity where the system tells, else all)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _start_worker(
    task: Callable[[Featurizer, Any], Any], config: DetectorConfig, learned: Learned
) -> None:
    """Pool initializer: build this worker's featurizer once, and compile its kernels now."""
    global _FEATURIZER, _TASK
    _FEATURIZER, _TASK = Featurizer(config, learned), task
    _FEATURIZER.run([("warm up the compiled kernels before the first batch", None)])


def _run_in_worker(item: Any) -> Any:
    assert _FEATURIZER is not None and _TASK is not None, "_start_worker was not called"
    return _TASK(_FEATURIZER, item)


class FeaturePool(Generic[T, R]):
    """Runs ``task(featurizer, item)`` over items, in this process or in worker processes.

    Args:
        task: A module-level function (or ``functools.partial`` of one), so
            that worker processes can receive it, e.g. ``Featurizer.run``.
        config: The detector configuration; ``workers`` processes are asked for.
        learned: Boilerplate and common words every featurizer uses.
        workers: Processes wanted (default ``config.sign.workers``); 1 runs in
            this process, more are capped at :func:`usable_cpus`.
    """

    def __init__(
        self,
        task: Callable[[Featurizer, T], R],
        config: DetectorConfig,
        learned: Learned | None = None,
        workers: int | None = None,
    ) -> None:
        self.task = task
        self.config = config
        self.learned = learned or Learned()
        wanted = config.sign.workers if workers is None else workers
        self.processes = max(1, min(wanted, usable_cpus()))
        self._pool: Pool | None = None
        self._local: Featurizer | None = None

    def __enter__(self) -> FeaturePool[T, R]:
        if self.processes > 1:
            # Started before map() starts its reader thread, so forking copies no thread's locks.
            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            self._pool = ctx.Pool(
                self.processes,
                initializer=_start_worker,
                initargs=(self.task, self.config, self.learned),
            )
        else:
            self._local = Featurizer(self.config, self.learned)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def map(self, items: Iterable[T]) -> Iterator[tuple[T, R]]:
        """(item, result) in input order, each as soon as it is ready."""
        if self._pool is None:
            featurizer = self._local or Featurizer(self.config, self.learned)
            for item in items:
                yield item, self.task(featurizer, item)
            return
        results: queue.Queue = queue.Queue(maxsize=AHEAD_PER_WORKER * self.processes)
        stop = threading.Event()
        threading.Thread(
            target=self._submit,
            args=(self._pool, iter(items), results, stop),
            daemon=True,
            name="newsdedup-featurize",
        ).start()
        try:
            while True:
                kind, item, value = results.get()
                if kind == "error":
                    raise value
                if kind == "end":
                    return
                yield item, value.get()
        finally:
            stop.set()

    @staticmethod
    def _submit(
        pool: Pool, items: Iterator[T], results: queue.Queue, stop: threading.Event
    ) -> None:
        """Read the input and hand each item to the pool, never more than the queue holds ahead."""

        def put(message: tuple[str, T | None, AsyncResult | BaseException | None]) -> bool:
            return put_until_stopped(results, message, stop)

        try:
            for item in items:
                if not put(("item", item, pool.apply_async(_run_in_worker, (item,)))):
                    return
        except BaseException as err:  # re-raised by map, after the items read before it
            put(("error", None, err))
            return
        put(("end", None, None))
