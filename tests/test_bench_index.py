"""The live-index benchmark: its synthetic stream, and its steps run end to end on a tiny index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.index.bench import main as bench_main
from benchmarks.index.synth import SyntheticNews, bbc_sentences
from newsdedup.errors import InputError

TOPICS = ("business", "sport", "tech")


@pytest.fixture(scope="module")
def tiny_bbc(tmp_path_factory) -> Path:
    """A BBC-shaped folder: 3 topics x 4 articles, each sentence unique and seven words long."""
    root = tmp_path_factory.mktemp("data") / "bbc"
    for t, topic in enumerate(TOPICS):
        (root / topic).mkdir(parents=True)
        for n in range(1, 5):
            body = " ".join(f"Sentence {t} {n} {k} says something new." for k in range(10))
            text = f"Headline {topic} {n}\n\n{body}\n"
            (root / topic / f"{n:03d}.txt").write_text(text, encoding="utf-8")
    return root


def test_sentences_come_from_the_bbc_reader(tiny_bbc):
    heads, sentences = bbc_sentences(tiny_bbc)
    assert heads[0] == "Headline business 1"
    assert len(heads) == 12
    assert len(sentences) == 120  # 12 articles x 10 sentences, none under five words
    assert sentences[0] == "Sentence 0 1 0 says something new."


def test_a_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="BBC News corpus not found"):
        bbc_sentences(tmp_path / "nowhere")


def test_the_stream_is_reproducible_and_holds_copies(tiny_bbc):
    def stream(seed):
        return list(SyntheticNews(seed=seed, words=40, copy_share=0.5, bbc=tiny_bbc).articles(200))

    first, again, other = stream(1), stream(1), stream(2)
    assert [a.text for a in first] == [a.text for a in again]
    assert [a.text for a in first] != [a.text for a in other]
    assert [a.id for a in first[:3]] == ["a0", "a1", "a2"]
    assert (first[1].published - first[0].published).total_seconds() == 60
    # A copy reuses only sentences of one earlier article (plus the correspondent's line).
    seen: list[set[str]] = []
    copies = 0
    for article in first:
        sentences = set(article.text.replace("\n\n", " ").split(". ")) - {""}
        sentences = {s.rstrip(".") for s in sentences}
        sentences.discard("Additional reporting by our correspondent")
        copies += any(sentences <= earlier for earlier in seen)
        seen.append(sentences)
    assert 70 <= copies <= 130  # about half of 200; an original of 6 random sentences is never one


@pytest.mark.slow
def test_build_open_and_query_steps_on_sqlite(bbc_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDEDUP_DATA", str(bbc_dir.parent))
    db, out = tmp_path / "idx.db", tmp_path / "results"
    common = ["--db", str(db), "--articles", "60", "--workers", "1", "--out", str(out)]
    bench_main(["build", *common, "--segment", "30"])
    bench_main(["open", *common])
    bench_main(["query", *common, "--queries", "10"])
    build = json.loads((out / "index-sqlite-build-60.json").read_text())["results"][0]
    opened = json.loads((out / "index-sqlite-open-60.json").read_text())["results"][0]
    queried = json.loads((out / "index-sqlite-query-60.json").read_text())["results"][0]
    assert build["indexed"] == 60 and [s["indexed"] for s in build["segments"]] == [30, 60]
    assert build["bytes"] == db.stat().st_size
    assert opened["articles"] == 60 and opened["import_s"] > 0
    assert queried["indexed"] == 60
    assert queried["copies_found"] == "5/5"  # every near copy of an indexed article is found
    assert len((out / "idx.db.sample.jsonl").read_text().splitlines()) == 60
