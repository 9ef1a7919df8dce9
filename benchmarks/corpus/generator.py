"""The units of the synthetic corpus: a dispatch and its copies, filler, templates, same-event groups.

Every article is a :class:`~benchmarks.corpus.edits.Draft` composed of real
sentences (:mod:`benchmarks.corpus.sentences`) and edited as the edit model in
``benchmarks/README.md`` describes; its gold record travels with it as an
:class:`Item`. :mod:`benchmarks.corpus.build` writes the items out.

Example:
    >>> gen = CorpusGenerator(SentenceBank.from_data("/work/shared/data"), seed=1)  # doctest: +SKIP
    >>> [item.kind for item in gen.unit(0, "dispatch")]  # doctest: +SKIP
    ['original', 'copy', 'copy']
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from . import edits as ed
from .negatives import same_event_group, template_series
from .outlets import CITIES, Outlet, make_outlets, make_wires
from .sentences import SentenceBank

__all__ = ["EDIT_RATES", "UNITS", "CorpusGenerator", "Item"]

GENERATOR_VERSION = 2

#: Chance that a copy gets each edit. ``exact`` copies get nothing else;
#: ``quoted`` and ``wrapped`` copies are a new article quoting the dispatch
#: whole and get only ``headline`` and ``boilerplate`` besides; ``ocr`` copies
#: (a scanned archive's text) get no word-level edit besides; all other edits
#: are drawn independently.
EDIT_RATES = {
    "exact": 0.08,
    "quoted": 0.06,
    "wrapped": 0.05,
    "ocr": 0.08,
    "headline": 0.5,
    "trim": 0.3,
    "intro": 0.15,
    "closing": 0.15,
    "reorder": 0.15,
    "rewrite": 0.25,
    "noise": 0.1,
    "boilerplate": 0.85,
}
TRIM_SHARE = (0.20, 0.60)  # share of body words cut from the end
REWRITE_SHARE = (0.05, 0.30)  # share of body words the rewrite touches
NOISE_RATE = (0.01, 0.05)  # share of words given an OCR error
OCR_RATE = (0.01, 0.04)  # share of characters misread in an ``ocr`` copy
WRAPPED_SHARE = (0.25, 0.40)  # the dispatch's share of a ``wrapped`` article's words
COPIES = ((1, 30), (2, 25), (3, 18), (4, 12), (5, 9), (6, 6))  # (copies, weight) per dispatch
BODY_WORDS = (300, 840)  # body length drawn here; the last sentence may add up to 60 words
#: Unit weights chosen so that, by article count, about 55% are dispatches
#: and their copies, 25% filler, 10% template issues and 10% same-event.
UNITS = (("dispatch", 0.153), ("filler", 0.25), ("template", 0.018), ("same_event", 0.033))
OUTLETS = 40
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
        >>> gen = CorpusGenerator(SentenceBank.from_data("/work/shared/data"), seed=1)  # doctest: +SKIP
        >>> len(gen.unit(7, "same_event")) in (2, 3, 4)  # doctest: +SKIP
        True
    """

    def __init__(
        self,
        bank: SentenceBank,
        seed: int,
        step: timedelta = timedelta(minutes=3),
        edit_rates: dict[str, float] | None = None,
    ) -> None:
        self.bank, self.seed, self.step = bank, seed, step
        #: Edit chances (default :data:`EDIT_RATES`). An edit at rate 0 draws no
        #: random number, so leaving out a newer edit reproduces older corpora.
        self.rates = {**EDIT_RATES, **(edit_rates or {})}
        self.rng = random.Random(seed)
        self.outlets = make_outlets(self.rng, OUTLETS)
        self.wires = make_wires()
        self.topics = sorted(bank.topics)

    def unit(self, number: int, kind: str | None = None) -> list[Item]:
        """Unit ``number`` of the corpus (of a random kind unless ``kind`` is given).

        Every unit draws from a random generator seeded by (seed, number), so
        units can be made in any order, in any process, with the same result.
        """
        self.rng = random.Random(f"{self.seed}/{number}/{kind or ''}")
        when = (
            START
            + number * self.step
            + timedelta(seconds=self.rng.randrange(int(self.step.total_seconds())))
        )
        if kind is None:
            kinds, weights = zip(*UNITS)
            kind = self.rng.choices(kinds, weights)[0]
        makers = {
            "dispatch": self._dispatch,
            "filler": self._filler,
            "template": self._templates,
            "same_event": self._same_event,
        }
        return makers[kind](f"c{number}", when)

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
        return (
            draft if doc.title and rng.random() < 0.5 else ed.new_headline(draft, rng)
        ), doc.topic

    def _outlet_item(
        self, draft: ed.Draft, outlet: Outlet, when: datetime, kind: str, cluster: str
    ) -> Item:
        edits = []
        if self.rng.random() < self.rates["boilerplate"]:
            draft = ed.apply_boilerplate(
                draft, outlet, self.rng, self.rng.choice(CITIES), f"{when:%b} {when.day}"
            )
            edits.append("boilerplate")
        return Item(draft, outlet.slug, when, kind, cluster, edits=edits)

    def _dispatch(self, cluster: str, when: datetime) -> list[Item]:
        draft, topic = self._compose()
        wire = self.rng.choice(self.wires)
        draft = ed.Draft(
            draft.title,
            draft.paragraphs,
            dateline=wire.render_dateline(self.rng.choice(CITIES), f"{when:%b} {when.day}"),
        )
        items = [Item(draft, wire.slug, when, "original", cluster, original=True)]
        counts, weights = zip(*COPIES)
        for outlet in self.rng.sample(self.outlets, self.rng.choices(counts, weights)[0]):
            later = when + timedelta(minutes=self.rng.randint(10, 72 * 60))
            items.append(self._copy(draft, topic, wire.name, outlet, later, cluster))
        return items

    def _copy(
        self, draft: ed.Draft, topic: str, wire: str, outlet: Outlet, when: datetime, cluster: str
    ) -> Item:
        rng = self.rng
        if rng.random() < self.rates["exact"]:
            return Item(draft, outlet.slug, when, "copy", cluster)

        def sample(words: int) -> list[str]:
            return self.bank.sample(rng, topic, words)

        def other_stories(words: int) -> list[str]:
            return self.bank.sample(rng, rng.choice(self.topics), words)

        done: list[str] = []
        if rng.random() < self.rates["quoted"]:
            draft = ed.quote_in_longer_text(draft, rng, sample, f"{wire} reported on {when:%A}:")
            draft, done = ed.new_headline(draft, rng), ["quoted", "headline"]
        elif self.rates["wrapped"] > 0 and rng.random() < self.rates["wrapped"]:
            draft = ed.wrap_in_long_article(draft, rng, other_stories, WRAPPED_SHARE)
            done = ["wrapped", "headline"]
        else:
            draft, done = self._structural_edits(draft, sample)
        words, touched = draft.body_words(), 0
        whole = "quoted" in done or "wrapped" in done
        scanned = not whole and self.rates["ocr"] > 0 and rng.random() < self.rates["ocr"]
        if not whole and not scanned and rng.random() < self.rates["rewrite"]:
            draft, count = ed.rewrite(draft, rng, rng.uniform(*REWRITE_SHARE))
            touched, done = touched + count, [*done, "rewrite"]
        if not whole and not scanned and rng.random() < self.rates["noise"]:
            draft, count = ed.ocr_noise(draft, rng, rng.uniform(*NOISE_RATE))
            touched, done = touched + count, [*done, "noise"]
        if not whole and rng.random() < self.rates["headline"]:
            draft, done = ed.new_headline(draft, rng), [*done, "headline"]
        if scanned:
            draft, count = ed.ocr_characters(draft, rng, rng.uniform(*OCR_RATE))
            touched, done = touched + count, [*done, "ocr"]
        item = self._outlet_item(draft, outlet, when, "copy", cluster)
        item.edits = [*done, *item.edits]
        item.touched = round(min(1.0, touched / max(1, words)), 4)
        return item

    def _structural_edits(self, draft: ed.Draft, sample: ed.Sampler) -> tuple[ed.Draft, list[str]]:
        rng, done = self.rng, []
        if rng.random() < self.rates["trim"]:
            draft, done = ed.trim_ending(draft, rng, rng.uniform(*TRIM_SHARE)), [*done, "trim"]
        if rng.random() < self.rates["reorder"]:
            shuffled = ed.reorder_paragraphs(draft, rng)
            if shuffled is not None:
                draft, done = shuffled, [*done, "reorder"]
        for where in ("intro", "closing"):
            if rng.random() < self.rates[where]:
                draft, done = ed.add_paragraph(draft, rng, sample, where), [*done, where]
        return draft, done

    def _filler(self, cluster: str, when: datetime) -> list[Item]:
        draft, _ = self._compose()
        if self.rng.random() < 0.5:
            wire = self.rng.choice(self.wires)
            dateline = wire.render_dateline(self.rng.choice(CITIES), f"{when:%b} {when.day}")
            return [
                Item(
                    ed.Draft(draft.title, draft.paragraphs, dateline=dateline),
                    wire.slug,
                    when,
                    "filler",
                    cluster,
                )
            ]
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
