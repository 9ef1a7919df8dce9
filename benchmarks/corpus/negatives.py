"""Hard negatives: articles that look alike but are not copies of each other.

Two kinds, because they defeat detectors in different ways:

* **Templates**: a recurring report (market close, quarterly earnings,
  weather) published every day in the same wording with different figures
  and dates. Consecutive issues share 70–90% of their words, so shingle
  similarity alone would merge them.
* **Same event**: different outlets' own articles on one event. They share
  the named entities and topic words (and often the headline) but no
  sentence, so a detector keyed on rare words proposes them and must then
  reject them.

Example:
    >>> import random
    >>> text = fill("{index} {pick:rose|fell} {dec:1:9} points", random.Random(2), {"index": "The Dow"})
    >>> text.startswith(("The Dow rose ", "The Dow fell ")) and 1 <= float(text.split()[3]) <= 9
    True
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .edits import Draft, group_paragraphs, new_headline
from .sentences import SentenceBank

__all__ = ["fill", "same_event_group", "template_series", "word_difference"]

_STOCKS = (
    "{index} {pick:ends higher|closes lower|edges up|slips back} on {weekday}",
    "The {index} {pick:rose|fell|climbed|slipped} {dec:1:99} points, or {dec:0:3} percent, to {big:4000:9000} on {weekday}.",
    "Trading volume reached {dec:0:4} billion shares, compared with a {int:20:90}-day average of {dec:0:4} billion.",
    "Advancing issues outnumbered declining ones by {int:2:5} to {int:1:3}, with {int:100:900} stocks higher and {int:100:900} lower.",
    "The benchmark {int:2:30}-year bond yield stood at {dec:1:6} percent, against {dec:1:6} percent at the previous close.",
    "The dollar traded at {dec:100:160} yen and {dec:0:2} euros in late trading on {date}.",
    "Brent crude futures settled at {dec:40:120} dollars a barrel, {pick:up|down} {int:1:99} cents from the previous session.",
    "Gold was quoted at {big:1200:2400} dollars an ounce, {pick:up|down} {dec:0:3} percent on the day.",
    "Of the {int:20:50} sectors tracked, {int:2:20} ended the session higher, led by {sector} shares, which gained {dec:0:5} percent.",
    "{company} shares {pick:rose|fell} {dec:0:10} percent to {dec:5:300} after the group updated investors on {weekday}.",
    "Analysts at {bank} said they expected the index to trade between {big:4000:9000} and {big:4000:9000} points next week.",
)
_EARNINGS = (
    "{company} {pick:first|second|third|fourth}-quarter profit {pick:rises|falls} {int:2:60} percent",
    "{company} reported net profit of {dec:1:900} million dollars for the quarter to {date}, against {dec:1:900} million a year earlier.",
    "Revenue {pick:rose|fell} {dec:0:30} percent to {dec:1:90} billion dollars, {pick:above|below} analyst forecasts of {dec:1:90} billion.",
    "Earnings per share came in at {dec:0:10} dollars, compared with {dec:0:10} dollars in the same period last year.",
    "The company said it expected full-year sales of between {dec:1:90} and {dec:1:90} billion dollars.",
    "Operating margin stood at {dec:1:40} percent, {pick:up|down} from {dec:1:40} percent twelve months earlier.",
    "The board proposed a dividend of {int:1:99} cents a share, payable on {date}.",
    "Shares closed {pick:up|down} {dec:0:10} percent at {dec:5:300} dollars on {weekday}.",
    "Net debt was {dec:0:20} billion dollars at the end of the period, {pick:up|down} from {dec:0:20} billion.",
    "The group employed {big:1000:90000} people at the end of the quarter, {int:10:900} more than a year before.",
)
_WEATHER = (
    "{city} weather for {weekday}, {date}: {pick:showers|sunshine|cloud|wind} and highs of {int:5:35} degrees",
    "Temperatures in {city} will reach a high of {int:5:35} degrees on {weekday}, with overnight lows of {int:0:20} degrees.",
    "Forecasters expect {int:0:40} millimetres of rain across the region, with gusts of up to {int:10:90} kilometres an hour.",
    "The chance of showers stands at {int:0:100} percent for the morning and {int:0:100} percent for the afternoon.",
    "Sunrise is at {int:5:7}:{int:10:59} and sunset at {int:17:21}:{int:10:59}, giving {int:8:16} hours of daylight.",
    "Air quality is rated {pick:good|moderate|poor} with a pollen count of {int:5:150} grains per cubic metre.",
    "The outlook for the weekend is {pick:cloudy|sunny|unsettled|dry} with highs of {int:5:35} degrees and lows of {int:0:20}.",
    "River levels at the {int:2:9} monitoring stations were {pick:rising|falling|steady}, at {dec:0:5} metres on average.",
    "Water reservoirs stood at {int:40:99} percent of capacity, against {int:40:99} percent a week ago.",
)
FAMILIES = {"stocks": _STOCKS, "earnings": _EARNINGS, "weather": _WEATHER}
_TOPICS = {"stocks": "reuters-money-fx", "earnings": "reuters-earn", "weather": "reuters-grain"}
BINDINGS = {
    "index": (
        "FTSE 100",
        "Dow Jones industrial average",
        "Nikkei 225",
        "DAX",
        "CAC 40",
        "S&P/ASX 200",
        "Hang Seng",
    ),
    "company": (
        "Northwind Holdings",
        "Acme Industries",
        "Globex",
        "Initech",
        "Vandelay Imports",
        "Stark Metals",
        "Oceanic Freight",
        "Blue Harbor Bank",
        "Helix Pharma",
        "Tyrell Systems",
    ),
    "bank": ("Barclays", "Nomura", "Deutsche Bank", "Citigroup", "BNP Paribas", "UBS"),
    "sector": ("banking", "mining", "energy", "technology", "retail", "utilities", "telecoms"),
    "city": (
        "Leeds",
        "Bristol",
        "Glasgow",
        "Cardiff",
        "Belfast",
        "Norwich",
        "Aberdeen",
        "Plymouth",
    ),
}
_SLOT = re.compile(r"\{(\w+)(?::([^}]*))?\}")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def fill(pattern: str, rng: random.Random, bound: dict[str, str]) -> str:
    """Fill ``{int:a:b}``, ``{dec:a:b}``, ``{big:a:b}``, ``{pick:x|y}`` and named slots.

    Example:
        >>> fill("{big:1000:1001} and {int:7:7}", random.Random(1), {})
        '1,000 and 7'
    """

    def one(match: re.Match[str]) -> str:
        kind, arg = match.group(1), match.group(2)
        if kind == "pick":
            return rng.choice(arg.split("|"))
        if kind in ("int", "dec", "big"):
            low, high = (int(x) for x in arg.split(":"))
            if kind == "dec":
                return f"{rng.uniform(low, high):.2f}"
            value = rng.randint(low, high)
            return f"{value:,}" if kind == "big" else str(value)
        return bound[kind]

    return _SLOT.sub(one, pattern)


def _bag(text: str) -> Counter[str]:
    return Counter(text.lower().split())


def _difference(wa: Counter[str], wb: Counter[str]) -> float:
    longer = max(wa.total(), wb.total())
    return 1.0 - (wa & wb).total() / longer if longer else 0.0


def word_difference(a: str, b: str) -> float:
    """Share of words not in common (as multisets, case-folded) over the longer text.

    Example:
        >>> word_difference("a b c d", "a b c e")
        0.25
    """
    return _difference(_bag(a), _bag(b))


@dataclass
class _Report:
    """The fixed part of a recurring report: patterns, background sentences, layout."""

    family: str
    title: str
    bound: dict[str, str]
    layout: list[tuple[str, Any]]
    background: list[str]
    sizes: list[int]

    def sentences(
        self, rng: random.Random, slots: dict[str, str], background: list[str]
    ) -> list[str]:
        return [fill(x, rng, slots) if kind == "p" else background[x] for kind, x in self.layout]


def _report(rng: random.Random, bank: SentenceBank) -> _Report:
    family = rng.choice(sorted(FAMILIES))
    title, *patterns = FAMILIES[family]
    chosen = sorted(rng.sample(range(len(patterns)), rng.randint(6, min(9, len(patterns)))))
    background = bank.sample(rng, _TOPICS[family], rng.randint(200, 420))
    layout: list[tuple[str, Any]] = [("p", patterns[i]) for i in chosen] + [
        ("b", i) for i in range(len(background))
    ]
    rng.shuffle(layout)
    sizes = [len(p) for p in group_paragraphs([""] * len(layout), rng)]
    bound = {name: rng.choice(values) for name, values in BINDINGS.items()}
    return _Report(family, title, bound, layout, background, sizes)


def template_series(
    rng: random.Random, bank: SentenceBank, dates: list[datetime]
) -> list[tuple[Draft, float]]:
    """One recurring report issued on each of ``dates``, with its word difference to the previous issue.

    The report is a fixed layout of number-laden pattern sentences and fixed
    background sentences. Every issue fills the numbers and dates afresh and
    replaces background sentences until it differs from the previous issue by
    a share drawn in 10–30% (more when the figures alone already differ
    more). The first issue's difference is measured against the second.
    """
    report = _report(rng, bank)
    issues: list[tuple[Draft, float]] = []
    previous: Counter[str] | None = None
    bags = []
    for date in dates:
        slots = {**report.bound, "weekday": _DAYS[date.weekday()], "date": f"{date:%B} {date.day}"}
        own = list(report.background)
        sentences = report.sentences(rng, slots, own)
        bag = _bag(" ".join(sentences))
        if previous is not None:
            missing = (rng.uniform(0.10, 0.30) - _difference(bag, previous)) * bag.total()
            for index in rng.sample(range(len(own)), len(own)):
                if missing <= 0:
                    break
                missing -= own[index].count(" ") + 1
                own[index] = bank.sample(rng, _TOPICS[report.family], 1)[0]
            sentences = [
                own[x] if kind == "b" else sentences[i] for i, (kind, x) in enumerate(report.layout)
            ]
            bag = _bag(" ".join(sentences))
        paragraphs, start = [], 0
        for size in report.sizes:
            paragraphs.append(sentences[start : start + size])
            start += size
        difference = _difference(bag, previous) if previous is not None else 0.0
        issues.append((Draft(fill(report.title, rng, slots), paragraphs), round(difference, 4)))
        previous = bag
        bags.append(bag)
    if len(issues) > 1:
        issues[0] = (issues[0][0], round(_difference(bags[0], bags[1]), 4))
    return issues


_NAME_RUN = re.compile(r"(?<=\s)[A-Z][a-z]+(?:\s[A-Z][a-z]+)*")
_NOT_NAMES = frozenset(
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "The",
        "This",
        "That",
        "These",
        "It",
        "He",
        "She",
        "They",
        "We",
        "But",
        "And",
        "In",
        "On",
        "At",
        "For",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Reuter",
        "Reuters",
        "Inc",
        "Corp",
        "Co",
        "Ltd",
        "Group",
        "Company",
        "Bank",
        "Government",
        "Minister",
        "President",
    ]
)


def _entities(sentences: list[str]) -> list[str]:
    """Capitalised word runs that do not start a sentence (people, places, organisations)."""
    found = Counter(
        m.group(0)
        for s in sentences
        for m in _NAME_RUN.finditer(s)
        if m.group(0).split()[0] not in _NOT_NAMES
    )
    return [name for name, _ in found.most_common(6)]


def _with_names(sentence: str, names: list[str], rng: random.Random) -> str:
    """Replace about a third of the names in ``sentence`` by the event's names."""

    def swap(match: re.Match[str]) -> str:
        if match.group(0).split()[0] in _NOT_NAMES or rng.random() >= 0.35:
            return match.group(0)
        return rng.choice(names)

    return _NAME_RUN.sub(swap, sentence)


def same_event_group(rng: random.Random, bank: SentenceBank, count: int) -> list[Draft]:
    """``count`` distinct articles on one event: shared names, shared topic, no shared sentence.

    The event is a real document's topic and its most frequent names; each
    article draws its own sentences from the topic (never one another's) and
    has about a third of the names in them replaced by the event's names. Half of the
    articles keep the event's headline.
    """
    for _ in range(100):
        doc = rng.choice(bank.docs)
        names = _entities([bank.sentences[i] for i in doc.sentences])
        if len(names) >= 2:
            break
    used: set[int] = set(doc.sentences)
    drafts = []
    for _ in range(count):
        sentences = bank.sample(rng, doc.topic, rng.randint(300, 840), avoid=used)
        sentences = [_with_names(s, names, rng) for s in sentences]
        draft = Draft(doc.title, group_paragraphs(sentences, rng))
        drafts.append(draft if rng.random() < 0.5 and doc.title else new_headline(draft, rng))
    return drafts
