"""Write the synthetic wire-copy corpus: ``articles.jsonl``, ``gold.jsonl``, ``manifest.json``.

The corpus is a stream of *units* (see :mod:`benchmarks.corpus.generator`), each a
handful of articles:

* a wire **dispatch** and 1–6 outlets' copies of it (one gold cluster);
* a **filler** article nobody copied;
* a **template** series: one recurring report on consecutive days;
* a **same-event** group: different outlets' own articles on one event.

Units are made by worker processes in chunks and written in unit order as
they arrive, through a small shuffle buffer, so a million articles never sit
in memory. Every unit is seeded by (seed, unit number): the same seed, size
and data give the same files whatever the number of workers.

Example:
    $ python -m benchmarks.corpus.build --size 10k --seed 1 --out benchmarks/data/10k
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import random
import sys
import time
from collections import Counter, deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from newsdedup.errors import ConfigError, NewsDedupError, OutputError

from .generator import (
    EDIT_RATES,
    GENERATOR_VERSION,
    NOISE_RATE,
    OCR_RATE,
    REWRITE_SHARE,
    TRIM_SHARE,
    WRAPPED_SHARE,
    CorpusGenerator,
    Item,
)
from .loaders import data_root
from .sentences import SentenceBank

__all__ = ["EDIT_RATES", "CorpusGenerator", "Item", "main", "parse_size", "write_corpus"]

#: The corpora the sentence bank is read from (``$NEWSDEDUP_DATA``, see :func:`data_root`).
DEFAULT_DATA = data_root()
SHUFFLE_BUFFER = 4096
CHUNK_UNITS = 200  # units a worker makes per task


def parse_size(text: str) -> int:
    """``300``, ``10k``, ``1M`` → number of articles.

    Example:
        >>> parse_size("10k"), parse_size("1M"), parse_size("2500")
        (10000, 1000000, 2500)
    """
    units = {"k": 1_000, "m": 1_000_000}
    raw = text.strip().lower()
    try:
        value = int(float(raw[:-1]) * units[raw[-1]]) if raw[-1:] in units else int(raw)
    except (ValueError, IndexError):
        raise ConfigError(f"size must be a number such as 300, 10k or 1M, not {text!r}") from None
    if value < 1:
        raise ConfigError(f"size must be at least 1, not {text!r}")
    return value


class Rendered(NamedTuple):
    """An item as JSON, still without its id (ids follow the file order, known only when written)."""

    kind: str
    edits: tuple[str, ...]
    article: str  # the JSON object without its opening brace
    gold: str


def _render(item: Item) -> Rendered:
    article = {
        "title": item.draft.title,
        "text": item.draft.render(),
        "source": item.source,
        "published": item.published.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    gold = {
        "cluster": item.cluster,
        "original": item.original,
        "edit": item.edits,
        "touched": item.touched,
        "kind": item.kind,
    }
    return Rendered(
        item.kind,
        tuple(item.edits),
        json.dumps(article, ensure_ascii=False)[1:],
        json.dumps(gold)[1:],
    )


def _render_units(generator: CorpusGenerator, first: int, count: int) -> list[list[Rendered]]:
    return [
        [_render(item) for item in generator.unit(number)] for number in range(first, first + count)
    ]


_WORKER_GENERATOR: CorpusGenerator | None = None  # set before the worker processes fork


def _worker_chunk(first: int) -> list[list[Rendered]]:
    assert _WORKER_GENERATOR is not None
    return _render_units(_WORKER_GENERATOR, first, CHUNK_UNITS)


def _unit_stream(generator: CorpusGenerator, workers: int) -> Iterator[list[Rendered]]:
    """Rendered units in unit order, made by ``workers`` processes (a bounded number of chunks ahead)."""
    starts = itertools.count(0, CHUNK_UNITS)
    if workers <= 1:
        for first in starts:
            yield from _render_units(generator, first, CHUNK_UNITS)
        return
    global _WORKER_GENERATOR
    _WORKER_GENERATOR = generator
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending = deque(
            pool.apply_async(_worker_chunk, (next(starts),)) for _ in range(2 * workers)
        )
        while True:
            chunk = pending.popleft().get()
            pending.append(pool.apply_async(_worker_chunk, (next(starts),)))
            yield from chunk


def _fitting(
    generator: CorpusGenerator, units: Iterator[list[Rendered]], size: int
) -> Iterator[Rendered]:
    """The first ``size`` articles; a unit that does not fit whole is replaced by filler."""
    produced = 0
    for number, unit in enumerate(units):
        if produced + len(unit) > size:
            unit = [_render(item) for item in generator.unit(number, "filler")]
        yield from unit
        produced += len(unit)
        if produced >= size:
            return


def _shuffled(items: Iterator[Rendered], rng: random.Random) -> Iterator[Rendered]:
    """``items`` in a locally shuffled order: each leaves a buffer of :data:`SHUFFLE_BUFFER` at random."""
    buffer: list[Rendered] = []
    for item in items:
        buffer.append(item)
        if len(buffer) >= SHUFFLE_BUFFER:
            at = rng.randrange(len(buffer))
            buffer[at], buffer[-1] = buffer[-1], buffer[at]
            yield buffer.pop()
    rng.shuffle(buffer)
    yield from buffer


def write_corpus(
    out: str | Path, size: int, seed: int, bank: SentenceBank, workers: int = 1
) -> dict[str, Any]:
    """Write ``articles.jsonl``, ``gold.jsonl`` and ``manifest.json`` into ``out``.

    Articles go out through a shuffle buffer of :data:`SHUFFLE_BUFFER`, so
    copies are interleaved with other news (and may come before their
    original in the file; the original is the earliest published). Ids are
    ``n0000000``, ``n0000001``... in file order. Files are written under
    temporary names and renamed at the end: no half-written corpus.

    Args:
        workers: Processes making units (the output does not depend on it).

    Returns:
        The manifest: parameters, counts by kind and by edit, seconds taken.

    Raises:
        OutputError: ``out`` cannot be created or written.
    """
    folder, started = Path(out), time.perf_counter()
    kinds: Counter[str] = Counter()
    edit_counts: Counter[str] = Counter()
    temps = [folder / "articles.jsonl.tmp", folder / "gold.jsonl.tmp"]
    generator, written = CorpusGenerator(bank, seed), 0
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with (
            open(temps[0], "w", encoding="utf-8") as articles,
            open(temps[1], "w", encoding="utf-8") as gold,
        ):
            units = _unit_stream(generator, workers)
            for written, item in enumerate(
                _shuffled(_fitting(generator, units, size), random.Random(seed ^ 0x5EED)), start=1
            ):
                aid = f'{{"id": "n{written - 1:07d}", '
                articles.write(aid + item.article + "\n")
                gold.write(aid + item.gold + "\n")
                kinds[item.kind] += 1
                edit_counts.update(item.edits if item.kind == "copy" else ())
            units.close()
        for temp in temps:
            temp.replace(temp.with_suffix(""))
    except OSError as err:
        for temp in temps:
            temp.unlink(missing_ok=True)
        raise OutputError(
            f"cannot write the corpus: {err.strerror}", path=str(err.filename or folder)
        ) from None
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "size": size,
        "seed": seed,
        "articles": written,
        "kinds": dict(sorted(kinds.items())),
        "copy_edits": dict(sorted(edit_counts.items())),
        "edit_rates": EDIT_RATES,
        "trim_share": TRIM_SHARE,
        "rewrite_share": REWRITE_SHARE,
        "noise_rate": NOISE_RATE,
        "ocr_rate": OCR_RATE,
        "wrapped_share": WRAPPED_SHARE,
        "workers": workers,
        "seconds": round(time.perf_counter() - started, 2),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.corpus.build --size 10k --seed 1 --out DIR [--data DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.corpus.build", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--size", default="10k", help="number of articles: 300, 10k, 1M (default 10k)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--out", required=True, help="folder to write articles.jsonl, gold.jsonl, manifest.json"
    )
    parser.add_argument(
        "--data",
        default=str(DEFAULT_DATA),
        help=f"folder holding bbc/ and reuters21578/ (default {DEFAULT_DATA})",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes making articles (default 1; more help only on idle cores; the output "
        "does not depend on it)",
    )
    args = parser.parse_args(argv)
    try:
        size = parse_size(args.size)
        started = time.perf_counter()
        bank = SentenceBank.from_data(args.data)
        loaded = time.perf_counter() - started
        manifest = write_corpus(args.out, size, args.seed, bank, max(1, args.workers))
    except NewsDedupError as err:
        print(f"Error: {err}", file=sys.stderr)
        return err.exit_code
    rate = manifest["articles"] / max(manifest["seconds"], 1e-9)
    print(
        f"{manifest['articles']} articles in {manifest['seconds']:.1f} s ({rate:,.0f}/s with {args.workers} "
        f"workers; sentence bank {loaded:.1f} s) -> {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
