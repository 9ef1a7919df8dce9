"""Shared fixtures: the seed articles, real corpora (when present), republished copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.corpus.loaders import data_root
from newsdedup.models import Article

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
#: The real corpora (bbc/, reuters21578/, counter-dev/): $NEWSDEDUP_DATA, else ../shared/data.
SHARED_DATA = data_root()
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Files type-checked by mypy (tests/test_api.py), not tests: importing them would run them.
collect_ignore = ["typing"]


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    paths = sorted(SEEDS.glob("*.txt"))
    assert len(paths) == 5, "the five seed articles must be in seeds/"
    return paths


@pytest.fixture(scope="session")
def seed_articles(seed_paths) -> list[Article]:
    return [Article(p.name, p.read_text(encoding="utf-8")) for p in seed_paths]


def republish(
    text: str,
    *,
    headline: str,
    byline: str,
    keep_paragraphs: int | None = None,
    footer: str = "Source link",
) -> str:
    """What an outlet does to a dispatch: new headline, byline, trimmed end, footer.

    The original's first line (its headline) is replaced; ``keep_paragraphs``
    body paragraphs are kept (all when None).
    """
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = paragraphs[1:]
    if keep_paragraphs is not None:
        body = body[:keep_paragraphs]
    return "\n\n".join([headline, byline, *body, footer])


@pytest.fixture(scope="session")
def reuters_dir() -> Path:
    path = SHARED_DATA / "reuters21578"
    if not (path / "reut2-000.sgm").exists():
        pytest.skip(f"Reuters-21578 corpus not found at {path} (set NEWSDEDUP_DATA)")
    return path


@pytest.fixture(scope="session")
def bbc_dir() -> Path:
    path = SHARED_DATA / "bbc"
    if not (path / "business").is_dir():
        pytest.skip(f"BBC News corpus not found at {path} (set NEWSDEDUP_DATA)")
    return path


@pytest.fixture(scope="session")
def republished(seed_articles) -> Article:
    """Seed 001 as an outlet republishes it: new headline, byline, last paragraphs cut, footer."""
    text = republish(
        seed_articles[1].text,
        headline="OTAN : Bruxelles promet plus d’aide à Kiev",
        byline="Par la rédaction, avec agences",
        keep_paragraphs=14,
    )
    return Article("outlet/otan-aide-kiev", text)


@pytest.fixture(scope="session")
def sentence_bank():
    """The benchmark corpus's sentence bank, built once (about 5 s) for every benchmark test."""
    from benchmarks.corpus.sentences import SentenceBank

    if not (SHARED_DATA / "bbc").is_dir() or not (SHARED_DATA / "reuters21578").is_dir():
        pytest.skip(f"BBC and Reuters corpora not present under {SHARED_DATA}")
    return SentenceBank.from_data(SHARED_DATA)


# Live-index fixtures (a real redis-server, stores of both backends): see index_fixtures.py.
from index_fixtures import (  # noqa: E402,F401
    make_store,
    own_redis_cluster,
    own_redis_server,
    redis_cluster,
    redis_server,
)
