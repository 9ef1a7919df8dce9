"""Settings of a detector run, as nested dataclasses with a fingerprint.

Why a fingerprint: signatures and indexes are only comparable when they were
made with the same normaliser, shingles, permutations and seed. The
fingerprint is a short string of everything that changes a signature; it is
stored with every persisted signature and checked when an index is reopened.

Example:
    >>> cfg = DetectorConfig()
    >>> cfg.fingerprint()
    'n2_w5_p128_s1_affine32'
    >>> DetectorConfig(shingle=ShingleConfig(kind="char", size=7)).fingerprint()
    'n2_c7_p128_s1_affine32'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from .errors import ConfigError

__all__ = [
    "NORMALIZER_VERSION",
    "DetectorConfig",
    "LSHConfig",
    "NormalizeConfig",
    "ShingleConfig",
    "SignConfig",
    "VerifyConfig",
]

#: Bumped whenever normalisation changes the tokens it produces (2: every
#: script's digits folded to ASCII, number formats written one way).
NORMALIZER_VERSION = 2

ShingleKind = Literal["word", "char"]

#: Shingle size of each kind when none is given: 5 words, or 7 characters (a
#: 5-character shingle is shorter than many words and matches across
#: unrelated texts).
DEFAULT_SHINGLE_SIZE: dict[str, int] = {"word": 5, "char": 7}

#: Option names that are not the name of a settings field: the CLI's
#: (``--near``, ``--partial``, ``--shingle``) and ``shingle_kind``/``shingle_size``.
_OPTION_ALIASES: dict[str, tuple[str, str]] = {
    "shingle_kind": ("shingle", "kind"),
    "shingle": ("shingle", "kind"),
    "shingle_size": ("shingle", "size"),
    "near": ("verify", "near_jaccard"),
    "partial": ("verify", "partial_containment"),
}
#: The CLI's ``--no-...`` switches and the pass each one turns off.
_SWITCHES = {"no_rewrites": "rewrite_pass", "no_ocr": "ocr_pass", "no_windows": "window_pass"}


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ConfigError(message)


@dataclass(frozen=True)
class NormalizeConfig:
    """How raw text becomes comparable tokens.

    Attributes:
        strip_html: Drop tags, scripts and styles, decode entities.
        fold_accents: ``é`` → ``e`` (Latin, Greek, Cyrillic diacritics and
            Arabic short vowels); other scripts' marks are kept.
        elision: ``l’Otan`` → ``otan`` (French and Italian elided articles).
        boilerplate: Drop lines that match known boilerplate (share prompts,
            "Source link", comment forms, cookie notices).
        learn_boilerplate: Also drop short lines that recur in many articles
            of the same source (learned from the corpus).
        boilerplate_min_articles: A line must recur in at least this many
            articles of one source to be learned as boilerplate...
        boilerplate_min_share: ...and in at least this share of them.
        boilerplate_max_tokens: Longer lines are never learned as boilerplate
            (copied paragraphs are long; footers are short).
        boilerplate_sample: Boilerplate and common words are learned on the
            first this-many articles of a batch run, so memory stays bounded.
    """

    strip_html: bool = True
    fold_accents: bool = True
    elision: bool = True
    boilerplate: bool = True
    learn_boilerplate: bool = True
    boilerplate_min_articles: int = 5
    boilerplate_min_share: float = 0.02
    boilerplate_max_tokens: int = 30
    boilerplate_sample: int = 20_000

    def validate(self) -> None:
        _check(self.boilerplate_min_articles >= 2, "boilerplate_min_articles must be at least 2")
        _check(0.0 <= self.boilerplate_min_share <= 1.0, "boilerplate_min_share must be in [0, 1]")
        _check(self.boilerplate_max_tokens >= 1, "boilerplate_max_tokens must be positive")
        _check(self.boilerplate_sample >= 0, "boilerplate_sample must not be negative")


@dataclass(frozen=True)
class ShingleConfig:
    """What a shingle is.

    Attributes:
        kind: ``word``: k consecutive tokens (characters of scripts written
            without spaces, such as Chinese, Japanese or Thai, are tokens of
            their own). ``char``: k consecutive characters of the normalised
            text, spaces squeezed.
        size: k.
    """

    kind: ShingleKind = "word"
    size: int = DEFAULT_SHINGLE_SIZE["word"]

    def validate(self) -> None:
        _check(
            self.kind in ("word", "char"),
            f"shingle kind must be 'word' or 'char', not {self.kind!r}",
        )
        _check(1 <= self.size <= 32, "shingle size must be between 1 and 32")

    @property
    def tag(self) -> str:
        return f"{self.kind[0]}{self.size}"

    @property
    def char_mode(self) -> bool:
        """Shingles of characters (tokens are single characters; TF-IDF counts trigrams)."""
        return self.kind == "char"


@dataclass(frozen=True)
class SignConfig:
    """MinHash parameters, compatible with ``datasketch.MinHash``.

    Attributes:
        num_perm: Number of permutations (signature length).
        seed: Seed of datasketch's permutation generator.
        scheme: datasketch permutation scheme; only ``affine32`` (datasketch
            2.x's default) has the fast path.
        workers: Processes used to sign (1 = in this process).
        batch_size: Articles sent to a worker at a time.
    """

    num_perm: int = 128
    seed: int = 1
    scheme: str = "affine32"
    workers: int = 1
    batch_size: int = 512

    def validate(self) -> None:
        _check(2 <= self.num_perm <= 1024, "num_perm must be between 2 and 1024")
        _check(0 <= self.seed < 2**32, "seed must be between 0 and 2**32 - 1")
        _check(
            self.scheme == "affine32",
            f"only the 'affine32' MinHash scheme is supported, not {self.scheme!r}",
        )
        _check(self.workers >= 1, "workers must be at least 1")
        _check(self.batch_size >= 1, "batch_size must be at least 1")


@dataclass(frozen=True)
class LSHConfig:
    """How candidate pairs are proposed.

    Attributes:
        threshold: Jaccard similarity the banding is tuned for. It is low on
            purpose: a copy trimmed by 60% or quoted inside a text three times
            longer has a Jaccard near 0.3 while containing the whole dispatch.
        weights: (false positive, false negative) weights given to
            datasketch's optimal-parameter routine.
        bands, rows: Set both to bypass the optimisation.
        max_bucket: Buckets larger than this are linked as a chain plus a
            star to their first members instead of all pairs, so one giant
            bucket (a boilerplate-only page) cannot explode into n² pairs.
        rewrite_pass: Also look for rewritten copies: a second candidate
            pass over each article's set of words, which a reworded copy
            keeps far better than its phrases.
        rewrite_threshold: Word-set Jaccard that second pass is tuned for.
        common_words: Leave words that are common in the corpus (learned on
            the first articles of a run) out of those word sets.
        ocr_pass: Also look for scanned (OCR-damaged) copies: a candidate
            pass over OCR-folded character grams, which misread letters,
            lost spaces and lost commas leave intact, and the same grams and
            OCR-folded figures heard in verification.
        ocr_threshold: Folded-gram Jaccard that pass is tuned for.
        window_pass: Also sign long articles by windows (halves, quarters)
            and band them against every whole article, so a dispatch quoted
            inside a text up to eight times longer is proposed.
        window_min: Fewest shingles of a window: articles of fewer than
            twice as many get no windows.
    """

    threshold: float = 0.3
    weights: tuple[float, float] = (0.3, 0.7)
    bands: int | None = None
    rows: int | None = None
    max_bucket: int = 64
    rewrite_pass: bool = True
    rewrite_threshold: float = 0.4
    common_words: bool = True
    ocr_pass: bool = True
    ocr_threshold: float = 0.5
    window_pass: bool = True
    window_min: int = 200

    def validate(self, num_perm: int) -> None:
        _check(0.0 < self.threshold < 1.0, "LSH threshold must be strictly between 0 and 1")
        _check(abs(sum(self.weights) - 1.0) < 1e-9, "LSH weights must sum to 1")
        _check((self.bands is None) == (self.rows is None), "set both bands and rows, or neither")
        if self.bands is not None and self.rows is not None:
            _check(self.bands >= 1 and self.rows >= 1, "bands and rows must be positive")
            _check(self.bands * self.rows <= num_perm, "bands * rows must not exceed num_perm")
        _check(self.max_bucket >= 2, "max_bucket must be at least 2")
        _check(
            0.0 < self.rewrite_threshold < 1.0, "rewrite threshold must be strictly between 0 and 1"
        )
        _check(0.0 < self.ocr_threshold < 1.0, "OCR threshold must be strictly between 0 and 1")
        _check(self.window_min >= 8, "window_min must be at least 8 shingles")


@dataclass(frozen=True)
class VerifyConfig:
    """Thresholds that turn a candidate pair into a confirmed relation.

    Attributes:
        near_jaccard: Shingle Jaccard at or above which a pair is ``near``.
        partial_containment: Share of the smaller article's shingles found in
            the larger one at or above which a pair is ``partial``.
        rewrite_cosine: TF-IDF cosine below which a pair under the near and
            partial thresholds is never a copy: the relation model is asked
            only at or above it (a floor, so a scan does not weigh millions of
            unrelated pairs; raise it to make rewrites stricter)...
        rewrite_containment: ...and the share of the smaller article's
            3-word phrases that must also appear in the other.
        template_figures: A match where at least this share of the shorter
            text matches only when figures are ignored is a ``template``:
            the same report with new numbers (a daily market report, a
            weekly crop review), not a copy.
        template_figures_dated: The same, lower bar for two articles published
            at least ``resend_hours`` apart: a wire service re-sends or
            corrects a dispatch within hours, and repeats a template on
            another day.
        resend_hours: See ``template_figures_dated``; also the gap from which a
            match whose figures changed in place (a new value after the same
            words) is a template. Twelve hours: a daily report comes about a
            day later (sometimes minutes under 24 hours), corrections within
            hours.
        relation_model: Path of a relation model file (``newsdedup train``);
            None uses the model shipped with newsdedup.
        relation_threshold: Model probability at or above which a pair below
            the near and partial thresholds is a copy; None uses the
            threshold stored in the model.
    """

    near_jaccard: float = 0.8
    partial_containment: float = 0.7
    rewrite_cosine: float = 0.35
    rewrite_containment: float = 0.05
    template_figures: float = 0.1
    template_figures_dated: float = 0.05
    resend_hours: float = 12.0
    relation_model: str | None = None
    relation_threshold: float | None = None

    def validate(self) -> None:
        for name in (
            "near_jaccard",
            "partial_containment",
            "rewrite_cosine",
            "rewrite_containment",
            "template_figures",
            "template_figures_dated",
        ):
            value = getattr(self, name)
            _check(0.0 <= value <= 1.0, f"{name.replace('_', ' ')} must be in [0, 1], not {value}")
        _check(self.resend_hours >= 0, "resend_hours must not be negative")
        t = self.relation_threshold
        _check(t is None or 0.0 < t < 1.0, f"relation threshold must be in (0, 1), not {t}")


@dataclass(frozen=True)
class DetectorConfig:
    """Everything a :class:`~newsdedup.batch.pipeline.Detector` needs.

    Example:
        >>> DetectorConfig.from_options(num_perm=64, threshold=0.4).sign.num_perm
        64
    """

    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    shingle: ShingleConfig = field(default_factory=ShingleConfig)
    sign: SignConfig = field(default_factory=SignConfig)
    lsh: LSHConfig = field(default_factory=LSHConfig)
    verify: VerifyConfig = field(default_factory=VerifyConfig)

    def __post_init__(self) -> None:
        self.normalize.validate()
        self.shingle.validate()
        self.sign.validate()
        self.lsh.validate(self.sign.num_perm)
        self.verify.validate()

    def fingerprint(self) -> str:
        """Everything that changes a signature, as a short string."""
        s = self.sign
        return f"n{NORMALIZER_VERSION}_{self.shingle.tag}_p{s.num_perm}_s{s.seed}_{s.scheme}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["lsh"]["weights"] = list(self.lsh.weights)
        data["normalizer_version"] = NORMALIZER_VERSION
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DetectorConfig:
        """Rebuild a config saved with :meth:`to_dict` (unknown keys are errors)."""
        try:
            lsh = dict(data.get("lsh", {}))
            if "weights" in lsh:
                lsh["weights"] = tuple(lsh["weights"])
            return cls(
                normalize=NormalizeConfig(**data.get("normalize", {})),
                shingle=ShingleConfig(**data.get("shingle", {})),
                sign=SignConfig(**data.get("sign", {})),
                lsh=LSHConfig(**lsh),
                verify=VerifyConfig(**data.get("verify", {})),
            )
        except TypeError as err:
            raise ConfigError(f"unreadable configuration: {err}") from None

    @classmethod
    def from_options(cls, base: DetectorConfig | None = None, **options: Any) -> DetectorConfig:
        """Build a config from flat option names: the one mapping of options to settings.

        Names are settings fields (``near_jaccard``, ``num_perm``), or the
        CLI's option names (``near``, ``partial``, ``shingle``,
        ``no_rewrites``, ``no_ocr``, ``no_windows``); ``shingle_kind`` is ``shingle``. ``None`` means
        "keep the value of ``base``" (the defaults when no base is given).
        A shingle kind other than the base's, without a size, takes that
        kind's default size (:data:`DEFAULT_SHINGLE_SIZE`). Unknown names
        are a :class:`ConfigError`.

        Example:
            >>> small = DetectorConfig.from_options(num_perm=64)
            >>> DetectorConfig.from_options(base=small, seed=7).sign.num_perm
            64
            >>> DetectorConfig.from_options(shingle_kind="char").shingle
            ShingleConfig(kind='char', size=7)
            >>> DetectorConfig.from_options(no_rewrites=True, near=0.9).lsh.rewrite_pass
            False
        """
        base = base if base is not None else cls()
        groups: dict[str, dict[str, Any]] = {
            name: {} for name in ("normalize", "shingle", "sign", "lsh", "verify")
        }
        for key, value in options.items():
            if key in _SWITCHES:
                key, value = _SWITCHES[key], (False if value else None)
            if value is None:
                continue
            if key in _OPTION_ALIASES:
                group, attr = _OPTION_ALIASES[key]
                groups[group][attr] = value
                continue
            for group in groups:
                if key in getattr(base, group).__dataclass_fields__:
                    groups[group][key] = value
                    break
            else:
                raise ConfigError(f"unknown option {key!r}")
        shingle = groups["shingle"]
        if shingle.get("kind", base.shingle.kind) != base.shingle.kind and "size" not in shingle:
            shingle["size"] = DEFAULT_SHINGLE_SIZE.get(shingle["kind"], base.shingle.size)
        return cls(**{g: replace(getattr(base, g), **vals) for g, vals in groups.items()})
