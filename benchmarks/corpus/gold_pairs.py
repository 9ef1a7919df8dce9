"""Labelled pairs to train and check the relation model: synthetic wire copy and COUNTER.

Synthetic pairs come from the corpus generator (:mod:`benchmarks.corpus.generator`)
with a seed of their own (:data:`TRAIN_SEED`), never the suite's, so the
suite's corpus stays unseen. From each unit:

* a dispatch: every (original, copy) pair is a copy, kind ``syn-<edit>``
  (the copy's heaviest edit: quoted, rewrite, noise, trim, ... or ``exact``);
* a template series: consecutive issues are not copies (``syn-template``);
* a same-event group: every pair is not a copy (``syn-same-event``);
* two filler articles of one unit pair: unrelated (``syn-unrelated``).

Pairs of one unit share a group, so cross-validation keeps them together.
COUNTER pairs are ``WD``/``ND`` (copy / not) and ``PD`` (reported only: the
partly derived stories are neither target), grouped by pair number.

Example:
    >>> pairs = synthetic_pairs("/work/shared/data", units=20)  # doctest: +SKIP
    >>> sorted({p.kind for p in pairs})[:2]  # doctest: +SKIP
    ['syn-exact', 'syn-headline']
"""

from __future__ import annotations

import functools
import random
from datetime import datetime
from pathlib import Path

from newsdedup.judge.train import GoldPair, TrainingSet
from newsdedup.models import Article

from .counter import DEFAULT_COUNTER, load_counter
from .generator import CorpusGenerator, Item
from .sentences import SentenceBank

__all__ = [
    "COUNTER_LABELS",
    "TRAIN_SEED",
    "counter_pairs",
    "synthetic_pairs",
    "training_set",
]

TRAIN_SEED = 7
#: Units drawn of each kind for the shipped model's synthetic pairs.
UNITS = {"dispatch": 120, "template": 40, "same_event": 60, "filler": 40}
COUNTER_LABELS = {"WD": 1, "PD": None, "ND": 0}
#: The model learns word-level copying: scanned (OCR) and long-wrapper copies are
#: left to the detector's own passes for them (sketch/robust.py, sketch/windows.py),
#: so the training pairs are those of generator version 1, reproduced exactly.
TRAINING_EDIT_RATES = {"ocr": 0.0, "wrapped": 0.0}
#: Edits named in a copy's kind, heaviest first.
_EDIT_ORDER = ("quoted", "rewrite", "noise", "trim", "intro", "closing", "reorder", "headline")


@functools.lru_cache(maxsize=1)
def _bank(data: str) -> SentenceBank:
    return SentenceBank.from_data(data)


def _article(item: Item, name: str) -> Article:
    published = item.published
    assert isinstance(published, datetime)
    return Article(
        name, item.draft.render(), item.draft.title, source=item.source, published=published
    )


def _copy_kind(item: Item) -> str:
    edit = next((e for e in _EDIT_ORDER if e in item.edits), "exact")
    return f"syn-{edit}"


def _unit_pairs(kind: str, number: int, items: list[Item]) -> list[GoldPair]:
    group = f"syn{number}"
    arts = [_article(it, f"{group}.{i}") for i, it in enumerate(items)]
    if kind == "dispatch":
        return [
            GoldPair(arts[0], arts[i], 1, _copy_kind(items[i]), group) for i in range(1, len(arts))
        ]
    if kind == "template":
        return [
            GoldPair(arts[i], arts[i + 1], 0, "syn-template", group) for i in range(len(arts) - 1)
        ]
    if kind == "same_event":
        return [
            GoldPair(arts[i], arts[j], 0, "syn-same-event", group)
            for i in range(len(arts))
            for j in range(i + 1, len(arts))
        ]
    return []


def synthetic_pairs(data: str | Path, units: dict[str, int] | None = None) -> list[GoldPair]:
    """Labelled pairs from freshly generated units (seed :data:`TRAIN_SEED`)."""
    gen = CorpusGenerator(_bank(str(data)), seed=TRAIN_SEED, edit_rates=TRAINING_EDIT_RATES)
    pairs: list[GoldPair] = []
    number = 0
    fillers: list[Article] = []
    for kind, count in (units or UNITS).items():
        for _ in range(count):
            items = gen.unit(number, kind)
            if kind == "filler":
                fillers.append(_article(items[0], f"syn{number}.0"))
            pairs.extend(_unit_pairs(kind, number, items))
            number += 1
    rng = random.Random(TRAIN_SEED)
    rng.shuffle(fillers)
    for i in range(0, len(fillers) - 1, 2):
        pairs.append(GoldPair(fillers[i], fillers[i + 1], 0, "syn-unrelated", f"fill{i}"))
    return pairs


def counter_pairs(path: str | Path = DEFAULT_COUNTER) -> list[GoldPair]:
    """COUNTER's pairs: WD copies, ND not, PD reported only; grouped by pair number."""
    return [
        GoldPair(p.source, p.story, COUNTER_LABELS[p.label], p.label, f"counter{p.number}")
        for p in load_counter(path)
    ]


def training_set(data: str | Path, counter: str | Path | None = None) -> TrainingSet:
    """The shipped model's training set: synthetic pairs and COUNTER, each with its own IDF."""
    counter = counter or Path(data) / "counter-dev"
    return TrainingSet.join(
        [
            TrainingSet.from_pairs(synthetic_pairs(data)),
            TrainingSet.from_pairs(counter_pairs(counter)),
        ]
    )
