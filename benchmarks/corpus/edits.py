"""The edits outlets make when they republish a wire dispatch.

Each edit takes a :class:`Draft` and returns a new one (drafts are never
changed in place, so an original and its copies can share sentences). The
word-level edits (rewriting, OCR noise) also return how many words they
touched, which the gold file records: a word is touched when it is replaced,
deleted or moved, and every inserted word counts too. Words are the
whitespace-separated tokens of the body.

Example:
    >>> import random
    >>> d = Draft("Title", [["Shares rose sharply on Monday.", "The company said so."]])
    >>> trimmed = trim_ending(d, random.Random(1), 0.5)
    >>> trimmed.paragraphs
    [['Shares rose sharply on Monday.']]
"""

from __future__ import annotations

import bisect
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from .outlets import Outlet
from .synonyms import DROPPABLE, SYNONYMS

__all__ = [
    "Draft",
    "add_paragraph",
    "apply_boilerplate",
    "group_paragraphs",
    "new_headline",
    "ocr_characters",
    "ocr_noise",
    "quote_in_longer_text",
    "reorder_paragraphs",
    "rewrite",
    "trim_ending",
    "wrap_in_long_article",
]

Sampler = Callable[[int], list[str]]
"""Returns fresh topic sentences totalling at least the given number of words."""


@dataclass(frozen=True)
class Draft:
    """An article being built: title, body sentences grouped in paragraphs, page furniture."""

    title: str
    paragraphs: list[list[str]]
    dateline: str = ""
    header: tuple[str, ...] = ()
    byline: str = ""
    footer: tuple[str, ...] = ()

    def body_words(self) -> int:
        return sum(s.count(" ") + 1 for p in self.paragraphs for s in p)

    def render(self) -> str:
        """The article text: header lines, byline, dateline + body paragraphs, footer lines."""
        paragraphs = [" ".join(p) for p in self.paragraphs]
        if self.dateline and paragraphs:
            paragraphs[0] = f"{self.dateline} {paragraphs[0]}"
        lead = [*self.header, self.byline] if self.byline else list(self.header)
        return "\n\n".join([*lead, *paragraphs, *self.footer])


def group_paragraphs(sentences: list[str], rng: random.Random) -> list[list[str]]:
    """Cut a run of sentences into news-style paragraphs of one to four sentences."""
    paragraphs, i = [], 0
    while i < len(sentences):
        size = rng.choice((1, 2, 2, 3, 3, 4))
        paragraphs.append(sentences[i : i + size])
        i += size
    return paragraphs


def new_headline(draft: Draft, rng: random.Random) -> Draft:
    """A headline cut from one of the first sentences (5–11 words), as subeditors do."""
    lead = [s for p in draft.paragraphs[:2] for s in p] or [draft.title]
    words = rng.choice(lead).split()[: rng.randint(5, 11)]
    title = re.sub(r"[,;:.]+$", "", " ".join(words))
    if title == draft.title:
        title = f"{title}: what we know"
    return replace(draft, title=title[:1].upper() + title[1:])


def trim_ending(draft: Draft, rng: random.Random, share: float) -> Draft:
    """Drop the last ``share`` of the body words, at a sentence boundary (one sentence at least)."""
    keep = (1.0 - share) * draft.body_words()
    out: list[list[str]] = []
    kept = 0
    for paragraph in draft.paragraphs:
        part = []
        for sentence in paragraph:
            if kept >= keep and (out or part):
                break
            part.append(sentence)
            kept += sentence.count(" ") + 1
        if part:
            out.append(part)
        if kept >= keep:
            break
    return replace(draft, paragraphs=out)


def add_paragraph(draft: Draft, rng: random.Random, sample: Sampler, where: str) -> Draft:
    """Add an outlet's own intro (``where="intro"``) or closing paragraph of 25–70 words."""
    paragraph = sample(rng.randint(25, 70))
    if where == "intro":
        return replace(draft, paragraphs=[paragraph, *draft.paragraphs])
    return replace(draft, paragraphs=[*draft.paragraphs, paragraph])


def reorder_paragraphs(draft: Draft, rng: random.Random) -> Draft | None:
    """Shuffle the paragraphs (the order must change); None when there are fewer than three."""
    if len(draft.paragraphs) < 3:
        return None
    order = list(range(len(draft.paragraphs)))
    while order == sorted(order):
        rng.shuffle(order)
    return replace(draft, paragraphs=[draft.paragraphs[i] for i in order])


def apply_boilerplate(
    draft: Draft, outlet: Outlet, rng: random.Random, city: str, day: str
) -> Draft:
    """The outlet's fixed header and footer, a byline of one of its reporters, its dateline style."""
    return replace(
        draft,
        header=outlet.header,
        footer=outlet.footer,
        byline=outlet.render_byline(rng.choice(outlet.reporters)),
        dateline=outlet.render_dateline(city, day),
    )


def quote_in_longer_text(draft: Draft, rng: random.Random, sample: Sampler, framing: str) -> Draft:
    """Embed the whole dispatch (dateline included) in a text 1.5–2.5 times as long."""
    outside = int(draft.body_words() * rng.uniform(0.5, 1.5))
    before = sample(max(30, int(outside * 0.6)))
    after = sample(max(20, outside - int(outside * 0.6)))
    quoted = [list(p) for p in draft.paragraphs]
    if draft.dateline and quoted:
        quoted[0][0] = f"{draft.dateline} {quoted[0][0]}"
    paragraphs = [*group_paragraphs(before, rng), [framing], *quoted, *group_paragraphs(after, rng)]
    return Draft(draft.title, paragraphs)


def wrap_in_long_article(
    draft: Draft, rng: random.Random, other: Sampler, share: tuple[float, float]
) -> Draft:
    """The whole dispatch (dateline included) as ``share`` of a longer article on other stories.

    An outlet's round-up or long read quotes the dispatch whole between its
    own paragraphs, taken here from other stories (``other``); the dispatch
    makes up a share drawn from ``share`` (the issue asks for 25–40%) of the
    final body's words. The headline is cut from the wrapper's lead.
    """
    fraction = rng.uniform(*share)
    quoted = [list(p) for p in draft.paragraphs]
    if draft.dateline and quoted:
        quoted[0][0] = f"{draft.dateline} {quoted[0][0]}"
    inside = sum(s.count(" ") + 1 for p in quoted for s in p)
    outside = round(inside * (1.0 - fraction) / fraction)
    first = round(outside * rng.uniform(0.3, 0.7))
    before, after = other(max(20, first)), other(max(20, outside - first))
    wrapped = Draft(draft.title, [*group_paragraphs(before, rng), *quoted])
    wrapped = Draft(draft.title, [*wrapped.paragraphs, *group_paragraphs(after, rng)])
    return new_headline(wrapped, rng)


# ---------------------------------------------------------------- word-level edits

_WORD_CORE = re.compile(r"^(\W*)(.*?)(\W*)$")


def _swap_core(word: str, new: str) -> str:
    """Replace the letters of ``word`` by ``new``, keeping punctuation and a leading capital."""
    lead, core, trail = _WORD_CORE.match(word).groups()  # type: ignore[union-attr]
    if core[:1].isupper():
        new = new[:1].upper() + new[1:]
    return f"{lead}{new}{trail}"


_PUNCT = (
    "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum()) + "\u2018\u2019\u201c\u201d"
)
#: Droppable words that are no synonym key or replacement (a word is touched once at most).
_DROP = DROPPABLE - set(SYNONYMS) - {w for group in SYNONYMS.values() for w in group}


#: Words that may be substituted or dropped, bare or followed by one
#: punctuation mark; capitalised words (names, sentence starts) never are.
_CANDIDATES = frozenset(SYNONYMS) | _DROP


class _Positions:
    """Uniform random word positions over paragraphs given as token lists."""

    def __init__(self, tokens: list[list[str]]) -> None:
        self.tokens, self.ends, total = tokens, [], 0
        for t in tokens:
            total += len(t)
            self.ends.append(total)

    def draw(self, rng: random.Random) -> tuple[int, int]:
        at = int(rng.random() * self.ends[-1])
        pi = bisect.bisect_right(self.ends, at)
        return pi, at - (self.ends[pi - 1] if pi else 0)


def _word_edits(tokens: list[list[str]], rng: random.Random, budget: int) -> int:
    """Synonyms first, then dropped filler words, then swapped neighbours, until ``budget``.

    ``tokens`` holds each paragraph's words and is edited in place (a dropped
    word becomes ``""``); returns the number of words touched.
    """
    synonyms, drops = [], []
    for pi, words in enumerate(tokens):
        for wi in [i for i, w in enumerate(words) if w in _CANDIDATES or w[:-1] in _CANDIDATES]:
            word = words[wi]
            if word in SYNONYMS or word[:-1] in SYNONYMS:
                synonyms.append((pi, wi, word if word in SYNONYMS else word[:-1]))
            elif word in _DROP and 0 < wi < len(words) - 1:
                drops.append((pi, wi))
    rng.shuffle(synonyms)
    rng.shuffle(drops)
    touched, used = 0, set()
    for pi, wi, core in synonyms:
        if touched >= budget:
            return touched
        new = rng.choice(SYNONYMS[core])
        tokens[pi][wi] = _swap_core(tokens[pi][wi], new)
        used.add((pi, wi))
        touched += new.count(" ") + 1
    for pi, wi in drops:
        if touched >= budget:
            return touched
        tokens[pi][wi] = ""
        used.add((pi, wi))
        touched += 1
    positions = _Positions(tokens)
    for _ in range(4 * budget):
        if touched >= budget:
            break
        pi, wi = positions.draw(rng)
        words = tokens[pi]
        if (
            0 < wi < len(words) - 2
            and (pi, wi) not in used
            and (pi, wi + 1) not in used
            and words[wi].isalpha()
            and words[wi + 1].isalpha()
        ):
            words[wi], words[wi + 1] = words[wi + 1], words[wi]
            used.update(((pi, wi), (pi, wi + 1)))
            touched += 2
    return touched


def _paragraph_tokens(paragraphs: list[list[str]]) -> list[list[str]]:
    return [" ".join(p).split(" ") for p in paragraphs]


def _from_paragraph_tokens(tokens: list[list[str]], draft: Draft) -> Draft:
    """Paragraphs rebuilt from words (each paragraph becomes one string; dropped words vanish)."""
    paragraphs = [" ".join(filter(None, words)) for words in tokens]
    return replace(draft, paragraphs=[[p] for p in paragraphs if p])


def _split_or_merge(paragraph: list[str], rng: random.Random) -> tuple[list[str], int]:
    """Split one sentence at ``, and``/``, but`` or merge two neighbours with ``, and``."""
    for i in rng.sample(range(len(paragraph)), len(paragraph)):
        match = re.search(r", (and|but) ([a-z])", paragraph[i])
        if match and 5 < match.start() < len(paragraph[i]) - 30:
            head, tail = paragraph[i][: match.start()], paragraph[i][match.end(1) + 1 :]
            return [*paragraph[:i], head + ".", tail[:1].upper() + tail[1:], *paragraph[i + 1 :]], 1
    if len(paragraph) >= 2:
        i = rng.randrange(len(paragraph) - 1)
        first, second = paragraph[i], paragraph[i + 1]
        if first.endswith(".") and second[:1].isupper() and not second.split(" ", 1)[0].isupper():
            merged = f"{first[:-1]}, and {second[:1].lower()}{second[1:]}"
            return [*paragraph[:i], merged, *paragraph[i + 2 :]], 1
    return paragraph, 0


def rewrite(draft: Draft, rng: random.Random, share: float) -> tuple[Draft, int]:
    """Light rewriting: substitutions, dropped and swapped words, sentence splits and merges.

    Args:
        share: The share of body words to touch (the issue asks for 5–30%).

    Returns:
        The rewritten draft and the number of words touched (close to
        ``share`` × words; a little less when a short text runs out of places).
    """
    words = draft.body_words()
    budget = max(1, round(share * words))
    paragraphs, touched = [list(p) for p in draft.paragraphs], 0
    for _ in range(rng.randint(1, 1 + budget // 30)):
        pi = rng.randrange(len(paragraphs))
        paragraphs[pi], done = _split_or_merge(paragraphs[pi], rng)
        touched += done
    tokens = _paragraph_tokens(paragraphs)
    touched += _word_edits(tokens, rng, budget - touched)
    return _from_paragraph_tokens(tokens, draft), touched


_CONFUSIONS = (
    ("rn", "m"),
    ("m", "rn"),
    ("l", "1"),
    ("I", "l"),
    ("O", "0"),
    ("e", "c"),
    ("c", "e"),
    ("i", "l"),
    ("a", "o"),
    ("h", "b"),
    ("u", "v"),
    ("n", "u"),
    ("cl", "d"),
    ("d", "cl"),
    ("t", "f"),
    ("S", "5"),
)


def _garble(word: str, rng: random.Random) -> str:
    first = int(rng.random() * len(_CONFUSIONS))
    for old, new in _CONFUSIONS[first:] + _CONFUSIONS[:first]:
        if old in word:
            at = word.index(old)
            return word[:at] + new + word[at + len(old) :]
    if len(word) > 3:
        at = rng.randrange(1, len(word) - 1)
        return word[:at] + (" " if rng.random() < 0.5 else "") + word[at + 1 :]
    return word + word[-1]


def ocr_noise(draft: Draft, rng: random.Random, rate: float) -> tuple[Draft, int]:
    """Scanner-like character errors (rn→m, l→1, split and joined words) in ``rate`` of the words.

    Returns:
        The noisy draft and the number of words touched (a joined pair counts
        two, and so does a word split in two).
    """
    tokens = _paragraph_tokens(draft.paragraphs)
    positions = _Positions(tokens)
    touched, used = 0, set()
    for _ in range(max(1, round(rate * positions.ends[-1]))):
        pi, wi = positions.draw(rng)
        words = tokens[pi]
        if (pi, wi) in used:
            continue
        if wi < len(words) - 1 and rng.random() < 0.15 and (pi, wi + 1) not in used:
            words[wi], words[wi + 1] = words[wi] + words[wi + 1], ""
            used.update(((pi, wi), (pi, wi + 1)))
            touched += 2
        else:
            words[wi] = _garble(words[wi], rng)
            used.add((pi, wi))
            touched += 1 + words[wi].count(" ")  # a split word is one changed and one inserted
    return _from_paragraph_tokens(tokens, draft), touched


#: Look-alike substitutions of OCR engines (the issue's list): l/1/i, o/0/e, rn/m.
OCR_LOOKALIKES = {
    "l": ("1", "i"),
    "1": ("l", "i"),
    "i": ("l", "1"),
    "I": ("l", "1"),
    "o": ("0", "e"),
    "0": ("o", "O"),
    "O": ("0",),
    "e": ("o",),
    "m": ("rn",),
}
#: Kinds of character error and their weights: look-alike, dropped space, dropped comma.
OCR_ERRORS = (("lookalike", 0.7), ("space", 0.2), ("comma", 0.1))


def _ocr_sites(text: str) -> dict[str, list[int]]:
    sites: dict[str, list[int]] = {"lookalike": [], "space": [], "comma": [], "rn": []}
    for at, ch in enumerate(text):
        if ch in OCR_LOOKALIKES:
            sites["lookalike"].append(at)
        elif ch == " " and 0 < at < len(text) - 1:
            sites["space"].append(at)
        elif ch == ",":
            sites["comma"].append(at)
        if text.startswith("rn", at):
            sites["rn"].append(at)
    sites["lookalike"] += sites.pop("rn")
    return sites


def _ocr_paragraph(text: str, rng: random.Random, errors: int) -> tuple[str, set[int]]:
    """``errors`` character errors in one paragraph; returns it and the word numbers hit."""
    sites = _ocr_sites(text)
    kinds, weights = zip(*OCR_ERRORS)
    edits: dict[int, tuple[int, str]] = {}  # position → (characters replaced, replacement)
    for _ in range(4 * errors):
        if len(edits) >= errors:
            break
        kind = rng.choices(kinds, weights)[0]
        if not sites[kind]:
            continue
        at = rng.choice(sites[kind])
        if at in edits or at - 1 in edits or at + 1 in edits:
            continue
        if kind == "lookalike":
            if text.startswith("rn", at):
                edits[at] = (2, "m")
            else:
                edits[at] = (1, rng.choice(OCR_LOOKALIKES[text[at]]))
        else:
            edits[at] = (1, "")
    words = set()
    out, last = [], 0
    for at in sorted(edits):
        size, new = edits[at]
        out.append(text[last:at] + new)
        last = at + size
        hit = text.count(" ", 0, at)
        words.update((hit, hit + 1) if text[at] == " " else (hit,))
    out.append(text[last:])
    return "".join(out), words


def ocr_characters(draft: Draft, rng: random.Random, rate: float) -> tuple[Draft, int]:
    """A scanned copy: ``rate`` of the body's characters misread (look-alikes, lost spaces and commas).

    The errors are those of the issue: look-alike substitutions (``l``/``1``/``i``,
    ``o``/``0``/``e``, ``rn``/``m``, figures included), spaces dropped (two
    words run together) and commas dropped (``1,250`` → ``1250``).

    Returns:
        The scanned draft and the number of words touched (a dropped space
        touches the two words it joins).
    """
    paragraphs, touched = [], 0
    for paragraph in draft.paragraphs:
        text = " ".join(paragraph)
        errors = int(rate * len(text)) + (rng.random() < rate * len(text) % 1)
        noisy, words = _ocr_paragraph(text, rng, errors)
        paragraphs.append([noisy])
        touched += len(words)
    return replace(draft, paragraphs=paragraphs), touched
