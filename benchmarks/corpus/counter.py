"""Read COUNTER (COrpus of Urdu News TExt Reuse): labelled pairs of a dispatch and a story.

``NNNN.xml`` is a news-agency dispatch, ``NNNNp.xml`` the newspaper story
written from it; both carry the hand label (``WD`` wholly derived, ``PD``
partially derived, ``ND`` non derived) in the root's ``classification``
attribute. The corpus is research-licensed and never copied into the
project: it is read from ``../shared/data/counter-dev`` (the development
half), and callers skip with :data:`MISSING_REASON` when it is absent.

Why the ids are the file stems and nothing else leaks into features: the
pair number says which two files belong together, not how they relate, and
it is used only to group folds (both texts of a pair always fall in the same
fold).

Example:
    >>> pairs = load_counter("/work/shared/data/counter-dev")  # doctest: +SKIP
    >>> pairs[0].label, pairs[0].source.id, pairs[0].story.id  # doctest: +SKIP
    ('PD', '0001', '0001p')
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from newsdedup.errors import InputError
from newsdedup.models import Article

__all__ = ["DEFAULT_COUNTER", "LABELS", "MISSING_REASON", "CounterPair", "load_counter"]

#: ``../shared/data/counter-dev`` next to the repository.
DEFAULT_COUNTER = Path(__file__).resolve().parents[3] / "shared" / "data" / "counter-dev"
LABELS = ("WD", "PD", "ND")
MISSING_REASON = "COUNTER development data not found at {path} (research licence: not shipped)"


@dataclass(frozen=True)
class CounterPair:
    """A dispatch, the story written from it (or not), and the hand label."""

    number: int
    label: str
    source: Article
    story: Article
    domain: str


def _date(raw: str | None) -> datetime | None:
    """``01.12.14`` (day.month.two-digit year) → aware UTC midnight; None when malformed."""
    try:
        return datetime.strptime(raw or "", "%d.%m.%y").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def read_document(file: Path) -> tuple[Article, str, str]:
    """One COUNTER file → (article, label, domain).

    Raises:
        InputError: Unreadable or not a COUNTER document.
    """
    try:
        root = ET.parse(file).getroot()
    except (OSError, ET.ParseError) as err:
        raise InputError(f"not a readable COUNTER document: {err}", path=str(file)) from None
    label = root.get("classification", "")
    if label not in LABELS:
        raise InputError(f"classification {label!r} is none of {', '.join(LABELS)}", path=str(file))
    article = Article(
        id=file.stem,
        text=(root.findtext("body") or "").strip(),
        title=(root.findtext("headline") or "").strip() or None,
        source=root.get("newspaper") or None,
        published=_date(root.get("newsdate")),
        origin=str(file),
    )
    return article, label, root.get("domain", "")


def load_counter(path: str | Path = DEFAULT_COUNTER) -> list[CounterPair]:
    """Every pair of a COUNTER folder, in pair-number order.

    Raises:
        InputError: The folder is missing or holds no pair; a story without
            its dispatch; the two files of a pair disagree on the label.
    """
    root = Path(path)
    if not root.is_dir():
        raise InputError(MISSING_REASON.format(path=root), path=str(root))
    pairs = []
    for story_file in sorted(root.glob("[0-9]*p.xml")):
        source_file = story_file.with_name(story_file.name[:-5] + ".xml")
        if not source_file.exists():
            raise InputError("story without its dispatch", path=str(story_file))
        story, label, domain = read_document(story_file)
        source, source_label, _ = read_document(source_file)
        if label != source_label:
            raise InputError(
                f"labelled {label} but its dispatch {source_label}", path=str(story_file)
            )
        pairs.append(CounterPair(int(source.id), label, source, story, domain))
    if not pairs:
        raise InputError("no NNNN.xml / NNNNp.xml pairs in this folder", path=str(root))
    return pairs
