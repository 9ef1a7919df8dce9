"""Batches of a live stream, closed by size or by time.

Why a reader thread: reading stdin blocks until the next line arrives, so a
loop that only reads cannot notice that a second has passed. The thread reads
ahead into a bounded queue; the consumer closes a batch when it is full or
when its first item has waited ``max_wait`` seconds. A fast file gives big
batches (fast commits), ``tail -f`` gives small ones (prompt answers).

Errors raised while reading (a bad JSON line) are re-raised in the consumer,
after the items read before them have been handed out.

Example:
    >>> [len(b) for b in batches_in_time(range(7), size=3, max_wait=1.0)]
    [3, 3, 1]
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["batches_in_time", "put_until_stopped"]

T = TypeVar("T")

_ITEM, _END, _ERROR = 0, 1, 2


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


def _read_ahead(items: Iterable[T], out: queue.Queue, stop: threading.Event) -> None:
    def put(message: tuple) -> bool:
        return put_until_stopped(out, message, stop)

    try:
        for item in items:
            if not put((_ITEM, item)):
                return
    except BaseException as err:  # handed to the consumer, which re-raises it
        put((_ERROR, err))
        return
    put((_END, None))


def batches_in_time(
    items: Iterable[T],
    size: int,
    max_wait: float,
    first_size: int | None = None,
    first_wait: float | None = None,
) -> Iterator[list[T]]:
    """Lists of up to ``size`` items, each closed at most ``max_wait`` seconds after its first item.

    ``first_size`` and ``first_wait`` let the first batch grow larger and wait
    longer (a new index learns from what arrives first: from a file that is
    the same articles every time, however fast the disk).

    Raises:
        ValueError: ``size`` is below 1 or ``max_wait`` is negative.
        Whatever iterating ``items`` raises, after the pending batch.
    """
    if size < 1 or max_wait < 0:
        raise ValueError("size must be at least 1 and max_wait not negative")
    limit = first_size or size
    wait = first_wait if first_wait is not None else max_wait
    pending: queue.Queue = queue.Queue(maxsize=2 * size)
    stop = threading.Event()
    reader = threading.Thread(
        target=_read_ahead, args=(items, pending, stop), name="newsdedup-reader", daemon=True
    )
    reader.start()
    batch: list[T] = []
    deadline = 0.0
    try:
        while True:
            try:
                kind, value = pending.get(
                    timeout=max(0.0, deadline - time.monotonic()) if batch else None
                )
            except queue.Empty:
                yield batch
                batch, limit, wait = [], size, max_wait
                continue
            if kind == _ITEM:
                batch.append(value)
                if len(batch) == 1:
                    deadline = time.monotonic() + wait
                if len(batch) >= limit:
                    yield batch
                    batch, limit, wait = [], size, max_wait
                continue
            if batch:
                yield batch
                batch = []
            if kind == _ERROR:
                raise value
            return
    finally:
        stop.set()
