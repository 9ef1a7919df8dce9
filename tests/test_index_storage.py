"""Lean SQLite storage (layout 2): compact bodies, references instead of texts unless --store-text.

The body codec is checked three ways: its numpy statement and the compiled
kernels write the same bytes, both give back exactly the tokens and flags
they were given, and damaged bodies are errors, never other tokens. The
text choice is checked end to end through the CLI: recorded at creation,
followed by later adds, refused when contradicted.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from index_fixtures import articles, small_feed, write_jsonl
from typer.testing import CliRunner

from newsdedup.cli import app
from newsdedup.errors import IndexConfigMismatch, IndexDamaged
from newsdedup.index import LiveIndex, SQLiteStore
from newsdedup.index.sqlite_codec import bodies_of, body_blobs, decode_body, encode_body
from newsdedup.index.sqlite_kernels import decode_rows, encode_rows

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["index", *args])


def _rows(seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Token rows of many shapes: empty, one repeated token, extreme hashes, long, Zipf-like."""
    rng = np.random.default_rng(seed)
    vocab = rng.integers(0, 2**32, 5000, dtype=np.uint64).astype(np.uint32)
    rows = [
        (np.zeros(0, np.uint32), np.zeros(0, np.uint8)),
        (np.full(300, 7, np.uint32), np.zeros(300, np.uint8)),
        (np.array([0, 2**32 - 1, 0, 2**32 - 1], np.uint32), np.array([1, 1, 0, 1], np.uint8)),
        (np.array([5], np.uint32), np.array([1], np.uint8)),
    ]
    for n in (2, 3, 9, 130, 617, 5000):
        tokens = vocab[np.minimum(rng.zipf(1.3, n), len(vocab)) - 1]
        rows.append((tokens, (rng.random(n) < 0.1).astype(np.uint8)))
    return rows


def _csr(rows):
    offsets = np.zeros(len(rows) + 1, np.int64)
    np.cumsum([len(t) for t, _ in rows], out=offsets[1:])
    return np.concatenate([t for t, _ in rows]), np.concatenate([f for _, f in rows]), offsets


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bodies_round_trip_and_both_encoders_agree(seed):
    rows = _rows(seed)
    tokens, flags, offsets = _csr(rows)
    data, starts = encode_rows(tokens, flags, offsets)
    for i, (t, f) in enumerate(rows):
        blob = encode_body(t, f)
        assert blob == data[starts[i] : starts[i + 1]].tobytes()
        back_t, back_f = decode_body(blob)
        assert back_t.tolist() == t.tolist() and back_f.tolist() == f.tolist()
    got_t, got_f, got_offsets, bad = decode_rows(data, starts)
    assert bad == -1
    assert got_t.tolist() == tokens.tolist() and got_f.tolist() == flags.tolist()
    assert got_offsets.tolist() == offsets.tolist()


def test_bodies_are_smaller_than_four_bytes_a_token():
    tokens, flags, offsets = _csr(_rows(3)[4:])
    blobs = body_blobs(tokens, flags, offsets)
    assert sum(map(len, blobs)) < 0.8 * (4 * len(tokens) + len(tokens) / 8)


def test_only_the_number_bit_is_kept():
    blob = body_blobs(np.array([4, 4], np.uint32), np.array([3, 2], np.uint8), np.array([0, 2]))[0]
    assert decode_body(blob)[1].tolist() == [1, 0]


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[:-1],
        lambda b: b + b"\x00",
        lambda b: bytes([9]) + b[1:],
        lambda b: b[:3],
        lambda b: b[:1] + bytes([0xFF] * 12) + b[13:],
    ],
)
def test_a_damaged_body_is_an_error_never_other_tokens(damage):
    rows = _rows(4)[6:8]
    blob = body_blobs(*_csr(rows))[1]
    bad = damage(blob)
    with pytest.raises(IndexDamaged, match="malformed body"):
        bodies_of([blob, bad], "x.db")
    with pytest.raises(ValueError):
        decode_body(bad)


def test_missing_docs_have_no_tokens():
    blob = body_blobs(np.array([1, 2], np.uint32), np.zeros(2, np.uint8), np.array([0, 2]))[0]
    bodies = bodies_of([None, blob, None], "x.db")
    assert bodies.offsets.tolist() == [0, 0, 2, 2] and bodies.tokens.tolist() == [1, 2]


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "feed.jsonl", small_feed(30))


def _manifest(db: Path) -> dict:
    con = sqlite3.connect(db)
    try:
        return json.loads(
            con.execute("SELECT value FROM meta WHERE name = 'manifest'").fetchone()[0]
        )
    finally:
        con.close()


def test_without_store_text_export_gives_references(feed, tmp_path):
    db = tmp_path / "lean.db"
    assert run("add", str(feed), "--db", str(db), "-q").exit_code == 0
    assert _manifest(db)["storage"] == {"layout": 2, "text": False}
    lines = [json.loads(x) for x in run("export", "--db", str(db)).stdout.splitlines()]
    assert len(lines) == 30 and all("text" not in r for r in lines)
    assert lines[0]["origin"] == f"{feed}:1" and lines[29]["origin"] == f"{feed}:30"
    assert lines[0]["published"] == "2024-01-01T10:00:00+00:00"
    assert {r["index"]["text"] for r in lines} == {"not stored"}
    assert lines[10]["index"]["relation"] != "new" and lines[10]["index"]["original"]


def test_store_text_is_recorded_and_followed(feed, tmp_path):
    db = tmp_path / "texts.db"
    assert run("add", str(feed), "--db", str(db), "--store-text", "-q").exit_code == 0
    assert _manifest(db)["storage"] == {"layout": 2, "text": True}
    more = write_jsonl(tmp_path / "more.jsonl", small_feed(5, seed=9))
    more.write_text(more.read_text().replace('"n', '"m'))  # other ids
    assert run("add", str(more), "--db", str(db), "-q").exit_code == 0  # follows the index
    lines = [json.loads(x) for x in run("export", "--db", str(db)).stdout.splitlines()]
    records = {r["id"]: r for r in small_feed(30)}
    assert len(lines) == 35 and all(r.get("text") for r in lines)
    assert all(r["text"] == records[r["id"]]["text"] for r in lines[:30])
    assert all("origin" not in r and "@origin" not in r for r in lines)


def test_asking_for_texts_in_an_index_without_them_is_refused(feed, tmp_path):
    db = tmp_path / "lean.db"
    assert run("add", str(feed), "--db", str(db), "-q").exit_code == 0
    before = db.read_bytes()
    result = run("add", str(feed), "--db", str(db), "--store-text")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1
    assert "keeps no article texts" in result.stderr and str(db) in result.stderr
    with pytest.raises(IndexConfigMismatch):
        SQLiteStore(db, store_text=True)
    assert db.read_bytes() == before


def test_verdicts_and_bodies_do_not_depend_on_the_text_choice(tmp_path):
    feed = articles(small_feed(80, copy_every=4))
    found = {}
    for text in (False, True):
        with LiveIndex(SQLiteStore(tmp_path / f"{text}.db", store_text=text)) as index:
            verdicts = [(v.verdict, v.original) for v in index.add(feed)]
            bodies = index.store.bodies(np.arange(1, 81))
            found[text] = (verdicts, bodies.tokens.tolist(), bodies.flags.tolist())
    assert found[False] == found[True]
    assert sum(v != "new" for v, _ in found[False][0]) >= 15


def test_an_index_without_texts_is_smaller(tmp_path):
    feed = articles(small_feed(400, words=300))
    sizes = {}
    for text in (False, True):
        path = tmp_path / f"{text}.db"
        with LiveIndex(SQLiteStore(path, store_text=text)) as index:
            index.add(feed)
        con = sqlite3.connect(path)
        sizes[text] = con.execute("SELECT sum(length(record)) FROM records").fetchone()[0] / len(
            feed
        )
        con.close()
    assert sizes[False] < 0.1 * sizes[True]
