"""RSS 2.0 and Atom feeds (fixtures in tests/fixtures/io, written by hand)."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newsdedup.errors import InputError
from newsdedup.io import ReadReport, read_articles

FIXTURES = Path(__file__).parent / "fixtures" / "io"
UTC = timezone.utc


def test_rss_entries():
    path = FIXTURES / "wire.rss"
    articles = list(read_articles([path]))
    assert [a.id for a in articles] == ["wire-001", "https://wire.example/grain", f"{path}#2"]
    first, second, third = articles
    # content:encoded wins over description; HTML is turned into paragraphs; scripts dropped.
    assert first.text == "Dock workers returned on Tuesday.\n\nShips & cranes moved again."
    assert first.title == "Port strike ends after three days"
    assert first.url == "https://wire.example/strike"
    assert first.source == "Harbour Wire"
    assert first.published == datetime(2023, 2, 14, 8, 30, tzinfo=UTC)  # 09:30 +0100
    assert second.text == "Exports rose 4 pct.\n\nPrices held."  # escaped HTML in <description>
    assert second.published == datetime(2023, 2, 15, 18, 0, tzinfo=UTC)
    assert (third.text, third.url, third.published) == ("Plain summary text.", None, None)
    assert [a.origin for a in articles] == [f"{path}#0", f"{path}#1", f"{path}#2"]


def test_atom_entries():
    path = FIXTURES / "wire.atom"
    first, second = read_articles([path])
    assert (first.id, first.title, first.source) == (
        "urn:example:atom-desk:1",
        "Central bank holds rates",
        "Atom Desk",
    )
    assert (
        first.text == "The bank kept its rate at 3 pct.\n\nMarkets were calm."
    )  # content beats summary
    assert first.url == "https://atom.example/rates"
    assert first.published == datetime(2023, 3, 1, 6, 15, tzinfo=UTC)  # published beats updated
    assert second.published == datetime(2023, 3, 2, 10, 0, tzinfo=UTC)  # updated as fallback
    assert second.text == "Plain text content <kept> as is."  # type="text" is not parsed as HTML
    assert second.url is None  # an Atom id is not a link


@pytest.mark.parametrize("suffix", [".xml", ".rss", ".atom"])
def test_feed_extensions(tmp_path, suffix):
    target = tmp_path / f"feed{suffix}"
    shutil.copy(FIXTURES / "wire.atom", target)
    assert len(list(read_articles([target]))) == 2


def test_feed_without_entries_is_an_error(tmp_path):
    path = tmp_path / "empty.rss"
    path.write_text(
        '<rss version="2.0"><channel><title>Nothing</title></channel></rss>', encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        list(read_articles([path]))
    assert str(caught.value) == f"{path}: feed has no entries"


def test_xml_that_is_not_a_feed_is_an_error(tmp_path):
    path = tmp_path / "junk.xml"
    path.write_text("<<< this is not xml", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(read_articles([path]))
    assert str(caught.value).startswith(f"{path}: not a readable RSS or Atom feed (")
    assert "\n" not in str(caught.value)


def test_bad_feed_is_skipped_with_skip_bad(tmp_path):
    (tmp_path / "a.xml").write_text("<<< not xml", encoding="utf-8")
    shutil.copy(FIXTURES / "wire.atom", tmp_path / "b.atom")
    report = ReadReport()
    articles = list(read_articles([tmp_path], skip_bad=True, report=report))
    assert len(articles) == 2
    assert report.skipped == 1
    assert report.warnings[0].startswith(f"{tmp_path / 'a.xml'}: not a readable RSS or Atom feed")


def test_entry_without_text_is_a_bad_record(tmp_path):
    path = tmp_path / "f.rss"
    path.write_text(
        '<rss version="2.0"><channel><title>T</title>'
        "<item><guid>a</guid><title>Only a title</title></item>"
        "<item><guid>b</guid><description>Body</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"f\.rss#0: entry has no content or summary$"):
        list(read_articles([path]))
    report = ReadReport()
    assert [a.id for a in read_articles([path], skip_bad=True, report=report)] == ["b"]
    assert report.skipped == 1
