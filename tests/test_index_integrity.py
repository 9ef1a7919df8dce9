"""A damaged, edited or foreign index gives one line and a clear exit code, never a crash.

Each test damages a real index (built here from generated stories) the way a
disk fault, a hand edit or a hostile process could, then runs the CLI: the
answer is ``Error: <index>: damaged (...); run 'newsdedup index check'``
(exit 1), or a refusal for a file that is not an index (exit 2).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import redis
from index_fixtures import cli_command, cli_env, story, trimmed, write_jsonl
from typer.testing import CliRunner

from newsdedup.cli import app
from newsdedup.errors import ConfigError, NotAnIndex
from newsdedup.index import LiveIndex, SQLiteStore
from newsdedup.models import Article

runner = CliRunner()
A, B = story(21), story(22)
RECORDS = [
    {"id": "a", "text": A, "published": "2024-01-01T00:00:00Z"},
    {"id": "b", "text": B},
    {"id": "a-copy", "text": A.upper()},
    {"id": "a-part", "text": trimmed(A, 0.6)},
]
QUERY = [{"id": "q", "text": trimmed(A, 0.6) + " Reporting by the desk."}]


def run(*args: str):
    return runner.invoke(app, ["index", *args])


def one_line_error(result, code: int, *needles: str) -> None:
    assert result.exit_code == code, (result.exit_code, result.stderr, result.stdout)
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


@pytest.fixture
def built(tmp_path) -> tuple[str, Path]:
    """A real SQLite index of RECORDS, and a query file holding a copy of "a-part"."""
    db = str(tmp_path / "news.db")
    assert run("add", str(write_jsonl(tmp_path / "feed.jsonl", RECORDS)), "--db", db).exit_code == 0
    return db, write_jsonl(tmp_path / "query.jsonl", QUERY)


def edit(db: str, sql: str, *params) -> None:
    con = sqlite3.connect(db)
    con.execute(sql, params)
    con.commit()
    con.close()


def test_a_root_past_the_end_is_no_crash(built):
    """Was: a root naming no stored doc sent an index past the end into a kernel (SIGABRT)."""
    db, query = built
    edit(db, "UPDATE articles SET root = 99999 WHERE id = 'a-part'")
    done = subprocess.run(
        cli_command("index", "query", str(query), "--db", db, "-q"),
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[:2] == ["near", "q"]


def test_a_root_out_of_range_is_damage(built):
    db, query = built
    edit(db, "UPDATE articles SET root = ? WHERE id = 'a-part'", 1 << 50)
    one_line_error(run("query", str(query), "--db", db), 1, "damaged (root out of range", "check")


MANIFEST_EDITS = {
    "not JSON": lambda m: "{not json",
    "a JSON list": lambda m: "[1, 2]",
    "missing num_perm": lambda m: json.dumps({k: v for k, v in m.items() if k != "num_perm"}),
    "num_perm of the wrong type": lambda m: json.dumps({**m, "num_perm": "128"}),
    "bands beyond the signature": lambda m: json.dumps({**m, "bands": 1000}),
    "n_features not a power of two": lambda m: json.dumps({**m, "n_features": 1000}),
    "a config of the wrong type": lambda m: json.dumps({**m, "config": {"sign": 5}}),
    "a config that contradicts the manifest": lambda m: json.dumps(
        {**m, "config": {**m["config"], "sign": {**m["config"]["sign"], "num_perm": 64}}}
    ),
    "learned words that are not hashes": lambda m: json.dumps(
        {**m, "learned": {"common_words": ["x"]}}
    ),
}


@pytest.mark.parametrize("damage", sorted(MANIFEST_EDITS))
def test_an_edited_manifest_is_damage(built, damage):
    db, query = built
    con = sqlite3.connect(db)
    manifest = json.loads(
        con.execute("SELECT value FROM meta WHERE name = 'manifest'").fetchone()[0]
    )
    con.close()
    edit(db, "UPDATE meta SET value = ? WHERE name = 'manifest'", MANIFEST_EDITS[damage](manifest))
    for command in (["stats"], ["query", str(query)], ["add", str(query)]):
        one_line_error(run(*command, "--db", db), 1, "damaged (manifest", "index check")


ROW_EDITS = {
    "signature": ("UPDATE articles SET signature = x'0102' WHERE id = 'a-part'", "signature"),
    "word signature": (
        "UPDATE articles SET word_signature = zeroblob(7) WHERE id = 'a-part'",
        "signature",
    ),
    "body format": ("UPDATE bodies SET body = x'0902030405' WHERE doc = 4", "malformed body"),
    "body cut": (
        "UPDATE bodies SET body = substr(body, 1, length(body) - 1) WHERE doc = 4",
        "malformed body",
    ),
    "body text": ("UPDATE bodies SET body = 'abc' WHERE doc = 4", "body that is not a blob"),
    "id": ("UPDATE articles SET id = x'00ff' WHERE id = 'a-part'", "id that is not text"),
    "root": ("UPDATE articles SET root = 'abc' WHERE id = 'a-part'", "article row"),
    "LSH doc": ("UPDATE bands SET doc = -5 WHERE doc = 4", "LSH table"),
    "frequency": ("UPDATE df SET n = -3", "negative document frequency"),
}


@pytest.mark.parametrize("damage", sorted(ROW_EDITS))
def test_an_edited_row_is_damage(built, damage):
    db, query = built
    sql, needle = ROW_EDITS[damage]
    edit(db, sql)
    one_line_error(run("query", str(query), "--db", db), 1, "damaged (", needle)


def test_damaged_pages_are_reported_as_damage(built, tmp_path):
    """SQLite's 'database disk image is malformed' becomes the one-line damaged error."""
    db, query = built
    records = [{"id": f"s{i}", "text": story(100 + i)} for i in range(150)]
    assert run("add", str(write_jsonl(tmp_path / "more.jsonl", records)), "--db", db).exit_code == 0
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    roots = [
        con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
        for name in ("bodies", "records")  # what query reads, what export reads
    ]
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    with open(db, "r+b") as f:  # root pages: every read of a body (of a record) needs them
        for root in roots:
            f.seek((root - 1) * page_size)
            f.write(bytes((i * 37 + 11) % 256 for i in range(page_size)))
    one_line_error(run("query", str(query), "--db", db), 1, "damaged (SQLite: ", "malformed")
    one_line_error(run("export", "--db", db), 1, "damaged (SQLite: ", "malformed")


def test_a_foreign_sqlite_database_is_refused_and_left_alone(tmp_path, built):
    _, query = built
    other = tmp_path / "app.db"
    edit(str(other), "CREATE TABLE users (name TEXT)")
    before = other.read_bytes()
    for command in (["add", str(query)], ["stats"], ["query", str(query)]):
        one_line_error(run(*command, "--db", str(other)), 2, "not a newsdedup index", "users")
    assert other.read_bytes() == before
    with pytest.raises(NotAnIndex):
        SQLiteStore(other)


def test_an_empty_sqlite_file_becomes_an_index(tmp_path, built):
    _, query = built
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    empty.touch()
    assert run("add", str(query), "--db", str(empty)).exit_code == 0
    assert "articles  1" in run("stats", "--db", str(empty)).stdout


def test_a_folder_as_db_is_a_bad_option(tmp_path):
    with pytest.raises(ConfigError, match="folder"):
        SQLiteStore(tmp_path)
    one_line_error(run("stats", "--db", str(tmp_path)), 2, "folder")


def test_doc_numbers_are_never_given_twice(tmp_path):
    """A removed last article's number is not reused: nothing can come to point at a newcomer."""
    store = SQLiteStore(tmp_path / "x.db")
    with store.writing():
        first = store.reserve(3)
    with store.writing():
        again = store.reserve(2)
    assert first.tolist() == [1, 2, 3] and again.tolist() == [4, 5]


# --- Redis: crafted values ---------------------------------------------------------------


@pytest.fixture
def redis_built(redis_server, tmp_path):
    prefix = f"integrity{time.monotonic_ns()}"
    target = ["--redis", redis_server.url, "--prefix", prefix]
    assert run("add", str(write_jsonl(tmp_path / "feed.jsonl", RECORDS)), *target).exit_code == 0
    client = redis.Redis.from_url(redis_server.url)
    tag = "{" + prefix + "}"  # every key of the index starts with its hash tag
    doc = int(client.hget(f"{tag}:ids", "a-part"))
    yield client, tag, doc, target, write_jsonl(tmp_path / "query.jsonl", QUERY)
    client.close()


REDIS_EDITS = {
    "root": (lambda r, p, d: r.hset(f"{p}:doc:{d}", "root", "abc"), "article hash"),
    "root out of range": (lambda r, p, d: r.hset(f"{p}:doc:{d}", "root", 1 << 50), "root"),
    "signature": (lambda r, p, d: r.hset(f"{p}:doc:{d}", "sig", b"\x01\x02"), "signature"),
    "tokens": (lambda r, p, d: r.hset(f"{p}:doc:{d}", "tokens", b"\x01"), "token blob"),
    "id": (lambda r, p, d: r.hset(f"{p}:doc:{d}", "id", b"\xff\xfe"), "article hash"),
    "exact key": (lambda r, p, d: r.hset(f"{p}:doc:{d}", "exact", "-1"), "article hash"),
    "bucket member": (
        lambda r, p, d: [r.sadd(k, "zz") for k in r.scan_iter(f"{p}:lsh*") if r.type(k) == b"set"],
        "LSH bucket",
    ),
    "manifest": (lambda r, p, d: r.hset(f"{p}:meta", "manifest", "{"), "manifest"),
    "a key of another type": (
        lambda r, p, d: (r.delete(f"{p}:ids"), r.set(f"{p}:ids", "x")),
        "WRONGTYPE",
    ),
}


@pytest.mark.parametrize("damage", sorted(REDIS_EDITS))
def test_a_crafted_redis_value_is_damage(redis_built, damage):
    client, prefix, doc, target, query = redis_built
    change, needle = REDIS_EDITS[damage]
    change(client, prefix, doc)
    one_line_error(run("query", str(query), *target), 1, "damaged (", needle)


def test_reader_commands_do_not_wait_for_a_writer(built):
    """WAL readers see the last commit: stats, query and export answer while a writer holds the lock."""
    db, query = built
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO counters VALUES ('held', 1)")
    try:
        for command in (["stats"], ["query", str(query), "-q"], ["export"]):
            started = time.monotonic()
            result = run(*command, "--db", db, "--wait", "3")
            assert result.exit_code == 0, result.stderr
            assert time.monotonic() - started < 2.5, command
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_read_only_store_never_writes(built):
    """Readers open with mode=ro: even a write attempted through their connection is refused."""
    db, _ = built
    store = SQLiteStore(db, create=False, read_only=True)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store._db.execute("INSERT INTO counters VALUES ('x', 1)")
    assert store.load_manifest() is not None
    store.close()


def _freeze(paths: list[Path], frozen: bool) -> bool:
    """Make files and folders read-only: chmod, or ``chattr +i`` as root (root ignores modes)."""
    if os.geteuid() != 0:
        for path in paths:
            os.chmod(path, (0o555 if path.is_dir() else 0o444) if frozen else 0o755)
        return True
    if shutil.which("chattr") is None:
        return False
    flag = "+i" if frozen else "-i"
    done = subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True)
    return done.returncode == 0


def test_reader_commands_work_on_a_read_only_index(built):
    """A file (and folder) that may not be written: stats, query and export still answer."""
    db, query = built
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    for leftover in (db + "-wal", db + "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(leftover)
    frozen = [Path(db), Path(db).parent]
    if not _freeze(frozen, True):
        pytest.skip("running as root without chattr: cannot make a file read-only to root")
    try:
        with pytest.raises(OSError):  # it really is read-only
            open(db, "ab").close()
        for command in (["stats"], ["query", str(query), "-q"], ["export"]):
            result = run(*command, "--db", db)
            assert result.exit_code == 0, (command, result.stderr)
        assert json.loads(run("stats", "--db", db, "-f", "json").stdout)["articles"] == 4
        one_line_error(run("add", str(query), "--db", db), 1)
    finally:
        _freeze(frozen, False)
    assert not Path(db + "-wal").exists()  # nothing was written


# --- index check -------------------------------------------------------------------------


def _damage(make_store, kind: str) -> None:
    """Break invariants the way a crash of an older version or a hand edit would."""
    if make_store.kind == "sqlite":
        con = sqlite3.connect(make_store.path)
        {
            "dangling root": lambda: con.execute("DELETE FROM articles WHERE id = 'a'"),
            "counters": lambda: con.execute("UPDATE counters SET n = n + 5"),
            "orphan bands": lambda: con.execute("INSERT INTO bands VALUES (12345, 777)"),
            "missing bands": lambda: con.execute(
                "DELETE FROM bands WHERE doc = (SELECT doc FROM articles WHERE id = 'b')"
            ),
            "chain": lambda: con.execute(
                "UPDATE articles SET root = (SELECT doc FROM articles WHERE id = 'a-part') "
                "WHERE id = 'a-copy'"
            ),
        }[kind]()
        con.commit()
        con.close()
        return
    client = make_store.client()
    p = "{" + make_store.prefix + "}"  # every key of the index starts with its hash tag
    doc = {k.decode(): int(v) for k, v in client.hgetall(f"{p}:ids").items()}
    {
        "dangling root": lambda: (
            client.delete(f"{p}:doc:{doc['a']}"),
            client.hdel(f"{p}:ids", "a"),
        ),
        "counters": lambda: client.hincrby(f"{p}:relations", "near", 3),
        "orphan bands": lambda: client.zadd(f"{p}:age", {"777": 1.0}),
        "missing bands": lambda: client.delete(f"{p}:copies:{doc['a']}"),
        "chain": lambda: client.hset(f"{p}:doc:{doc['a-copy']}", "root", doc["a-part"]),
    }[kind]()
    client.close()


@pytest.mark.parametrize(
    "kind", ["dangling root", "counters", "orphan bands", "missing bands", "chain"]
)
def test_check_finds_and_repair_fixes_broken_invariants(make_store, kind):
    with LiveIndex(make_store()) as index:
        index.add([Article(r["id"], r["text"]) for r in RECORDS])
    store = make_store()
    assert store.check_integrity().problems == []
    store.close()
    _damage(make_store, kind)
    store = make_store.open(manifest=False)
    found = store.check_integrity()
    assert found.damaged and all(p.repairable for p in found.problems), found.problems
    fixed = store.check_integrity(repair=True)
    assert not fixed.damaged and fixed.repaired == found.problems
    assert not store.check_integrity().damaged
    store.close()
    with LiveIndex(make_store()) as index:
        exported = {r["id"]: r["index"]["original"] for r in index.export()}
        originals = {k for k, v in exported.items() if v is None}
        assert all(v is None or v in originals for v in exported.values()), exported
        stats = index.stats()
        assert stats.articles == len(exported) == sum(stats.relations.values())
        [v] = index.check([Article("q", QUERY[0]["text"])])
        assert v.verdict != "new" and v.original in originals


def test_check_reports_damaged_pages(built, tmp_path):
    db, _ = built
    records = [{"id": f"s{i}", "text": story(100 + i)} for i in range(150)]
    assert run("add", str(write_jsonl(tmp_path / "more.jsonl", records)), "--db", db).exit_code == 0
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'bands'").fetchone()[0]
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    with open(db, "r+b") as f:
        f.seek((root - 1) * page_size + 8)
        f.write(bytes((i * 37 + 11) % 256 for i in range(page_size - 8)))
    report = SQLiteStore(db, create=False, manifest=False).check_integrity()
    assert report.damaged and report.problems[0].check == "sqlite"
    assert not report.problems[0].repairable


def test_check_command_reports_then_repairs(built):
    db, query = built
    clean = run("check", "--db", db)
    assert (
        clean.exit_code == 0
        and clean.stdout.startswith("ok ")
        and "integrity_check" in clean.stdout
    )
    edit(db, "DELETE FROM articles WHERE id = 'a'")  # leaves two copies without their original
    found = run("check", "--db", db, "--format", "json")
    assert found.exit_code == 1
    report = json.loads(found.stdout)
    assert report["damaged"] and {p["check"] for p in report["problems"]} >= {"roots", "counters"}
    assert run("query", str(query), "--db", db).exit_code == 0  # still answers meanwhile
    fixed = run("check", "--db", db, "--repair")
    assert fixed.exit_code == 0 and "repaired  roots: 2 copies whose original" in fixed.stdout
    assert run("check", "--db", db, "--quick").exit_code == 0
    originals = {
        json.loads(line)["id"]: json.loads(line)["index"]["original"]
        for line in run("export", "--db", db).stdout.splitlines()
    }
    assert originals == {"b": None, "a-copy": None, "a-part": "a-copy"}


def test_check_command_on_damaged_pages_and_on_redis(built, tmp_path, redis_server):
    db, _ = built
    with open(db, "r+b") as f:
        f.seek(0)
        f.write(b"\0" * 100)  # the header: SQLite no longer recognises the file
    result = run("check", "--db", db)
    assert result.exit_code in (1, 2) and "Traceback" not in result.stderr + result.stdout
    target = ["--redis", redis_server.url, "--prefix", f"check{time.monotonic_ns()}"]
    assert run("add", str(write_jsonl(tmp_path / "f.jsonl", RECORDS)), *target).exit_code == 0
    assert run("check", *target).exit_code == 0


@pytest.mark.parametrize(
    "args, needle",
    [
        (["prune", "--older-than", "99999999999999d"], "--older-than"),
        (["stats", "--wait", "nan"], "--wait"),
        (["stats", "--wait", "inf"], "--wait"),
        (["query", "{query}", "--max-wait", "nan"], "--max-wait"),
        (["add", "{query}", "--max-wait", "inf"], "--max-wait"),
    ],
)
def test_option_values_out_of_range_are_one_line(built, args, needle):
    db, query = built
    result = run(*[a.replace("{query}", str(query)) for a in args], "--db", db)
    one_line_error(result, 2, needle)


def test_a_counter_that_is_not_a_number_is_damage(built):
    db, _ = built
    edit(db, "UPDATE counters SET n = 'abc' WHERE name = 'articles'")
    one_line_error(run("stats", "--db", db), 1, "damaged (the counters")
    assert run("check", "--db", db, "--repair").exit_code == 0
    assert "articles  4" in run("stats", "--db", db).stdout


def test_a_damaged_schema_whose_message_is_not_utf8_is_damage(built):
    """Found by the fuzzer: SQLite's message quotes the damaged byte, which Python cannot decode."""
    db, query = built
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    content = bytearray(Path(db).read_bytes())
    at = content.index(b"sqlite_autoindex_meta_1")
    content[at] = 0xF3
    Path(db).write_bytes(bytes(content))
    for command in (["stats"], ["query", str(query)], ["add", str(query)]):
        one_line_error(run(*command, "--db", db), 1, "damaged (SQLite: malformed database schema")
    report = json.loads(run("check", "--db", db, "-f", "json").stdout)
    assert report["damaged"] and report["problems"][0]["check"] == "open"
