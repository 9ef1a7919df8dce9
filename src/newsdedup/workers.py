"""The one pool of featurising worker processes: bounded, ordered, each worker with its featurizer.

Batch scan (``batch.corpus``) and the live index (``index.prepare``) both
featurise batches of articles in worker processes while the main process
does the rest. Both need the same three things, which live here once:

* **each worker builds its featurizer once** (config and learned boilerplate
  and common words are sent at start, not with every batch), and warms up the
  compiled kernels before the first batch arrives;
* **results come back in input order**, each as soon as it and those before
  it are done: a slow live feed waits for nothing but its own batch;
* **bounded**: at most ``2 × processes`` batches are read and not yet done
  with, so memory stays flat however large the input; and never
  more processes than usable CPUs (featurising is CPU-bound: more would only
  add memory, a featurizer per process).

Errors keep their place: an error in a worker is raised with that worker's
batch, and :meth:`FeaturePool.map` (which reads a live feed in a thread of
its own) raises an error of the input after the batches read before it.
:meth:`FeaturePool.results` reads an input that never blocks (files) in the
caller's thread.

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
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.pool import AsyncResult, Pool
from typing import Any, Generic, TypeVar

from . import interrupts
from .config import DetectorConfig
from .sketch.featurize import Featurizer
from .text.learn import Learned

__all__ = ["FeaturePool", "usable_cpus"]

T = TypeVar("T")
R = TypeVar("R")

#: Batches in flight per worker process (read ahead of the one being consumed).
AHEAD_PER_WORKER = 2

_FEATURIZER: Featurizer | None = None
_TASK: Callable[[Featurizer, Any], Any] | None = None


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity where the system tells, else all)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _start_worker(
    task: Callable[[Featurizer, Any], Any], config: DetectorConfig, learned: Learned
) -> None:
    """Pool initializer: build this worker's featurizer once, and compile its kernels now.

    First the workers' signal policy: Ctrl-C reaches the whole process group, and the
    parent alone decides (it stops the workers with SIGTERM).
    """
    interrupts.worker_policy()
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
        """(item, result) in input order, each as soon as it is ready, for any input (a live feed).

        A reader thread takes the items, so a result is handed back as soon
        as it is ready even while the input waits for its next line; an
        error of the input is raised after the results of the items before it.
        """
        if self._pool is None:
            yield from self._in_process(items)
        else:
            yield from self._read_ahead(self._pool, items)

    def results(self, items: Iterable[T]) -> Iterator[R]:
        """The results alone, in input order, for an input that never blocks (files).

        The items are read in the consumer's own thread, keeping the same
        bound: no reader thread (and no second allocator arena, 10 MB at
        10k articles) where nothing waits for a slow feed. An error of the
        input is raised when it is read, which may be before the results of
        the items read before it.
        """
        if self._pool is None:
            yield from (result for _, result in self._in_process(items))
            return
        in_flight: deque[AsyncResult] = deque()
        for item in items:
            in_flight.append(self._pool.apply_async(_run_in_worker, (item,)))
            if len(in_flight) >= AHEAD_PER_WORKER * self.processes:
                yield in_flight.popleft().get()
        while in_flight:
            yield in_flight.popleft().get()

    def _in_process(self, items: Iterable[T]) -> Iterator[tuple[T, R]]:
        featurizer = self._local or Featurizer(self.config, self.learned)
        for item in items:
            yield item, self.task(featurizer, item)

    def _read_ahead(self, pool: Pool, items: Iterable[T]) -> Iterator[tuple[T, R]]:
        # A slot per item read and not yet done with (the one being consumed included).
        slots = threading.BoundedSemaphore(AHEAD_PER_WORKER * self.processes)
        results: queue.Queue = queue.Queue()
        stop = threading.Event()
        threading.Thread(
            target=self._submit,
            args=(pool, iter(items), slots, results, stop),
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
                slots.release()  # the consumer is done with it: read the next item
        finally:
            stop.set()

    @staticmethod
    def _submit(
        pool: Pool,
        items: Iterator[T],
        slots: threading.BoundedSemaphore,
        results: queue.Queue,
        stop: threading.Event,
    ) -> None:
        """Read the input an item per free slot and hand each to the pool; errors go in order."""
        while not stop.is_set():
            if not slots.acquire(timeout=0.1):
                continue
            try:
                item = next(items)
            except StopIteration:
                results.put(("end", None, None))
                return
            except BaseException as err:  # re-raised by map, after the items read before it
                results.put(("error", None, err))
                return
            task = pool.apply_async(_run_in_worker, (item,))
            results.put(("item", item, task))
            del item
