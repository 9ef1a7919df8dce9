"""The synthetic corpus: each edit does what the edit model says, and the gold file is consistent."""

from __future__ import annotations

import difflib
import json
import random
import re
from collections import Counter, defaultdict
from datetime import datetime

import pytest

from benchmarks.corpus import edits as ed
from benchmarks.corpus.build import EDIT_RATES, parse_size, write_corpus
from benchmarks.corpus.loaders import data_root
from benchmarks.corpus.negatives import fill, template_series, word_difference
from benchmarks.corpus.outlets import make_outlets
from benchmarks.corpus.sentences import split_sentences
from newsdedup.errors import ConfigError
from newsdedup.evaluate.metrics import evaluate_files

DATA = data_root()
needs_data = pytest.mark.skipif(
    not (DATA / "bbc").is_dir() or not (DATA / "reuters21578").is_dir(),
    reason=f"BBC and Reuters corpora not present under {DATA}",
)

SENTENCES = [
    "The company said its profit rose sharply in the first quarter of the year.",
    "Shares in the firm fell after the government announced new rules for the market.",
    "Officials said the talks with the bank would start next week in the capital.",
    "Analysts expected sales to increase because prices were higher than last year.",
    "The minister told reporters that the plan was very important for the country.",
    "Revenue climbed to a record, and the board agreed to buy back more shares.",
    "People in the region have complained about the problem for many years now.",
    "The deal, which was reported on Monday, is likely to be approved by regulators.",
    "A spokesman for the group said it had already made changes to its main business.",
    "Exports to the world market dropped, but imports remained strong in the period.",
    "The largest lender in the country cut its forecast for the rest of the year.",
    "It said the new factory would help create about two thousand jobs in the area.",
]


def long_draft(repeats: int = 4) -> ed.Draft:
    # Each repeat is tagged with unique numbers so that a diff cannot align one repeat with another.
    sentences = [f"{s[:-1]} ({r}{i})." for r in range(repeats) for i, s in enumerate(SENTENCES)]
    return ed.Draft("Title", [sentences[i : i + 3] for i in range(0, len(sentences), 3)])


def words_of(draft: ed.Draft) -> list[str]:
    return re.findall(r"\w+", " ".join(s for p in draft.paragraphs for s in p).lower())


def changed_words(before: ed.Draft, after: ed.Draft) -> int:
    """Words replaced, deleted or inserted between two drafts, by an independent diff."""
    ops = difflib.SequenceMatcher(
        a=words_of(before), b=words_of(after), autojunk=False
    ).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal")


class TestEdits:
    def test_trim_keeps_a_prefix_of_the_sentences(self):
        draft = long_draft()
        trimmed = ed.trim_ending(draft, random.Random(1), 0.4)
        before = [s for p in draft.paragraphs for s in p]
        after = [s for p in trimmed.paragraphs for s in p]
        assert after == before[: len(after)]
        # Stops at the first sentence boundary at or past 60% of the words.
        assert 0.6 <= trimmed.body_words() / draft.body_words() < 0.6 + 16 / draft.body_words()

    def test_reorder_changes_order_not_content(self):
        draft = long_draft(1)
        shuffled = ed.reorder_paragraphs(draft, random.Random(3))
        assert shuffled is not None and shuffled.paragraphs != draft.paragraphs
        assert sorted(map(tuple, shuffled.paragraphs)) == sorted(map(tuple, draft.paragraphs))
        assert ed.reorder_paragraphs(ed.Draft("t", [["a."], ["b."]]), random.Random(3)) is None

    @pytest.mark.parametrize("share", [0.05, 0.15, 0.3])
    def test_rewrite_reports_the_words_it_touched(self, share):
        draft = long_draft()
        for seed in range(5):
            rewritten, touched = ed.rewrite(draft, random.Random(seed), share)
            diffed = changed_words(draft, rewritten)
            # The diff may align a swap or a split/merge differently: allow a small slack.
            assert abs(touched - diffed) <= 0.15 * touched + 2, (touched, diffed)
            assert touched == pytest.approx(share * draft.body_words(), abs=3)

    def test_rewrite_keeps_names(self):
        draft = ed.Draft("t", [["Officials at the Bank of England said the Firm would rise."] * 5])
        rewritten, _ = ed.rewrite(draft, random.Random(2), 0.3)
        assert rewritten.render().count("Bank of England") == 5

    def test_ocr_noise_reports_the_words_it_touched(self):
        draft = long_draft()
        for seed in range(5):
            noisy, touched = ed.ocr_noise(draft, random.Random(seed), 0.05)
            assert abs(touched - changed_words(draft, noisy)) <= 0.15 * touched + 2
            assert 0.03 * draft.body_words() <= touched <= 0.1 * draft.body_words()

    def test_quote_holds_the_whole_dispatch_in_a_longer_text(self):
        dispatch = ed.Draft(
            "Wire title", long_draft(1).paragraphs, dateline="PARIS, Mar 4 (Global Wire) -"
        )
        pool = iter(SENTENCES * 20)
        quoting = ed.quote_in_longer_text(
            dispatch,
            random.Random(5),
            lambda n: [next(pool) for _ in range(max(1, n // 13))],
            "Wire said:",
        )
        body = dispatch.render()
        assert body.replace("\n\n", " ") in quoting.render().replace("\n\n", " ")
        assert 1.4 <= quoting.body_words() / dispatch.body_words() <= 2.6

    @pytest.mark.parametrize("rate", [0.01, 0.04])
    def test_ocr_characters_misreads_the_share_of_characters_asked(self, rate):
        draft = long_draft()
        for seed in range(5):
            noisy, touched = ed.ocr_characters(draft, random.Random(seed), rate)
            assert len(noisy.paragraphs) == len(draft.paragraphs)
            changed, size = 0, 0
            for before, after in zip(draft.paragraphs, noisy.paragraphs):
                text, out = " ".join(before), " ".join(after)
                size += len(text)
                ops = difflib.SequenceMatcher(a=text, b=out, autojunk=False).get_opcodes()
                changed += sum(max(i2 - i1, j2 - j1) for t, i1, i2, j1, j2 in ops if t != "equal")
                # Only the errors of the issue: look-alikes, and spaces and commas lost.
                assert set(Counter(text) - Counter(out)) <= set("l1iIo0Oemrn ,")
                assert set(Counter(out) - Counter(text)) <= set("l1iIo0Oemrn")
                assert len(out.split()) <= len(text.split())
            # Each error changes one character (rn → m two); a diff may pair neighbours.
            assert 0.6 * rate * size <= changed <= 2.2 * rate * size + 2, changed
            assert changed / 2 - 2 <= touched <= 2 * changed

    def test_wrapped_dispatch_is_its_share_of_a_longer_article(self):
        dispatch = ed.Draft(
            "Wire title", long_draft(1).paragraphs, dateline="PARIS, Mar 4 (Global Wire) -"
        )
        pool = iter(["Other story words here, quite unrelated to it."] * 400)
        for seed in range(6):
            wrapped = ed.wrap_in_long_article(
                dispatch,
                random.Random(seed),
                lambda n: [next(pool) for _ in range(max(1, -(-n // 8)))],
                (0.25, 0.40),
            )
            body = dispatch.render()
            text = wrapped.render().replace("\n\n", " ")
            assert body.replace("\n\n", " ") in text
            share = (dispatch.body_words() + 7) / wrapped.body_words()
            assert 0.23 <= share <= 0.42, share
            # Paragraphs of other stories before and after, and a headline from them.
            assert not text.startswith("PARIS") and not text.endswith(body[-20:])
            assert wrapped.title != dispatch.title and "Other" in wrapped.title

    def test_boilerplate_is_fixed_per_outlet(self):
        outlet = make_outlets(random.Random(4), 5)[0]
        rng = random.Random(0)
        one = (
            ed.apply_boilerplate(long_draft(1), outlet, rng, "PARIS", "Mar 4")
            .render()
            .split("\n\n")
        )
        two = (
            ed.apply_boilerplate(
                ed.Draft("x", [["Other text here."]]), outlet, rng, "ROME", "Mar 5"
            )
            .render()
            .split("\n\n")
        )
        assert one[: len(outlet.header)] == two[: len(outlet.header)] == list(outlet.header)
        assert one[-len(outlet.footer) :] == two[-len(outlet.footer) :] == list(outlet.footer)

    def test_new_headline_differs_and_comes_from_the_lead(self):
        draft = long_draft(1)
        titled = ed.new_headline(draft, random.Random(8))
        assert titled.title != draft.title
        lead = " ".join(s for p in draft.paragraphs[:2] for s in p)
        assert titled.title.split()[1] in lead


def test_sentence_splitting_and_sizes():
    assert split_sentences("He said so. Mr. Smith of the U.S. agreed! Then?  Yes") == [
        "He said so.",
        "Mr. Smith of the U.S. agreed!",
        "Then?",
        "Yes",
    ]
    assert (parse_size("300"), parse_size("10k"), parse_size("1.5M")) == (300, 10_000, 1_500_000)
    for bad in ("", "ten", "0", "-5k"):
        with pytest.raises(ConfigError):
            parse_size(bad)


def test_template_fill_and_difference():
    assert (
        fill("{int:5:5} {big:1200:1200} {pick:a|a} {city}", random.Random(0), {"city": "Leeds"})
        == "5 1,200 a Leeds"
    )
    # Words as multisets: {a, b, c, c} vs {a, b, c, d}: 3 shared of 4.
    assert word_difference("a b c c", "A b c d") == pytest.approx(0.25)


@pytest.fixture(scope="module")
def bank(sentence_bank):
    return sentence_bank


@pytest.fixture(scope="module")
def corpus(bank, tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    manifest = write_corpus(out, 1500, 11, bank)
    articles = [json.loads(line) for line in (out / "articles.jsonl").open()]
    gold = [json.loads(line) for line in (out / "gold.jsonl").open()]
    return out, manifest, articles, gold


@needs_data
@pytest.mark.slow
class TestGeneratedCorpus:
    def test_files_agree(self, corpus):
        _, manifest, articles, gold = corpus
        assert len(articles) == len(gold) == manifest["articles"] == 1500
        assert [a["id"] for a in articles] == [g["id"] for g in gold]
        assert len({a["id"] for a in articles}) == 1500
        assert Counter(g["kind"] for g in gold) == manifest["kinds"]
        assert all(set(a) == {"id", "title", "text", "source", "published"} for a in articles)

    def test_clusters_have_one_earliest_original(self, corpus):
        _, _, articles, gold = corpus
        published = {a["id"]: datetime.fromisoformat(a["published"]) for a in articles}
        clusters = defaultdict(list)
        for g in gold:
            clusters[g["cluster"]].append(g)
        for members in clusters.values():
            kinds = {g["kind"] for g in members}
            if len(members) == 1:
                assert kinds <= {"original", "filler", "template", "same_event"}
                continue
            originals = [g for g in members if g["original"]]
            assert kinds == {"original", "copy"} and len(originals) == 1
            first = min(members, key=lambda g: published[g["id"]])
            assert first is originals[0]

    def test_copy_edits_and_touched(self, corpus):
        _, _, _, gold = corpus
        copies = [g for g in gold if g["kind"] == "copy"]
        known = set(EDIT_RATES) - {"exact"}
        assert all(set(g["edit"]) <= known for g in copies)
        for g in copies:
            if "rewrite" in g["edit"]:
                assert 0.04 <= g["touched"] <= 0.45
            elif "noise" not in g["edit"] and "ocr" not in g["edit"]:
                assert g["touched"] == 0.0
            if "quoted" in g["edit"]:
                assert set(g["edit"]) <= {"quoted", "headline", "boilerplate"}
            if "wrapped" in g["edit"]:
                assert set(g["edit"]) <= {"wrapped", "headline", "boilerplate"}
            if "ocr" in g["edit"]:
                assert not {"rewrite", "noise", "quoted", "wrapped"} & set(g["edit"])
                assert 0.0 < g["touched"] <= 0.4
        assert any(not g["edit"] for g in copies)  # exact republications exist

    def test_lengths_and_templates(self, corpus):
        _, _, articles, gold = corpus
        kinds = {g["id"]: g for g in gold}
        originals = [a for a in articles if kinds[a["id"]]["kind"] == "original"]
        # Body 300-900 words; the wire dateline adds up to 8.
        assert all(300 <= len(a["text"].split()) <= 910 for a in originals)
        templates = [g for g in gold if g["kind"] == "template"]
        assert templates and all(0.05 <= g["touched"] <= 0.6 for g in templates)

    def test_gold_scores_perfectly_against_itself(self, corpus):
        out = corpus[0]
        report = evaluate_files(out / "gold.jsonl", out / "gold.jsonl")
        assert report["pairwise"]["f1"] == 1.0 and report["ari"] == 1.0
        assert report["recall_by_edit"]["all"]["rate"] == 1.0
        assert report["false_merges_by_kind"]["template"]["count"] == 0

    def test_same_seed_same_bytes(self, bank, corpus, tmp_path):
        out, _, _, _ = corpus
        write_corpus(tmp_path / "again", 1500, 11, bank)
        assert (tmp_path / "again" / "articles.jsonl").read_bytes() == (
            out / "articles.jsonl"
        ).read_bytes()
        write_corpus(tmp_path / "other", 1500, 12, bank)
        assert (tmp_path / "other" / "gold.jsonl").read_bytes() != (out / "gold.jsonl").read_bytes()

    def test_worker_processes_do_not_change_the_output(self, bank, corpus, tmp_path):
        out, _, _, _ = corpus
        write_corpus(tmp_path / "parallel", 1500, 11, bank, workers=2)
        for name in ("articles.jsonl", "gold.jsonl"):
            assert (tmp_path / "parallel" / name).read_bytes() == (out / name).read_bytes()

    def test_template_series_differ_by_ten_to_thirty_percent(self, bank):
        rng = random.Random(3)
        dates = [datetime(2024, 1, d) for d in range(1, 7)]
        differences = [d for _ in range(20) for _, d in template_series(rng, bank, dates)[1:]]
        assert 0.10 <= sorted(differences)[len(differences) // 2] <= 0.32
