"""The wire agencies and outlets of the synthetic corpus, each with its own boilerplate.

Why fixed boilerplate per outlet: on real sites the same header, share prompt
and copyright footer recur on every page of a source; a detector must neither
match unrelated articles of one outlet on them nor miss a copy because they
were added. Bylines and datelines vary within an outlet (several reporters,
many cities) but follow the outlet's fixed style.

Example:
    >>> import random
    >>> outlet = make_outlets(random.Random(1), 3)[0]
    >>> outlet.render_dateline("PARIS", "Mar 4") .startswith("PARIS")
    True
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["CITIES", "Outlet", "Wire", "make_outlets", "make_wires"]

CITIES = (
    "LONDON",
    "NEW YORK",
    "PARIS",
    "TOKYO",
    "BRUSSELS",
    "WASHINGTON",
    "FRANKFURT",
    "SYDNEY",
    "TORONTO",
    "SINGAPORE",
    "HONG KONG",
    "MADRID",
    "ROME",
    "BERLIN",
    "CHICAGO",
    "MOSCOW",
    "NAIROBI",
    "MUMBAI",
    "SAO PAULO",
    "MEXICO CITY",
    "JOHANNESBURG",
    "SEOUL",
    "DUBLIN",
    "GENEVA",
    "ZURICH",
    "STOCKHOLM",
)
_ADJECTIVES = (
    "Daily",
    "Evening",
    "Morning",
    "Northern",
    "Coastal",
    "Metro",
    "Valley",
    "Capital",
    "Harbour",
    "Western",
    "Eastern",
    "Midland",
    "County",
    "National",
    "City",
    "Lakeside",
    "Highland",
    "Union",
)
_NOUNS = (
    "Tribune",
    "Herald",
    "Courier",
    "Gazette",
    "Post",
    "Chronicle",
    "Times",
    "Observer",
    "Ledger",
    "Sentinel",
    "Express",
    "Record",
    "Journal",
    "Bulletin",
    "Dispatch",
    "Mirror",
    "Standard",
    "Review",
)
_FIRST = (
    "Anna",
    "James",
    "Maria",
    "David",
    "Sophie",
    "Daniel",
    "Laura",
    "Peter",
    "Emma",
    "Michael",
    "Sara",
    "Thomas",
    "Julia",
    "Robert",
    "Nina",
    "Paul",
    "Claire",
    "Mark",
    "Helen",
    "Simon",
    "Rachel",
    "Omar",
)
_LAST = (
    "Smith",
    "Keller",
    "Novak",
    "Garcia",
    "Brennan",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Rossi",
    "Fischer",
    "Walsh",
    "Haddad",
    "Kowalski",
    "Andersen",
    "Duarte",
    "Murray",
    "Petrov",
    "Costa",
    "Byrne",
)
_SECTIONS = ("News", "Business", "World", "Markets", "Politics", "Sport", "Technology", "Culture")
_HEADERS = (
    "{name} | {section}",
    "Home > {section} > Article",
    "{name} - Independent news since {year}",
    "Menu Search Subscribe Sign in",
    "Breaking news from {name}",
)
_FOOTERS = (
    "Follow {name} on Twitter and Facebook for the latest updates.",
    "Copyright {year} {name}. All rights reserved.",
    "Sign up for the {short} newsletter to get the day's top stories in your inbox.",
    "Share this article: Facebook Twitter Email WhatsApp",
    "Have a news tip? Contact the {short} newsroom at news@{slug}.com.",
    "This material may not be published, broadcast, rewritten or redistributed.",
    "Read more {section} stories at {slug}.com",
    "Advertisement",
    "Comments are closed on this story.",
    "Related: more from {name} {section}",
)
_BYLINES = (
    "By {reporter}",
    "By {reporter}, {name} staff",
    "{reporter} | {name}",
    "Written by {reporter}",
    "By {reporter} ({short} correspondent)",
)
_DATELINES = ("{city} —", "{city} ({short}) -", "{city}, {day} —", "{city}:")


@dataclass(frozen=True)
class Outlet:
    """A publication that republishes wire copy with its own fixed page furniture.

    Attributes:
        name: Display name, e.g. ``The Daily Tribune``.
        slug: The ``source`` field of its articles.
        reporters: Names its bylines draw from.
        header, footer: Boilerplate lines printed above and below every
            article it publishes (fixed for the outlet).
        byline, dateline: Its formats for the byline line and the dateline.
    """

    name: str
    slug: str
    reporters: tuple[str, ...]
    header: tuple[str, ...]
    footer: tuple[str, ...]
    byline: str
    dateline: str

    def render_byline(self, reporter: str) -> str:
        return self.byline.format(reporter=reporter, name=self.name, short=self.short)

    def render_dateline(self, city: str, day: str) -> str:
        return self.dateline.format(city=city, short=self.short, day=day)

    @property
    def short(self) -> str:
        return self.name.removeprefix("The ")


@dataclass(frozen=True)
class Wire:
    """A news agency whose dispatches are the originals: ``CITY, Mon D (Agency) -``."""

    name: str
    slug: str

    def render_dateline(self, city: str, day: str) -> str:
        return f"{city}, {day} ({self.name}) -"


def make_wires() -> tuple[Wire, ...]:
    """The three agencies whose dispatches outlets republish."""
    return (
        Wire("Global Wire", "global-wire"),
        Wire("Continental Press", "continental-press"),
        Wire("Newsline Agency", "newsline"),
    )


def make_outlets(rng: random.Random, count: int) -> list[Outlet]:
    """``count`` outlets with distinct names and randomly drawn, then fixed, boilerplate.

    Example:
        >>> outlets = make_outlets(random.Random(3), 40)
        >>> len({o.slug for o in outlets})
        40
    """
    names = [f"The {a} {n}" for a in _ADJECTIVES for n in _NOUNS]
    rng.shuffle(names)
    outlets = []
    for name in names[:count]:
        slug = name.removeprefix("The ").lower().replace(" ", "")
        fields = {
            "name": name,
            "short": name.removeprefix("The "),
            "slug": slug,
            "section": rng.choice(_SECTIONS),
            "year": rng.randint(1890, 2010),
        }
        reporters = tuple(
            f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(rng.randint(3, 8))
        )
        header = tuple(h.format(**fields) for h in rng.sample(_HEADERS, rng.randint(1, 2)))
        footer = tuple(f.format(**fields) for f in rng.sample(_FOOTERS, rng.randint(2, 4)))
        outlets.append(
            Outlet(
                name, slug, reporters, header, footer, rng.choice(_BYLINES), rng.choice(_DATELINES)
            )
        )
    return outlets
