"""Synthetic wire copy with ground truth: dispatches, their republications, and hard negatives.

The corpus is a stream of *units*, each a handful of articles:

* a wire **dispatch** and 1–6 outlets' copies of it (one gold cluster);
* a **filler** article nobody copied;
* a **template** series: one recurring report on consecutive days;
* a **same-event** group: different outlets' own articles on one event.

Articles are composed of real BBC and Reuters sentences (see
:mod:`benchmarks.sentences`), edited as described in ``benchmarks/README.md``
("Edit model"), and written as they are made, through a small shuffle buffer,
so a million articles never sit in memory. The same seed, size and data give
the same files.

Example:
    $ PYTHONPATH=src:. python -m benchmarks.corpus --size 10k --seed 1 --out benchmarks/data/10k
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from newsdedup.errors import ConfigError, NewsDedupError, OutputError

from . import edits as ed
from .negatives import same_event_group, template_series
from .outlets import CITIES, Outlet, make_outlets, make_wires
from .sentences import SentenceBank

__all__ = ["EDIT_RATES", "CorpusGenerator", "Item", "main", "parse_size", "write_corpus"]

GENERATOR_VERSION = 1
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

#: Chance that a copy gets each edit. ``exact`` copies get nothing else;
#: ``quoted`` copies are a new article quoting the dispatch whole and get only
#: ``headline`` and ``boilerplate`` besides; all other edits are drawn
#: independently.
EDIT_RATES = {
    "exact": 0.08, "quoted": 0.06, "headline": 0.5, "trim": 0.3, "intro": 0.15, "closing": 0.15,
    "reorder": 0.15, "rewrite": 0.25, "noise": 0.1, "boilerplate": 0.85,
}
TRIM_SHARE = (0.20, 0.60)       # share of body words cut from the end
REWRITE_SHARE = (0.05, 0.30)    # share of body words the rewrite touches
NOISE_RATE = (0.01, 0.05)       # share of words given an OCR error
COPIES = ((1, 30), (2, 25), (3, 18), (4, 12), (5, 9), (6, 6))   # (copies, weight) per dispatch
BODY_WORDS = (300, 840)         # body length drawn here; the last sentence may add up to 60 words
#: Unit weights chosen so that, by article count, about 55% are dispatches
#: and their copies, 25% filler, 10% template issues and 10% same-event.
UNITS = (("dispatch", 0.153), ("filler", 0.25), ("template", 0.018), ("same_event", 0.033))
OUTLETS = 40
SHUFFLE_BUFFER = 4096
START = datetime(2024, 1, 1, 6, 0, tzinfo=timezone.utc)


@dataclass
class Item:
    """One article of the corpus with its gold record (ids are given when written)."""

    draft: ed.Draft
    source: str
    published: datetime
    kind: str
    cluster: str
    original: bool = False
    edits: list[str] = field(default_factory=list)
    touched: float = 0.0


class CorpusGenerator:
    """Makes the units of a corpus from a seed; see the module docstring.

    Example:
        >>> gen = CorpusGenerator(SentenceBank.from_data(DEFAULT_DATA), seed=1)  # doctest: +SKIP
        >>> [item.kind for item in next(gen.units())]  # doctest: +SKIP
        ['original', 'copy', 'copy']
    """

    def __init__(self, bank: SentenceBank, seed: int, step: timedelta = timedelta(minutes=3)) -> None:
        self.bank, self.rng, self.step = bank, random.Random(seed), step
        self.outlets = make_outlets(self.rng, OUTLETS)
        self.wires = make_wires()

    def units(self) -> Iterator[list[Item]]:
        """Endless stream of units, each a list of items sharing a time slot."""
        kinds, weights = zip(*UNITS)
        makers = {"dispatch": self._dispatch, "filler": self._filler,
                  "template": self._templates, "same_event": self._same_event}
        for number in range(sys.maxsize):
            when = START + number * self.step + timedelta(seconds=self.rng.randrange(int(self.step.total_seconds())))
            yield makers[self.rng.choices(kinds, weights)[0]](f"c{number}", when)

    # ------------------------------------------------------------ composing

    def _compose(self) -> tuple[ed.Draft, str]:
        """A new story: a few sentences of a real document, then more of its topic."""
        rng, bank = self.rng, self.bank
        doc = rng.choice(bank.docs)
        lead = sorted(rng.sample(doc.sentences, min(len(doc.sentences), rng.randint(2, 5))))
        sentences = [bank.sentences[i] for i in lead]
        words = sum(bank.words[i] for i in lead)
        sentences += bank.sample(rng, doc.topic, rng.randint(*BODY_WORDS) - words)
        draft = ed.Draft(doc.title, ed.group_paragraphs(sentences, rng))
        return (draft if doc.title and rng.random() < 0.5 else ed.new_headline(draft, rng)), doc.topic

    def _outlet_item(self, draft: ed.Draft, outlet: Outlet, when: datetime, kind: str, cluster: str) -> Item:
        edits = []
        if self.rng.random() < EDIT_RATES["boilerplate"]:
            draft = ed.apply_boilerplate(draft, outlet, self.rng, self.rng.choice(CITIES), f"{when:%b} {when.day}")
            edits.append("boilerplate")
        return Item(draft, outlet.slug, when, kind, cluster, edits=edits)

    def _dispatch(self, cluster: str, when: datetime) -> list[Item]:
        draft, topic = self._compose()
        wire = self.rng.choice(self.wires)
        draft = ed.Draft(draft.title, draft.paragraphs, dateline=wire.render_dateline(
            self.rng.choice(CITIES), f"{when:%b} {when.day}"))
        items = [Item(draft, wire.slug, when, "original", cluster, original=True)]
        counts, weights = zip(*COPIES)
        for outlet in self.rng.sample(self.outlets, self.rng.choices(counts, weights)[0]):
            later = when + timedelta(minutes=self.rng.randint(10, 72 * 60))
            items.append(self._copy(draft, topic, wire.name, outlet, later, cluster))
        return items

    def _copy(self, draft: ed.Draft, topic: str, wire: str, outlet: Outlet, when: datetime, cluster: str) -> Item:
        rng = self.rng
        if rng.random() < EDIT_RATES["exact"]:
            return Item(draft, outlet.slug, when, "copy", cluster)
        def sample(words: int) -> list[str]:
            return self.bank.sample(rng, topic, words)
        done: list[str] = []
        if rng.random() < EDIT_RATES["quoted"]:
            draft = ed.quote_in_longer_text(draft, rng, sample, f"{wire} reported on {when:%A}:")
            draft, done = ed.new_headline(draft, rng), ["quoted", "headline"]
        else:
            draft, done = self._structural_edits(draft, sample)
        words, touched = draft.body_words(), 0
        if "quoted" not in done and rng.random() < EDIT_RATES["rewrite"]:
            draft, count = ed.rewrite(draft, rng, rng.uniform(*REWRITE_SHARE))
            touched, done = touched + count, [*done, "rewrite"]
        if "quoted" not in done and rng.random() < EDIT_RATES["noise"]:
            draft, count = ed.ocr_noise(draft, rng, rng.uniform(*NOISE_RATE))
            touched, done = touched + count, [*done, "noise"]
        if "quoted" not in done and rng.random() < EDIT_RATES["headline"]:
            draft, done = ed.new_headline(draft, rng), [*done, "headline"]
        item = self._outlet_item(draft, outlet, when, "copy", cluster)
        item.edits = [*done, *item.edits]
        item.touched = round(min(1.0, touched / max(1, words)), 4)
        return item

    def _structural_edits(self, draft: ed.Draft, sample: ed.Sampler) -> tuple[ed.Draft, list[str]]:
        rng, done = self.rng, []
        if rng.random() < EDIT_RATES["trim"]:
            draft, done = ed.trim_ending(draft, rng, rng.uniform(*TRIM_SHARE)), [*done, "trim"]
        if rng.random() < EDIT_RATES["reorder"]:
            shuffled = ed.reorder_paragraphs(draft, rng)
            if shuffled is not None:
                draft, done = shuffled, [*done, "reorder"]
        for where in ("intro", "closing"):
            if rng.random() < EDIT_RATES[where]:
                draft, done = ed.add_paragraph(draft, rng, sample, where), [*done, where]
        return draft, done

    def _filler(self, cluster: str, when: datetime) -> list[Item]:
        draft, _ = self._compose()
        if self.rng.random() < 0.5:
            wire = self.rng.choice(self.wires)
            dateline = wire.render_dateline(self.rng.choice(CITIES), f"{when:%b} {when.day}")
            return [Item(ed.Draft(draft.title, draft.paragraphs, dateline=dateline), wire.slug, when, "filler", cluster)]
        return [self._outlet_item(draft, self.rng.choice(self.outlets), when, "filler", cluster)]

    def _templates(self, cluster: str, when: datetime) -> list[Item]:
        outlet = self.rng.choice(self.outlets)
        dates = [when + timedelta(days=d) for d in range(self.rng.randint(3, 8))]
        items = []
        for day, (draft, difference) in enumerate(template_series(self.rng, self.bank, dates)):
            item = self._outlet_item(draft, outlet, dates[day], "template", f"{cluster}.{day}")
            item.touched = difference
            items.append(item)
        return items

    def _same_event(self, cluster: str, when: datetime) -> list[Item]:
        group = same_event_group(self.rng, self.bank, self.rng.randint(2, 4))
        outlets = self.rng.sample(self.outlets, len(group))
        items = []
        for j, (draft, outlet) in enumerate(zip(group, outlets)):
            later = when + timedelta(minutes=self.rng.randint(0, 12 * 60))
            items.append(self._outlet_item(draft, outlet, later, "same_event", f"{cluster}.{j}"))
        return items


# ---------------------------------------------------------------- writing


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


def _records(item: Item, aid: str) -> tuple[str, str]:
    article = {"id": aid, "title": item.draft.title, "text": item.draft.render(),
               "source": item.source, "published": item.published.strftime("%Y-%m-%dT%H:%M:%SZ")}
    gold = {"id": aid, "cluster": item.cluster, "original": item.original, "edit": item.edits,
            "touched": item.touched, "kind": item.kind}
    return json.dumps(article, ensure_ascii=False) + "\n", json.dumps(gold) + "\n"


def _items(generator: CorpusGenerator, size: int) -> Iterator[Item]:
    """The first ``size`` items; a unit that does not fit whole is replaced by filler."""
    produced = 0
    for unit in generator.units():
        if produced + len(unit) > size:
            unit = generator._filler(unit[0].cluster, unit[0].published)
        yield from unit
        produced += len(unit)
        if produced >= size:
            return


def _shuffled(items: Iterator[Item], rng: random.Random) -> Iterator[Item]:
    """``items`` in a locally shuffled order: each leaves a buffer of :data:`SHUFFLE_BUFFER` at random."""
    buffer: list[Item] = []
    for item in items:
        buffer.append(item)
        if len(buffer) >= SHUFFLE_BUFFER:
            at = rng.randrange(len(buffer))
            buffer[at], buffer[-1] = buffer[-1], buffer[at]
            yield buffer.pop()
    rng.shuffle(buffer)
    yield from buffer


def write_corpus(out: str | Path, size: int, seed: int, bank: SentenceBank) -> dict[str, Any]:
    """Write ``articles.jsonl``, ``gold.jsonl`` and ``manifest.json`` into ``out``.

    Articles go out through a shuffle buffer of :data:`SHUFFLE_BUFFER`, so
    copies are interleaved with other news (and may come before their
    original in the file; the original is the earliest published). Ids are
    ``n0000000``, ``n0000001``... in file order. Files are written under
    temporary names and renamed at the end: no half-written corpus.

    Returns:
        The manifest: parameters, counts by kind and by edit, seconds taken.

    Raises:
        OutputError: ``out`` cannot be created or written.
    """
    folder = Path(out)
    started = time.perf_counter()
    kinds: Counter[str] = Counter()
    edit_counts: Counter[str] = Counter()
    temps = [folder / "articles.jsonl.tmp", folder / "gold.jsonl.tmp"]
    written = 0
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(temps[0], "w", encoding="utf-8") as articles, open(temps[1], "w", encoding="utf-8") as gold:
            items = _items(CorpusGenerator(bank, seed), size)
            for written, item in enumerate(_shuffled(items, random.Random(seed ^ 0x5EED)), start=1):
                article, record = _records(item, f"n{written - 1:07d}")
                articles.write(article)
                gold.write(record)
                kinds[item.kind] += 1
                edit_counts.update(item.edits if item.kind == "copy" else ())
        for temp in temps:
            temp.replace(temp.with_suffix(""))
    except OSError as err:
        for temp in temps:
            temp.unlink(missing_ok=True)
        raise OutputError(f"cannot write the corpus: {err.strerror}", path=str(err.filename or folder)) from None
    manifest = {
        "generator_version": GENERATOR_VERSION, "size": size, "seed": seed, "articles": written,
        "kinds": dict(sorted(kinds.items())), "copy_edits": dict(sorted(edit_counts.items())),
        "edit_rates": EDIT_RATES, "trim_share": TRIM_SHARE, "rewrite_share": REWRITE_SHARE,
        "noise_rate": NOISE_RATE, "seconds": round(time.perf_counter() - started, 2),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.corpus --size 10k --seed 1 --out DIR [--data DIR]``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.corpus", description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="10k", help="number of articles: 300, 10k, 1M (default 10k)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", required=True, help="folder to write articles.jsonl, gold.jsonl, manifest.json")
    parser.add_argument("--data", default=str(DEFAULT_DATA), help=f"folder holding bbc/ and reuters21578/ "
                        f"(default {DEFAULT_DATA})")
    args = parser.parse_args(argv)
    try:
        size = parse_size(args.size)
        started = time.perf_counter()
        bank = SentenceBank.from_data(args.data)
        loaded = time.perf_counter() - started
        manifest = write_corpus(args.out, size, args.seed, bank)
    except NewsDedupError as err:
        print(f"Error: {err}", file=sys.stderr)
        return err.exit_code
    rate = manifest["articles"] / max(manifest["seconds"], 1e-9)
    print(f"{manifest['articles']} articles in {manifest['seconds']:.1f} s ({rate:,.0f}/s; sentence bank "
          f"{loaded:.1f} s) -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
