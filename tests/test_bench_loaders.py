"""Loaders of the real corpora (Reuters-21578 SGML, BBC News folders)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import pytest

from benchmarks.corpus.loaders import data_root, iter_bbc, iter_reuters
from newsdedup.errors import InputError

DATA = data_root()
REUTERS = DATA / "reuters21578"
BBC = DATA / "bbc"

needs_reuters = pytest.mark.skipif(
    not REUTERS.is_dir(), reason=f"Reuters-21578 not present at {REUTERS}"
)
needs_bbc = pytest.mark.skipif(not BBC.is_dir(), reason=f"BBC News corpus not present at {BBC}")

SMALL_SGM = """<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="5544" NEWID="7">
<DATE>26-FEB-1987 15:01:01.79</DATE>
<TOPICS><D>cocoa</D></TOPICS>
<PLACES><D>usa</D></PLACES>
<TEXT>&#2;
<TITLE>CHEMLAWN &lt;CHEM> RISES ON HOPES</TITLE>
<DATELINE>    NEW YORK, Feb 26 - </DATELINE><BODY>Shares rose 1-1/4 to 33 &amp; more.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS NEWID="8">
<DATE>31-MAR-1987 605:12:19.12</DATE>
<TEXT TYPE="BRIEF">&#2;
******<TITLE>ASSETS ROSE 720.4 MLN DLRS</TITLE>Blah blah blah.
&#3;</TEXT>
</REUTERS>
<REUTERS NEWID="9">
<DATE> 2-MAR-1987 10:00:00.00</DATE>
<TEXT TYPE="UNPROC">&#2;
FEDERAL RESERVE WEEKLY REPORT
 Net free reserves....644 vs...1,337
&#3;</TEXT>
</REUTERS>
"""


def test_reuters_fields_from_a_small_file(tmp_path):
    path = tmp_path / "reut2-000.sgm"
    path.write_text(SMALL_SGM, encoding="latin-1")
    norm, unproc = list(iter_reuters(tmp_path))
    assert norm.id == "7" and norm.source == "reuters"
    assert norm.title == "CHEMLAWN <CHEM> RISES ON HOPES"
    assert norm.text == "NEW YORK, Feb 26 - Shares rose 1-1/4 to 33 & more.\n Reuter"
    assert norm.published == datetime(1987, 2, 26, 15, 1, 1, tzinfo=timezone.utc)
    assert norm.extra == {
        "type": "NORM",
        "dateline": "NEW YORK, Feb 26 -",
        "topics": ["cocoa"],
        "places": ["usa"],
    }
    assert norm.origin == f"{path}:2"
    assert unproc.id == "9" and unproc.title is None and unproc.origin == f"{path}:18"
    assert unproc.text.startswith("FEDERAL RESERVE WEEKLY REPORT\n Net free")
    brief = [a for a in iter_reuters(path, with_title_only=True) if a.id == "8"][0]
    assert brief.text == "" and brief.title == "ASSETS ROSE 720.4 MLN DLRS"
    assert brief.published is None  # hour 605 in the corpus


def test_missing_paths_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="Reuters-21578 not found"):
        list(iter_reuters(tmp_path / "nope"))
    with pytest.raises(InputError, match="no reut2-"):
        list(iter_reuters(tmp_path))
    with pytest.raises(InputError, match="BBC News corpus not found"):
        list(iter_bbc(tmp_path / "nope"))
    with pytest.raises(InputError, match="no topic/NNN.txt"):
        list(iter_bbc(tmp_path))


def test_bbc_layout_from_a_small_folder(tmp_path):
    (tmp_path / "tech").mkdir()
    (tmp_path / "tech" / "001.txt").write_bytes(b"Title here\n\nFirst para.\n\nSecond \xa3 para.\n")
    (article,) = iter_bbc(tmp_path)
    assert (article.id, article.title, article.source) == ("tech/001", "Title here", "bbc")
    assert article.text == "First para.\n\nSecond £ para."
    assert article.extra == {"topic": "tech"}


@needs_reuters
@pytest.mark.slow
def test_reuters_counts():
    everything = list(iter_reuters(REUTERS, with_title_only=True))
    assert len(everything) == 21578
    assert len({a.id for a in everything}) == 21578
    kinds = Counter(a.extra["type"] for a in everything)
    # grep -c '<BODY>' reut2-*.sgm sums to 19,043; TYPE="BRIEF" 1,798; TYPE="UNPROC" 737.
    assert kinds == {"NORM": 19043, "BRIEF": 1798, "UNPROC": 737}
    with_text = list(iter_reuters(REUTERS))
    # One UNPROC dispatch is empty, so 19,043 + 736 have text.
    assert len(with_text) == 19043 + 736
    assert all(a.text for a in with_text)
    assert not any("&lt;" in a.text or "\x03" in a.text for a in with_text)


@needs_reuters
@pytest.mark.slow
def test_reuters_first_and_last_dispatch():
    articles = list(iter_reuters(REUTERS))
    first, last = articles[0], articles[-1]
    assert (first.id, first.title) == ("1", "BAHIA COCOA REVIEW")
    assert first.text.startswith(
        "SALVADOR, Feb 26 - Showers continued throughout the week in\nthe Bahia cocoa zone"
    )
    assert first.published == datetime(1987, 2, 26, 15, 1, 1, tzinfo=timezone.utc)
    assert first.extra["places"] == ["el-salvador", "usa", "uruguay"]
    assert last.id == "21578" and last.text.endswith("December 1989.\n Reuter")


@needs_bbc
def test_bbc_counts_and_fields():
    articles = list(iter_bbc(BBC))
    # README.TXT: 2225 documents in five topics.
    assert len(articles) == 2225
    assert Counter(a.extra["topic"] for a in articles) == {
        "business": 510,
        "entertainment": 386,
        "politics": 417,
        "sport": 511,
        "tech": 401,
    }
    first = articles[0]
    assert (first.id, first.title) == ("business/001", "Ad sales boost Time Warner profit")
    assert first.text.startswith(
        "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (£600m)"
    )
    latin = next(a for a in articles if a.id == "sport/199")
    assert "a £15.8m signing from Parma" in latin.text
