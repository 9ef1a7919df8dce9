"""The review page: its data (clusters, marks) and the page itself in a real browser.

The browser tests open the page in headless Chromium from Debian's packages
(``scripts/test`` installs it), driven through Playwright with that
executable (Playwright never downloads a browser here). They skip, saying
why, only where Chromium or Playwright is missing.

``NEWSDEDUP_SCREENSHOT=shot.png pytest tests/test_review_page.py`` also saves
the screenshot taken here. The README's (docs/review-page.png) is of its own
example, taken with Chromium directly::

    newsdedup scan seeds/ examples/outlet-copy.txt --format html -o review.html -q
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$(mktemp -d)" \
        --window-size=1400,750 --screenshot=docs/review-page.png "file://$PWD/review.html"
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from newsdedup import Article, Detector
from newsdedup.io.review_page import review_data, write_review_page
from newsdedup.models import Cluster, Member, Relation, Result, Scores

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text("utf-8")


def _corpus() -> list[Article]:
    """The seeds, an outlet's trimmed republication of 001 and an expanded copy of 000."""
    articles = [Article(p.name, p.read_text("utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    body = _seed("001").split("\n")
    trimmed = "\n".join(body[1 : int(len(body) * 0.7)])
    articles.append(
        Article(
            "outlet/otan-ukraine.txt",
            "Par notre correspondante à Bruxelles\n" + trimmed + "\nSource link",
            title="Ukraine : l’OTAN veut accélérer les livraisons d’armes",
        )
    )
    articles.append(
        Article(
            "wire/expanded-000.txt",
            _seed("000") + "\n\nUn porte-parole a ajouté que les discussions reprendraient "
            "jeudi matin avec les ministres des pays partenaires.",
        )
    )
    return articles


@pytest.fixture(scope="module")
def scanned() -> tuple[Result, dict[str, Article]]:
    articles = _corpus()
    return Detector().run(articles), {a.id: a for a in articles}


def _page(data: dict) -> str:
    out = io.StringIO()
    write_review_page(data, out)
    return out.getvalue()


# --- the data ---------------------------------------------------------------------------


def test_data_has_each_copy_with_relation_scores_and_marks(scanned):
    result, articles = scanned
    data = review_data(result, articles)
    groups = sorted(
        sorted([c["original"]] + [m["id"] for m in c["members"]]) for c in data["clusters"]
    )
    assert groups == [
        ["000_3e03bc9e3725dfef.txt", "wire/expanded-000.txt"],
        ["001_0665e2edcf6d3228.txt", "outlet/otan-ukraine.txt"],
    ]
    cluster = next(c for c in data["clusters"] if c["original"].startswith("001"))
    outlet, original = cluster["members"][0], cluster["original"]
    assert outlet["relation"] == "partial"
    assert 0.9 <= outlet["scores"]["containment"] <= 1.0
    # Each shared range of the copy is text of the original, and they cover most of the copy.
    o_text = data["articles"][original]["text"]
    c_text = data["articles"]["outlet/otan-ukraine.txt"]["text"]
    flat = " ".join(o_text.split())
    for a, b in outlet["marks"]["copy"]:
        assert " ".join(c_text[a:b].split()) in flat
    shared_words = sum(len(c_text[a:b].split()) for a, b in outlet["marks"]["copy"])
    assert shared_words > 0.8 * len(c_text.split())
    # The byline and the footer are outside every shared range of the copy: added text.
    for added in ("correspondante", "accélérer les livraisons"):
        at = c_text.index(added)
        assert not any(a <= at < b for a, b in outlet["marks"]["copy"])
    # The cut ending of the original is outside every shared range of the original.
    ending = o_text.rstrip().rsplit("\n", 1)[-1][:40]
    at = o_text.index(ending)
    assert not any(a <= at < b for a, b in outlet["marks"]["original"])


def test_clusters_are_ordered_largest_first():
    def member(i: str) -> Member:
        return Member(i, Relation.NEAR, Scores(0.9, 0.9, 0.9))

    result = Result(
        6, [Cluster(0, "a", [member("b")]), Cluster(1, "c", [member("d"), member("e")])], []
    )
    articles = {i: Article(i, f"text {i} " * 20) for i in "abcde"}
    data = review_data(result, articles)
    assert [c["cluster"] for c in data["clusters"]] == [1, 0]
    assert data["summary"]["pairs"] == 3


def test_marking_stops_at_the_limit_but_every_copy_is_listed():
    members = [Member(f"c{i}", Relation.EXACT, Scores(1, 1, 1)) for i in range(5)]
    result = Result(6, [Cluster(0, "o", members)], [])
    articles = {
        i: Article(i, "the same words in every one of these texts")
        for i in ["o"] + [m.id for m in members]
    }
    data = review_data(result, articles, max_marked_pairs=2)
    marked = [m for m in data["clusters"][0]["members"] if "marks" in m]
    assert len(marked) == 2 and len(data["clusters"][0]["members"]) == 5
    assert data["summary"]["marked_pairs"] == 2


def test_page_is_self_contained_and_text_cannot_close_the_script():
    # Entities, so that the text still holds the markup once normalised as the detector does.
    hostile = "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;!-- and more words here"
    result = Result(2, [Cluster(0, "a", [Member("b", Relation.EXACT, Scores(1, 1, 1))])], [])
    data = review_data(result, {"a": Article("a", hostile), "b": Article("b", hostile)})
    assert data["articles"]["a"]["text"].startswith("</script><script>alert(1)</script> <!--")
    page = _page(data)
    assert page.count("</script>") == 2  # the data block's and the script's own
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "fetch(" not in page
    payload = page.split('id="data">', 1)[1].split("</script>", 1)[0]
    assert json.loads(payload) == data


# --- in a browser -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (scripts/test installs Debian's chromium package)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')"
    )
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=os.path.realpath(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


def _expect(locator):
    from playwright.sync_api import expect

    return expect(locator)


def _open(browser, tmp_path: Path, data: dict, width: int = 1400):
    path = tmp_path / "report.html"
    path.write_text(_page(data), "utf-8")
    page = browser.new_page(viewport={"width": width, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_selector("section.cluster")
    return page, errors, requests


def test_browser_shows_clusters_marks_and_filters(browser, scanned, tmp_path):
    result, articles = scanned
    page, errors, requests = _open(browser, tmp_path, review_data(result, articles))
    assert errors == []
    assert requests == [(tmp_path / "report.html").as_uri()]  # nothing fetched from anywhere
    assert page.locator("section.cluster").count() == len(result.clusters) == 2
    relations = page.locator(".members .relation").all_inner_texts()
    assert sorted(relations) == ["near", "partial"]
    # The partial copy: shared passages highlighted on both sides, the byline marked as added.
    card = page.locator("section.cluster", has_text="outlet/otan-ukraine.txt")
    shared_copy = card.locator(".side.copy mark.shared").all_inner_texts()
    shared_original = card.locator(".side.original mark.shared").all_inner_texts()
    original_text = " ".join(
        " ".join(card.locator(".side.original .text").all_inner_texts()).split()
    )
    assert shared_copy and shared_original
    assert all(" ".join(passage.split()) in original_text for passage in shared_copy)
    assert "correspondante" in " ".join(card.locator(".side.copy .added").all_inner_texts())
    assert card.locator(".side.original .cut").count() > 0
    # A filter click hides the clusters whose copies are all of that relation.
    page.click("input[data-relation=partial]")
    assert page.locator("section.cluster").count() == 1
    assert page.locator(".members .relation").all_inner_texts() == ["near"]
    page.click("input[data-relation=partial]")
    assert page.locator("section.cluster").count() == 2
    # The search box keeps the clusters whose articles hold the words.
    page.fill("#search", "correspondante")
    _expect(page.locator("section.cluster")).to_have_count(1)
    assert "outlet/otan-ukraine.txt" in page.locator("section.cluster").inner_text()
    page.fill("#search", "")
    _expect(page.locator("section.cluster")).to_have_count(2)
    page.close()


def test_browser_screenshot_is_not_blank(browser, scanned, tmp_path):
    pil = pytest.importorskip("PIL.Image", reason="pillow is not installed")
    result, articles = scanned
    page, errors, _ = _open(browser, tmp_path, review_data(result, articles))
    shot = tmp_path / "review.png"
    page.screenshot(path=str(shot))
    page.close()
    assert errors == []
    image = pil.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert image.size == (1400, 1000)
    assert len(colours) > 50  # text, highlights and badges, not a blank or single-colour page
    highlight = (0xFF, 0xE0, 0x66)  # --shared in review.css
    assert any(rgb == highlight for _, rgb in colours)
    target = os.environ.get("NEWSDEDUP_SCREENSHOT")
    if target:
        shutil.copyfile(shot, target)


def test_browser_builds_only_the_clusters_in_view(browser, tmp_path):
    """A result the size of a 100k-article scan: the DOM grows a page at a time."""
    n = 20_000
    clusters = [
        Cluster(
            i,
            f"o{i}",
            [Member(f"c{i}", Relation.NEAR if i % 2 else Relation.EXACT, Scores(0.9, 0.9, 0.9))],
        )
        for i in range(n)
    ]
    articles = {}
    for i in range(n):
        articles[f"o{i}"] = Article(
            f"o{i}", f"story number {i} about the budget vote in parliament"
        )
        articles[f"c{i}"] = Article(
            f"c{i}", f"story number {i} about the budget vote in parliament"
        )
    data = review_data(Result(2 * n, clusters, []), articles, max_marked_pairs=50)
    page, errors, _ = _open(browser, tmp_path, data)
    assert errors == []
    first = page.locator("section.cluster").count()
    assert 0 < first <= 100
    page.click("#more-button")
    assert page.locator("section.cluster").count() > first
    assert f"{n} clusters" in page.locator("#shown").inner_text()
    page.click("input[data-relation=exact]")
    # Read once: more clusters may be built while the page scrolls into view.
    shown = page.locator(".members .relation").all_inner_texts()
    assert shown and set(shown) == {"near"}
    assert f"{n // 2} of {n} clusters" in page.locator("#shown").inner_text()
    page.close()


def test_browser_says_when_nothing_was_found(browser, tmp_path):
    path = tmp_path / "empty.html"
    path.write_text(_page(review_data(Result(5, [], []), {})), "utf-8")
    page = browser.new_page()
    page.goto(path.as_uri())
    assert page.locator(".empty").inner_text() == "No duplicates found."
    assert page.locator("section.cluster").count() == 0
    page.close()
