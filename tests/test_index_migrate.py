"""``newsdedup index migrate``: an index of layout 1 (written by the previous release) into layout 2.

The old index is ``tests/fixtures/index/layout1.db``, written by newsdedup
at commit 9c09b9f (see ``fixtures/index/make_layout1.py``): 40 articles of
``small_feed(40)`` read from ``feed.jsonl``, 3 of them copies.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import zlib
from pathlib import Path

import numpy as np
import pytest
from index_fixtures import articles, small_feed
from typer.testing import CliRunner

from newsdedup.cli import app
from newsdedup.index import LiveIndex, SQLiteStore

FIXTURE = Path(__file__).parent / "fixtures" / "index" / "layout1.db"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["index", *args])


@pytest.fixture
def old(tmp_path: Path) -> Path:
    path = tmp_path / "news.db"
    shutil.copyfile(FIXTURE, path)
    return path


def _old_rows(path: Path) -> dict[str, tuple]:
    """id → (relation, original id, tokens, record) read straight from the layout-1 tables."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT a.id, a.relation, r.id, b.tokens, b.record FROM articles a "
            "JOIN bodies b ON b.doc = a.doc LEFT JOIN articles r ON r.doc = a.root"
        ).fetchall()
    finally:
        con.close()
    return {
        aid: (relation, original, np.frombuffer(tokens, "<u4").tolist(), zlib.decompress(record))
        for aid, relation, original, tokens, record in rows
    }


def _leftovers(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name != path.name)


@pytest.mark.parametrize("command", [["stats"], ["export"], ["query", "FEED"], ["add", "FEED"]])
def test_an_old_index_is_a_one_line_error_pointing_to_migrate(old, tmp_path, command):
    feed = tmp_path / "q.jsonl"
    feed.write_text(json.dumps(small_feed(1, seed=5)[0]) + "\n")
    before = old.read_bytes()
    result = run(*[str(feed) if a == "FEED" else a for a in command], "--db", str(old))
    assert result.exit_code == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {old}: index layout 1 is older")
    assert f"newsdedup index migrate {old}" in lines[0]
    assert old.read_bytes() == before and _leftovers(old) == ["q.jsonl"]


def test_check_reports_the_old_layout(old):
    result = run("check", "--db", str(old))
    assert result.exit_code == 2 and "newsdedup index migrate" in result.stderr


def test_migrate_keeps_every_article_token_and_record(old):
    expected = _old_rows(old)
    result = run("migrate", str(old))
    assert result.exit_code == 0, result.stderr
    assert "40 articles" in result.stderr and _leftovers(old) == []
    assert run("check", "--db", str(old)).exit_code == 0
    with SQLiteStore(old, read_only=True) as store:
        assert store.store_text is True
        docs = np.array(
            [r[0] for r in store._db.execute("SELECT doc FROM articles ORDER BY doc")], np.int64
        )
        ids = store.summaries(docs).ids
        bodies = store.bodies(docs)
        exported = {r["id"]: r for r in store.export()}
    for i, aid in enumerate(ids):
        relation, original, tokens, record = expected[aid]
        assert bodies.tokens[bodies.offsets[i] : bodies.offsets[i + 1]].tolist() == tokens
        line = exported[aid]
        assert (line["index"]["relation"], line["index"]["original"]) == (relation, original)
        assert {k: v for k, v in line.items() if k != "index"} == json.loads(record)
    assert sorted(r[0] for r in expected.values()).count("new") == 37


def test_a_migrated_index_answers_as_a_new_one_would(old, tmp_path):
    assert run("migrate", str(old), "-q").exit_code == 0
    fresh = tmp_path / "fresh.db"
    feed = articles(small_feed(40))
    with LiveIndex(SQLiteStore(fresh)) as index:
        index.add(feed)
    probes = articles(small_feed(60, copy_every=3, seed=0))[40:]
    for probe in probes:
        probe.id = "probe-" + probe.id
    answers = []
    for path in (old, fresh):
        with LiveIndex(SQLiteStore(path)) as index:
            answers.append([(v.verdict, v.original) for v in index.check(probes)])
            assert all(v.verdict == "seen" for v in index.check(feed))
            index.add(probes[:3])  # the migrated index takes new articles
    assert answers[0] == answers[1]
    assert any(v != "new" for v, _ in answers[0])


def test_migrate_drop_text_keeps_references(old):
    assert run("migrate", str(old), "--drop-text", "-q").exit_code == 0
    lines = [json.loads(x) for x in run("export", "--db", str(old)).stdout.splitlines()]
    assert len(lines) == 40 and all("text" not in r for r in lines)
    assert {r["index"]["text"] for r in lines} == {"not stored"}
    assert all(r["published"].startswith("2024-01-") for r in lines)


def test_a_failed_migration_leaves_the_old_index_untouched(old):
    con = sqlite3.connect(old)
    con.execute("UPDATE bodies SET tokens = x'0102030405' WHERE doc = 30")
    con.commit()
    con.close()
    before = old.read_bytes()
    result = run("migrate", str(old))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "token blob" in result.stderr
    assert old.read_bytes() == before and _leftovers(old) == []


def test_nothing_to_migrate(tmp_path, old):
    assert run("migrate", str(old), "-q").exit_code == 0
    again = run("migrate", str(old))
    assert again.exit_code == 1 and "already has layout 2" in again.stderr
    missing = run("migrate", str(tmp_path / "none.db"))
    assert missing.exit_code == 1 and "no index here" in missing.stderr
    other = tmp_path / "app.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE users (name TEXT)")
    con.close()
    assert run("migrate", str(other)).exit_code == 2
