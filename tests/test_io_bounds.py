"""Hostile and unusual input: bounded parsing work, broken CSV quoting, UTF-16/32 text."""

from __future__ import annotations

import codecs
import html
import time

import pytest
from selectolax.lexbor import LexborHTMLParser

from newsdedup.errors import InputError
from newsdedup.io import ReadReport, html_to_text, read_articles
from newsdedup.io import html as html_module
from newsdedup.io.nesting import MAX_DEPTH, limit_nesting


def _tree_depth(markup: str) -> int:
    tree = LexborHTMLParser(markup)
    deepest, stack = 0, [(tree.root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.iter())
    return deepest


def _nested(tag: str, depth: int, text: str = "deep text") -> str:
    return f"<{tag}>" * depth + text + f"</{tag}>" * depth


# --- nesting -------------------------------------------------------------------------------


def test_the_parser_never_sees_more_than_max_depth_levels(monkeypatch):
    # Before: the parser got 5,000 levels, and parsing cost grows with tags × depth.
    seen: list[str] = []
    real = html_module.LexborHTMLParser
    monkeypatch.setattr(html_module, "LexborHTMLParser", lambda m: seen.append(m) or real(m))
    assert html_to_text(_nested("div", 5000)) == "deep text"
    assert _tree_depth(seen[0]) <= MAX_DEPTH + 4  # html, body, and a little slack


@pytest.mark.parametrize(
    "markup",
    [
        _nested("div", 3000),
        "<div/>" * 3000 + "x",  # HTML ignores the slash: each opens a div
        "<ul>" * 3000 + "</span>" * 3000 + "x",  # stray end tags must not fool the count
        "<div><p>para <b>bold</b>" * 3000,  # unclosed divs
        "<section>" * 400 + "<!--" * 100 + "x",
    ],
    ids=["nested", "self-closing", "stray end tags", "unclosed", "open comments"],
)
def test_hostile_nesting_is_cut_to_max_depth_and_keeps_its_text(markup):
    bounded = limit_nesting(markup)
    assert _tree_depth(bounded) <= MAX_DEPTH + 4
    words = lambda s: html_to_text(s).split()  # noqa: E731
    assert set(words(bounded)) == set(words(limit_nesting(markup, max_depth=10)))


def test_ordinary_pages_are_left_exactly_as_they_are():
    page = (
        "<html><body><nav>Menu</nav><article>"
        + "<p>Paragraph <b>bold</b> <a href='#'>link</a>" * 600
        + "<svg>"
        + "<path d='M0'/>" * 400
        + "</svg><ul>"
        + "<li>item" * 300
        + "</ul></article></body></html>"
    )
    assert limit_nesting(page) is page


def test_a_megabyte_of_nested_divs_is_read_in_seconds_not_minutes():
    # 74 s before; the bound makes it linear (about 0.3 s per MB on an idle machine).
    markup = _nested("div", 100_000)
    assert len(markup) > 1_000_000
    started = time.perf_counter()
    assert html_to_text(markup) == "deep text"
    assert time.perf_counter() - started < 20


def test_nested_markup_inside_a_feed_item_is_bounded_too(tmp_path):
    # 9 s before (feedparser's HTML sanitizer, then the parser); the text is all we keep.
    body = html.escape(_nested("div", 60_000, "Wire story body"))
    feed = tmp_path / "wire.rss"
    feed.write_text(
        '<rss version="2.0"><channel><title>W</title><item><guid>g1</guid>'
        f"<title>T</title><description>{body}</description></item></channel></rss>",
        encoding="utf-8",
    )
    started = time.perf_counter()
    [article] = read_articles([feed])
    assert article.text == "Wire story body"
    assert time.perf_counter() - started < 20


# --- CSV quoting ---------------------------------------------------------------------------

BROKEN_CSV = 'id,text\n1,"unterminated quote\n2,second row\n3,"third", row\n4,fourth row\n'


def test_an_unterminated_quote_is_a_bad_record_with_its_line(tmp_path):
    # Before: row 1 silently swallowed rows 2 and 3 (one article, no warning).
    path = tmp_path / "broken.csv"
    path.write_text(BROKEN_CSV, encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.csv:2: invalid CSV"):
        list(read_articles([path]))


def test_skip_bad_counts_the_broken_row_and_reads_the_rows_it_swallowed(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text(BROKEN_CSV, encoding="utf-8")
    report = ReadReport()
    articles = list(read_articles([path], skip_bad=True, report=report))
    assert [(a.id, a.origin) for a in articles] == [("2", f"{path}:3"), ("4", f"{path}:5")]
    assert [a.text for a in articles] == ["second row", "fourth row"]
    assert report.skipped == 2  # row 1 (quote) and row 3 (a quote inside a field)
    assert any("broken.csv:2: invalid CSV" in w for w in report.warnings)


def test_an_unterminated_quote_at_the_end_of_the_file_is_reported(tmp_path):
    path = tmp_path / "tail.csv"
    path.write_text('id,text\na,fine\nb,"never closed\nc,and more\n', encoding="utf-8")
    report = ReadReport()
    articles = list(read_articles([path], skip_bad=True, report=report))
    assert [a.text for a in articles] == ["fine", "and more"]
    assert report.skipped == 1


def test_quoted_newlines_are_still_fine(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text('id,text\na,"two\n\nparagraphs"\nb,"say ""hi"""\n', encoding="utf-8")
    assert [a.text for a in read_articles([path])] == ["two\n\nparagraphs", 'say "hi"']


# --- UTF-16 / UTF-32 -----------------------------------------------------------------------

TEXT = "Les ministres de la Défense se sont réunis à Bruxelles.\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("suffix", [".txt", ".html", ".json", ".jsonl", ".csv"])
def test_text_with_a_utf16_or_utf32_bom_is_decoded(tmp_path, encoding, suffix):
    # Before: "binary file, skipped" (the NUL bytes of the wide encodings).
    bom = {
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
    }[encoding]
    line = TEXT.strip()
    content = {
        ".txt": TEXT,
        ".html": f"<p>{TEXT}</p>",
        ".json": f'{{"id": "j", "text": "{line}"}}',
        ".jsonl": f'{{"id": "j1", "text": "{line}"}}\r\n{{"id": "j2", "text": "deux"}}\n',
        ".csv": f'id,text\r\nc1,"{line}"\r\nc2,deux\r\n',
    }[suffix]
    path = tmp_path / f"wide{suffix}"
    path.write_bytes(bom + content.encode(encoding))
    report = ReadReport()
    articles = list(read_articles([path], report=report))
    assert articles[0].text.strip() == TEXT.strip()
    assert report.warnings == []
    if suffix in (".jsonl", ".csv"):
        assert [a.text for a in articles][1] == "deux"


def test_a_file_with_only_a_utf16_bom_is_empty(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"))
    report = ReadReport()
    with pytest.raises(InputError, match="no articles"):
        list(read_articles([path], report=report))
    assert "empty file" in report.warnings[0]


def test_real_binary_files_are_still_skipped(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    report = ReadReport()
    with pytest.raises(InputError):
        list(read_articles([path], report=report))
    assert "binary" in report.warnings[0]
