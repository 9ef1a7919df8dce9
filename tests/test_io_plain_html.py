"""Plain text, Markdown and HTML pages: one article per file, id = path."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from newsdedup.io import ReadReport, html_to_text, read_articles

PAGE = """<!doctype html>
<html><head>
<title>Site | Port strike ends</title>
<meta property="og:title" content="Port strike ends after three days">
<meta property="og:site_name" content="Harbour News">
<meta property="article:published_time" content="2023-02-14T09:30:00+01:00">
<link rel="canonical" href="https://news.example/strike">
<style>p { color: red }</style>
<script>var tracking = "SCRIPT TEXT";</script>
</head><body>
<header><h1>Harbour News</h1><nav><a href="/">Home</a> <a href="/sport">Sport</a></nav></header>
<aside>Most read: something else</aside>
<article>
  <h1>Port strike ends</h1>
  <p>Dock workers returned
     on <b>Tuesday</b> after a
     three-day strike.</p>
  <p>Ships&nbsp;and cranes moved again.<br>Officials were relieved.</p>
  <form>Subscribe to our newsletter</form>
  <ul><li>First point</li><li>Second point</li></ul>
</article>
<footer>Copyright Harbour News</footer>
<noscript>Enable JavaScript</noscript>
</body></html>
"""


def test_text_file_is_one_article_with_its_path_as_id(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Line one.\n\nLine two.\n", encoding="utf-8")
    [article] = read_articles([str(path)])
    assert article.id == str(path)
    assert article.origin == str(path)
    assert article.text == "Line one.\n\nLine two.\n"
    assert article.title is None


def test_markdown_file_is_read_as_text(tmp_path):
    path = tmp_path / "note.md"
    path.write_text("# Heading\n\nBody *here*.\n", encoding="utf-8")
    [article] = read_articles([path])
    assert article.text == "# Heading\n\nBody *here*.\n"
    assert article.title is None


def test_relative_path_as_given_is_the_id(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("A", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert [a.id for a in read_articles(["sub"])] == ["sub/a.txt"]
    assert [a.id for a in read_articles(["sub/a.txt"])] == ["sub/a.txt"]


def test_html_page_title_date_url_and_main_text(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    [article] = read_articles([path])
    assert article.id == str(path)
    assert article.title == "Port strike ends after three days"  # og:title beats <title>
    assert article.published == datetime(2023, 2, 14, 8, 30, tzinfo=timezone.utc)
    assert article.url == "https://news.example/strike"
    assert article.source == "Harbour News"
    assert article.text == (
        "Port strike ends\n\n"
        "Dock workers returned on Tuesday after a three-day strike.\n\n"
        "Ships and cranes moved again.\nOfficials were relieved.\n\n"
        "First point\n\nSecond point"
    )


@pytest.mark.parametrize(
    "dropped",
    [
        "SCRIPT TEXT",
        "Home",
        "Most read",
        "Subscribe",
        "Copyright",
        "Enable JavaScript",
        "color: red",
    ],
)
def test_html_page_furniture_is_dropped(tmp_path, dropped):
    path = tmp_path / "page.htm"
    path.write_text(PAGE, encoding="utf-8")
    [article] = read_articles([path])
    assert dropped not in article.text


def test_html_title_falls_back_to_title_tag_then_h1(tmp_path):
    (tmp_path / "a.html").write_text(
        "<title> Tag  title </title><h1>H</h1><p>x</p>", encoding="utf-8"
    )
    (tmp_path / "b.html").write_text("<h1>Only <i>h1</i></h1><p>y</p>", encoding="utf-8")
    titles = [a.title for a in read_articles([tmp_path])]
    assert titles == ["Tag title", "Only h1"]


def test_html_date_from_time_element_and_main_preferred(tmp_path):
    markup = (
        "<body><div>Sidebar junk</div><main><time datetime='2022-12-31T23:00:00Z'>Dec 31</time>"
        "<p>Main text</p></main></body>"
    )
    (tmp_path / "a.html").write_text(markup, encoding="utf-8")
    [article] = read_articles([tmp_path / "a.html"])
    assert article.published == datetime(2022, 12, 31, 23, 0, tzinfo=timezone.utc)
    assert article.text == "Dec 31\n\nMain text"


def test_longest_article_element_is_the_story():
    from newsdedup.io.html import extract_page

    markup = (
        "<article><p>Related: short teaser</p></article>"
        "<article><p>The real story is much longer than the teaser.</p></article>"
    )
    assert extract_page(markup).text == "The real story is much longer than the teaser."


def test_html_without_text_is_skipped_with_a_warning(tmp_path):
    (tmp_path / "empty.html").write_text("<html><script>x()</script></html>", encoding="utf-8")
    (tmp_path / "ok.txt").write_text("fine", encoding="utf-8")
    report = ReadReport()
    assert [a.text for a in read_articles([tmp_path], report=report)] == ["fine"]
    assert report.skipped == 1
    assert report.warnings == [
        f"{tmp_path / 'empty.html'}: no text found in the HTML page, skipped"
    ]


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>a</p><p>b</p>", "a\n\nb"),
        ("<div>a<span>b</span> c</div>", "ab c"),
        ("one<br>two<br/>three", "one\ntwo\nthree"),
        ("<table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>", "1 2\n\n3"),
        ("<p>  lots   of\n\n space </p>", "lots of space"),
        ("<p>x &amp; y &lt;z&gt;</p>", "x & y <z>"),
        ("plain words", "plain words"),
        ("", ""),
        ("<!-- only a comment -->", ""),
    ],
)
def test_html_to_text(markup, expected):
    assert html_to_text(markup) == expected


def test_html_to_text_survives_very_deep_nesting():
    markup = "<div>" * 3000 + "deep" + "</div>" * 3000
    assert html_to_text(markup) == "deep"
