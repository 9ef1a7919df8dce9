"""Normalisation: Unicode, case, quotes, HTML and boilerplate lines."""

from __future__ import annotations

from newsdedup.config import NormalizeConfig
from newsdedup.text.boilerplate import BoilerplateLearner
from newsdedup.text.normalize import is_boilerplate_line, normalize_text, strip_html
from newsdedup.text.tokenize import tokenize, words


def tokens_of(text: str) -> list[int]:
    return tokenize([normalize_text(text)]).hashes.tolist()


def test_typographic_variants_tokenise_alike():
    assert tokens_of("L’Otan « renforce » la défense") == tokens_of('l\'OTAN "renforce" la DEFENSE')
    assert tokens_of("ﬁnal ＮＡＴＯ") == tokens_of(
        "final nato"
    )  # NFKC: ligature, full-width letters


def test_html_tags_and_entities_are_removed():
    assert (
        strip_html("<p>Un &amp; deux</p><script>x()</script><p>trois&nbsp;!</p>")
        == "Un & deux\n\ntrois\xa0!"
    )
    assert tokens_of("<div><p>La r&eacute;union</p></div>") == tokens_of("la réunion")
    assert normalize_text("a < b and c > d") == "a < b and c > d"  # not HTML: left alone


def test_known_boilerplate_lines_are_dropped():
    text = (
        "Titre\n\nCorps de l'article.\n\nSource link -32\n\nPartager\n\nLaisser un commentaire\n\n"
        "Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *"
    )
    assert [line for line in normalize_text(text).split("\n") if line] == [
        "Titre",
        "Corps de l'article.",
    ]
    for line in (
        "share this article",
        "we use cookies to improve your experience. accept",
        "posted in .",
        "de la même section international",
        "source: aa",
    ):
        assert is_boilerplate_line(line), line


def test_news_lines_are_not_boilerplate():
    for line in (
        "le secrétaire général de l'otan a partagé son analyse.",
        "the share price rose 2% after the source said so.",
        "source link between the two pipelines was cut, officials said on monday, " * 3,
    ):
        assert not is_boilerplate_line(line), line


def test_boilerplate_removal_can_be_switched_off():
    assert "Source link" in normalize_text("body\nSource link", NormalizeConfig(boilerplate=False))


def test_learned_boilerplate_is_per_source():
    learner = BoilerplateLearner(min_articles=3, min_share=0.5)
    for i in range(4):
        learner.observe("outlet", f"story {i} about something\nsubscribe to the morning brief")
        learner.observe("wire", f"dispatch {i}\nthe minister said the talks would continue")
    learner.observe("other", "subscribe to the morning brief")
    learned = learner.learned()
    assert learned.to_dict() == {
        "outlet": ["subscribe to the morning brief"],
        "wire": ["the minister said the talks would continue"],
    }
    drop = learned.drops("outlet")
    assert (
        normalize_text("news story line\n  subscribe to the morning brief ", drop_lines=drop)
        == "news story line"
    )
    assert learned.drops("other") is None


def test_learned_lines_that_are_most_of_an_article_are_kept():
    learner = BoilerplateLearner(min_articles=2, min_share=0.1)
    for _ in range(3):
        learner.observe(None, "a short wire line\nanother short wire line")
    drop = learner.learned().drops(None)
    assert (
        normalize_text("a short wire line\nanother short wire line\nx", drop_lines=drop)
        == "a short wire line\nanother short wire line\nx"
    )
    long_body = "a much longer paragraph of original reporting that carries the actual news " * 3
    assert normalize_text(f"{long_body}\na short wire line", drop_lines=drop) == long_body


def test_wire_tickers_are_text_not_html():
    assert (
        normalize_text("MOBIL <MOB> TO UPGRADE REFINERY UNIT")
        == "MOBIL <MOB> TO UPGRADE REFINERY UNIT"
    )
    assert "MOB" in words(normalize_text("MOBIL <MOB> TO UPGRADE"))
    assert normalize_text("<P>One &amp; two</P><BR>three") == "One & two\n\nthree"


def test_word_hints_skip_no_line_the_whole_pattern_list_would_drop():
    """The cheap word test in front of the cookie/comment-form patterns changes no verdict."""
    import re

    from newsdedup.text.normalize import (
        BOILERPLATE_PATTERNS,
        BOILERPLATE_WORDS,
        MAX_BOILERPLATE_CHARS,
    )

    combined = re.compile(
        r"[ \t]*(?:" + "|".join((*BOILERPLATE_PATTERNS, *BOILERPLATE_WORDS)) + r")[^\w\n]*$", re.I
    )
    lines = [
        "We use COOKIES to improve your experience. Accept all",
        "Ce site utilise des cookies : paramètres",
        "GDPR notice: we use your data per our policy",
        "RGPD : politique de confidentialité, utilisation",
        "Required fields are marked *",
        "Les champs obligatoires sont indiqués avec *",
        "Cookie Monster ate the biscuits",  # the word without consent talk: news
        "The minister said cookies were taxed at 5%",
        "Share this article",
        "Source link",
        "© 2024 Harbour Wire",
        "Dock workers returned to work.",
        "Bakers use cookie cutters and accept orders",
        "",
        "   ",
    ]
    for line in lines:
        expected = (
            "\n" not in line
            and len(line) <= MAX_BOILERPLATE_CHARS
            and combined.match(line.strip()) is not None
        )
        assert is_boilerplate_line(line) is expected, line
    assert (
        is_boilerplate_line(lines[0])
        and is_boilerplate_line(lines[4])
        and not is_boilerplate_line(lines[6])
    )


def test_word_hints_cover_every_word_pattern():
    """Each BOILERPLATE_WORDS pattern needs one of the hints the fast path looks for."""
    from newsdedup.text import normalize

    assert all(normalize._has_word_hint(hint) for hint in normalize._WORD_HINTS)
    for pattern in normalize.BOILERPLATE_WORDS:
        assert any(hint in pattern for hint in normalize._WORD_HINTS), pattern
