"""Fuzzing every reader: random and mutated files give articles or one ``InputError``.

For each input format (txt, html, json, jsonl, csv, rss, atom) hypothesis
feeds the reader random bytes and valid samples mutated by flipping,
inserting and deleting bytes and by splicing in structural tokens (quotes,
brackets, tags, byte-order marks, NUL bytes). The only outcomes allowed are a
list of articles or an :class:`InputError` whose message is one line; any
other exception, a multi-line message or a warning with a line break fails.
Each example must finish within the deadline (parsing is bounded), and each
test runs a fixed number of examples so the whole module takes seconds.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdedup.errors import InputError
from newsdedup.io import ReadReport, parse_date, read_articles
from newsdedup.models import Article

SAMPLES: dict[str, bytes] = {
    ".txt": "Les ministres de la Défense se sont réunis à Bruxelles.\n\nDeuxième paragraphe.\n".encode(),
    ".html": (
        b"<html><head><title>T</title><meta property='article:published_time' "
        b"content='2023-02-14T09:00:00Z'></head><body><nav>Menu</nav><article><h1>Head</h1>"
        b"<p>First <b>para</b>.</p><p>Second &amp; last<br>line</p></article></body></html>"
    ),
    ".json": b'[{"id": "a", "text": "Body one", "published": "2023-02-14"}, {"text": "Two"}]',
    ".jsonl": b'{"id": "a", "text": "Body one", "title": "T"}\n\n{"id": "b", "text": "Two"}\n',
    ".csv": b'id,text,published\na,"Body, with ""quotes""\nand a newline",2023-02-14\nb,Two,\n',
    ".rss": (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        b"<item><guid>g1</guid><title>Hello</title><pubDate>Tue, 14 Feb 2023 09:00:00 GMT</pubDate>"
        b"<description>&lt;p&gt;Body&lt;/p&gt;</description></item>"
        b"<item><link>https://x.org/2</link><description><![CDATA[<div>Two</div>]]></description></item>"
        b"</channel></rss>"
    ),
    ".atom": (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        b"<title>Feed</title><entry><id>urn:x:1</id><title>E</title>"
        b"<updated>2023-02-14T09:00:00Z</updated><content type='html'>&lt;p&gt;Body&lt;/p&gt;"
        b"</content></entry></feed>"
    ),
}

#: Pieces that break structure in interesting ways, spliced in at random places.
TOKENS = [
    b'"',
    b"'",
    b",",
    b"\n",
    b"\r",
    b"\x00",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"<",
    b">",
    b"</",
    b"<div>",
    b"</p>",
    b"<item>",
    b"</item>",
    b"<entry>",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"&",
    b"&amp;",
    b"&#0;",
    b"&#x110000;",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xff",
    b"\xc3",
    b"\\",
    b"\\u0000",
    b'"text"',
    b'"id"',
    b"null",
    b"1e999",
    b"<!ENTITY x 'y'>",
    b"<!DOCTYPE x [",
    b"<" * 50,
    b"<div>" * 300,
    b"[" * 2000,
]


@st.composite
def mutated(draw, sample: bytes) -> bytes:
    data = bytearray(sample)
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "token", "truncate"]))
        at = draw(st.integers(0, len(data)))
        if kind == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        elif kind == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif kind == "truncate":
            del data[at:]
    return bytes(data)


def inputs_for(suffix: str):
    return st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")),
        mutated(SAMPLES[suffix]),
    )


_FOLDER = Path(tempfile.mkdtemp(prefix="newsdedup-fuzz-"))


@pytest.fixture(scope="module", autouse=True)
def _warm_up() -> None:
    """Import what readers load lazily (feedparser, dateparser) outside the timed examples."""
    import feedparser  # noqa: F401

    parse_date("2023-02-14T09:h#L00:00Z")
    parse_date("14 février 2023")


def check_reader(suffix: str, raw: bytes, skip_bad: bool) -> None:
    path = _FOLDER / f"input{suffix}"
    path.write_bytes(raw)
    report = ReadReport()
    try:
        articles = list(read_articles([path], skip_bad=skip_bad, report=report))
    except InputError as error:
        assert "\n" not in str(error), str(error)
        assert str(error).strip()
    else:
        assert articles and all(isinstance(a, Article) and a.text for a in articles)
        assert len({a.id for a in articles}) == len(articles)
    for warning in report.warnings:
        assert "\n" not in warning, warning


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:feedparser")

FUZZ = settings(
    max_examples=int(os.environ.get("NEWSDEDUP_FUZZ_EXAMPLES", "150")),
    deadline=5000,  # ms per example (inputs are a few kB): a slow example is a finding
    derandomize=not os.environ.get("NEWSDEDUP_FUZZ_EXAMPLES"),  # fixed examples in CI
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)


@pytest.mark.parametrize("suffix", sorted(SAMPLES))
def test_the_valid_samples_read(suffix):
    path = _FOLDER / f"sample{suffix}"
    path.write_bytes(SAMPLES[suffix])
    assert list(read_articles([path]))


def _fuzz_test(suffix: str):
    @FUZZ
    @given(raw=inputs_for(suffix), skip_bad=st.booleans())
    def test(raw: bytes, skip_bad: bool) -> None:
        check_reader(suffix, raw, skip_bad)

    return test


test_fuzz_txt = _fuzz_test(".txt")
test_fuzz_html = _fuzz_test(".html")
test_fuzz_json = _fuzz_test(".json")
test_fuzz_jsonl = _fuzz_test(".jsonl")
test_fuzz_csv = _fuzz_test(".csv")
test_fuzz_rss = _fuzz_test(".rss")
test_fuzz_atom = _fuzz_test(".atom")


@FUZZ
@given(raw=mutated(SAMPLES[".jsonl"]))
def test_fuzz_stdin(raw: bytes) -> None:
    import io

    report = ReadReport()
    stream = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
    try:
        list(read_articles(["-"], stdin=stream, report=report, skip_bad=True))
    except InputError as error:
        assert "\n" not in str(error)
