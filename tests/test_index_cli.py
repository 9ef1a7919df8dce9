"""``newsdedup index ...`` end to end (in process): output shapes, filters, feeds, bad input, errors."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from index_fixtures import free_port, story, trimmed, write_jsonl
from typer.testing import CliRunner

from newsdedup.cli import app
from newsdedup.cli.index import index_app, parse_age

runner = CliRunner()
A, B = story(11), story(12)
RECORDS = [
    {"id": "a", "text": A, "published": "2024-01-01T00:00:00Z"},
    {"id": "b", "text": B},
    {"id": "a-copy", "text": A.upper()},
    {"id": "a-part", "text": trimmed(A, 0.6)},
]


def run(*args: str, input: str | None = None):
    return runner.invoke(app, ["index", *args], input=input)


@pytest.fixture
def feed(tmp_path) -> Path:
    return write_jsonl(tmp_path / "feed.jsonl", RECORDS)


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "news.db")


def test_every_index_command_documents_an_example():
    for command in index_app.registered_commands:
        result = run(command.callback.__name__, "--help")
        assert result.exit_code == 0 and "Example" in result.stdout, command.callback.__name__


def test_add_prints_one_line_per_article_then_stores(feed, db):
    result = run("add", str(feed), "--db", db)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["new", "a"],
        ["new", "b"],
        ["exact", "a-copy"],
        ["partial", "a-part"],
    ]
    assert "original=a" in lines[2] and lines[2].endswith("stored")
    assert "4 articles: 2 new, 1 exact, 1 partial; 4 stored" in result.stderr
    again = run("add", str(feed), "--db", db, "--format", "jsonl")
    records = [json.loads(line) for line in again.stdout.splitlines()]
    assert [(r["verdict"], r["stored"]) for r in records] == [("seen", False)] * 4


def test_jsonl_verdicts(feed, db):
    result = run("add", str(feed), "--db", db, "--format", "jsonl", "--quiet")
    assert result.exit_code == 0 and result.stderr == ""
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[2] == {
        "id": "a-copy",
        "verdict": "exact",
        "original": "a",
        "jaccard": 1.0,
        "containment": 1.0,
        "cosine": 1.0,
        "numbers": 1.0,
        "probability": 1.0,
        "reason": "identical after normalisation",
        "stored": True,
    }
    assert rows[3]["verdict"] == "partial" and rows[3]["containment"] >= 0.9


def test_only_new_is_a_filter_of_article_records(feed, db):
    result = run("add", "-", "--db", db, "--only-new", "--quiet", input=feed.read_text())
    assert result.exit_code == 0, result.stderr
    kept = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["text"]) for r in kept] == [("a", A), ("b", B)]
    assert kept[0]["published"] == "2024-01-01T00:00:00+00:00"
    stats = json.loads(run("stats", "--db", db, "--format", "json").stdout)
    assert stats["articles"] == 4  # the copies were stored too, just not written out


def test_query_never_stores_nor_creates(feed, db, tmp_path):
    assert run("add", str(feed), "--db", db).exit_code == 0
    near = write_jsonl(tmp_path / "q.jsonl", [{"id": "q", "text": B + " Reporting by the desk."}])
    result = run("query", str(near), "--db", db)
    assert result.exit_code == 0 and result.stdout.split()[:3] == ["near", "q", "original=b"]
    assert json.loads(run("stats", "--db", db, "-f", "json").stdout)["articles"] == 4
    missing = run("query", str(near), "--db", str(tmp_path / "none.db"))
    assert missing.exit_code == 1 and not (tmp_path / "none.db").exists()
    assert missing.stderr.startswith("Error: ") and "no index here" in missing.stderr


def test_other_settings_are_refused_with_what_differs(feed, db):
    assert run("add", str(feed), "--db", db, "--num-perm", "64").exit_code == 0
    assert run("add", str(feed), "--db", db).exit_code == 0  # its own settings are used
    result = run("add", str(feed), "--db", db, "--num-perm", "128", "--near", "0.9")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert (
        "num_perm: the index has 64, asked for 128" in result.stderr
        and "near_jaccard" in result.stderr
    )


def test_rss_and_atom_feeds(tmp_path, db):
    rss = tmp_path / "wire.rss"
    rss.write_text(
        f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><guid>w1</guid><title>First</title><description>{A}</description></item>
<item><guid>w2</guid><title>Second</title><description>{B}</description></item>
</channel></rss>""",
        encoding="utf-8",
    )
    atom = tmp_path / "desk.atom"
    atom.write_text(
        f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Desk</title><id>urn:desk</id><updated>2024-01-02T00:00:00Z</updated>
<entry><id>urn:desk:1</id><title>First</title><updated>2024-01-02T00:00:00Z</updated>
<content type="text">{A} Reporting by the desk.</content></entry></feed>""",
        encoding="utf-8",
    )
    result = run("add", str(rss), str(atom), "--db", db, "--quiet")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["new", "w1"],
        ["new", "w2"],
        ["near", "urn:desk:1"],
    ]
    assert "original=w1" in lines[2]


def test_a_bad_jsonl_line_stops_after_storing_what_came_before(tmp_path, db):
    path = tmp_path / "feed.jsonl"
    path.write_text(
        json.dumps(RECORDS[0])
        + "\n"
        + json.dumps(RECORDS[1])
        + "\n{not json\n"
        + json.dumps(RECORDS[2])
        + "\n",
        encoding="utf-8",
    )
    result = run("add", str(path), "--db", db)
    assert result.exit_code == 2
    assert [line.split()[:2] for line in result.stdout.splitlines()] == [["new", "a"], ["new", "b"]]
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [
        f"Error: {path}:3: invalid JSON: Expecting property name enclosed in double quotes "
        "(column 2)"
    ]
    assert json.loads(run("stats", "--db", db, "-f", "json").stdout)["articles"] == 2


def test_skip_bad_counts_and_goes_on(tmp_path, db):
    path = tmp_path / "feed.jsonl"
    path.write_text(
        json.dumps(RECORDS[0])
        + "\n{not json\n"
        + json.dumps({"id": "x", "text": ""})
        + "\n"
        + json.dumps(RECORDS[2])
        + "\n",
        encoding="utf-8",
    )
    broken = tmp_path / "broken.rss"
    broken.write_text("this is not a feed", encoding="utf-8")
    result = run("add", str(path), str(broken), "--db", db, "--skip-bad")
    assert result.exit_code == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["new", "exact"]
    assert "feed.jsonl:2: invalid JSON" in result.stderr and "broken.rss" in result.stderr
    assert "2 articles: 1 new, 1 exact; 2 stored" in result.stderr


def test_a_bad_feed_file_is_a_clear_error(tmp_path, db):
    broken = tmp_path / "broken.rss"
    broken.write_text("this is not a feed", encoding="utf-8")
    result = run("add", str(broken), "--db", db)
    assert result.exit_code == 2 and result.stderr.startswith(f"Error: {broken}")
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_an_index(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("just some text, not SQLite " * 100)
    result = run("stats", "--db", str(path))
    assert (
        result.exit_code == 2
        and "not a newsdedup index" in result.stderr
        and result.stderr.count("\n") == 1
    )


def test_stats_export_remove_prune(feed, db, tmp_path):
    run("add", str(feed), "--db", db)
    stats = run("stats", "--db", db)
    assert "articles  4  (new 2, exact 1, partial 1)" in stats.stdout
    out = tmp_path / "all.jsonl"
    assert run("export", "--db", db, "-o", str(out)).exit_code == 0
    exported = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["id"], r["index"]["relation"], r["index"]["original"]) for r in exported] == [
        ("a", "new", None),
        ("b", "new", None),
        ("a-copy", "exact", "a"),
        ("a-part", "partial", "a"),
    ]
    removed = run("remove", "a-copy", "nope", "--db", db)
    assert removed.exit_code == 0 and "removed 1 of 2" in removed.stderr
    pruned = run(
        "prune", "--older-than", "30d", "--db", db
    )  # only "a" has a (2024) date; others arrived now
    assert pruned.exit_code == 0 and "removed 1 article" in pruned.stderr
    assert [json.loads(line)["id"] for line in run("export", "--db", db).stdout.splitlines()] == [
        "b",
        "a-part",
    ]


def test_prune_needs_an_age_with_a_unit(db, feed):
    run("add", str(feed), "--db", db)
    result = run("prune", "--older-than", "30", "--db", db)
    assert result.exit_code == 2 and "--older-than must be a number and a unit" in result.stderr
    assert parse_age("2w").days == 14 and parse_age("90m").total_seconds() == 5400


def test_unreachable_redis_is_one_line_and_exit_3(feed):
    result = run("add", str(feed), "--redis", f"redis://127.0.0.1:{free_port()}/0")
    assert result.exit_code == 3
    assert (
        result.stderr.startswith("Error: redis://127.0.0.1:") and "not reachable" in result.stderr
    )
    assert result.stderr.count("\n") == 1 and result.stdout == ""


def test_the_same_commands_on_redis(feed, redis_server):
    target = ["--redis", redis_server.url, "--prefix", "cli-test"]
    assert run("add", str(feed), *target).stdout.split()[:2] == ["new", "a"]
    stats = json.loads(run("stats", *target, "-f", "json").stdout)
    assert stats["backend"] == "redis" and stats["articles"] == 4
    assert len(run("export", *target).stdout.splitlines()) == 4
    assert "removed 4 of 4" in run("remove", "a", "b", "a-copy", "a-part", *target).stderr


def test_sqlite_file_layout_is_as_documented(feed, db):
    run("add", str(feed), "--db", db)
    tables = {
        r[0]
        for r in sqlite3.connect(db).execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    assert {"meta", "counters", "articles", "bodies", "bands", "df"} <= tables
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
