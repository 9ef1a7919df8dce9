"""Fuzzing the live index: a mutated index file, random values in Redis keys.

The only outcomes allowed are a result or a one-line error: exit 0, 1 or 2,
no traceback, never a signal (the CLI runs in this process, so a crash in a
compiled kernel would take the test run down with it). Each fuzzer is bounded
(a few seconds: ``max_examples`` below) and derandomised, so CI runs the same
cases every time; ``NEWSDEDUP_FUZZ_EXAMPLES`` raises the count for a longer
hunt.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from index_fixtures import story, trimmed, write_jsonl
from typer.testing import CliRunner

from newsdedup.cli import app

runner = CliRunner()
EXAMPLES = int(os.environ.get("NEWSDEDUP_FUZZ_EXAMPLES", "10"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
RECORDS = [{"id": f"s{i}", "text": story(300 + i, 60)} for i in range(24)] + [
    {"id": "copy", "text": story(300).upper()},
    {"id": "part", "text": trimmed(story(301, 60), 0.6)},
]
QUERY = [
    {"id": "q1", "text": story(300)},
    {"id": "q2", "text": trimmed(story(302, 60), 0.7) + " Reporting by the desk."},
    {"id": "q3", "text": story(999, 60)},
]
MORE = [{"id": "new-1", "text": story(303, 60) + " More."}, {"id": "new-2", "text": story(998)}]


def assert_result_or_one_line_error(result) -> None:
    """Exit 0, 1 or 2; on failure one ``Error:`` line and nothing that looks like a traceback."""
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    if result.exit_code:
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr


def run(*args: str):
    return runner.invoke(app, ["index", *args])


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("fuzz-inputs")
    return {
        "feed": write_jsonl(folder / "feed.jsonl", RECORDS),
        "query": write_jsonl(folder / "query.jsonl", QUERY),
        "more": write_jsonl(folder / "more.jsonl", MORE),
    }


@pytest.fixture(scope="module")
def pristine(inputs, tmp_path_factory) -> Path:
    """A real small SQLite index, checkpointed: every byte lives in the one file."""
    db = tmp_path_factory.mktemp("fuzz-index") / "news.db"
    assert run("add", str(inputs["feed"]), "--db", str(db), "-q").exit_code == 0
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return db


@FUZZ
@given(data=st.data())
def test_a_mutated_index_file_gives_a_result_or_one_line(data, pristine, inputs, tmp_path):
    size = pristine.stat().st_size
    flips = data.draw(
        st.lists(
            st.tuples(
                st.one_of(st.integers(0, 99), st.integers(100, size - 1)),  # header or pages
                st.integers(1, 255),
            ),
            min_size=1,
            max_size=12,
        ),
        label="flips (offset, xor)",
    )
    db = tmp_path / f"mutated-{time.monotonic_ns()}.db"
    shutil.copyfile(pristine, db)
    content = bytearray(db.read_bytes())
    for offset, xor in flips:
        content[offset] ^= xor
    db.write_bytes(bytes(content))
    for command in (
        ["stats"],
        ["query", str(inputs["query"]), "-q"],
        ["export"],
        ["add", str(inputs["more"]), "-q"],
        ["remove", "s3", "copy"],
    ):
        assert_result_or_one_line_error(run(*command, "--db", str(db)))


# --- Redis ---------------------------------------------------------------------------------

_VALUES = st.one_of(
    st.binary(max_size=40),
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["", "-1", "0", "1e400", "nan", "abc", "{", "[]", "99999999"]),
)


@pytest.fixture(scope="module")
def redis_snapshot(redis_server, inputs):
    """A real Redis index under one prefix, and a DUMP of each of its keys to restore it."""
    client = redis.Redis.from_url(redis_server.url)
    prefix = "fuzz"
    target = ["--redis", redis_server.url, "--prefix", prefix]
    assert run("add", str(inputs["feed"]), *target, "-q").exit_code == 0
    keys = sorted(client.scan_iter(f"{{{prefix}}}:*"))
    dumps = {key: client.dump(key) for key in keys}
    yield client, prefix, target, dumps
    client.close()


def _restore(client, prefix: str, dumps: dict) -> None:
    stale = list(client.scan_iter(f"{{{prefix}}}:*"))
    if stale:
        client.delete(*stale)
    for key, blob in dumps.items():
        client.restore(key, 0, blob)


def _write(client, key: bytes, field: bytes | None, value) -> None:
    kind = client.type(key)
    if kind == b"hash":
        client.hset(key, field or b"x", value)
    elif kind == b"set":
        client.sadd(key, value)
    elif kind == b"zset":
        client.zadd(key, {value: 1.0})
    else:
        client.set(key, value)


@FUZZ
@given(data=st.data())
def test_random_values_in_redis_keys_give_a_result_or_one_line(data, redis_snapshot, inputs):
    client, prefix, target, dumps = redis_snapshot
    _restore(client, prefix, dumps)
    keys = sorted(dumps)
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        key = data.draw(st.sampled_from(keys), label="key")
        field = None
        if client.type(key) == b"hash":
            fields = sorted(client.hkeys(key)) or [b"x"]
            field = data.draw(st.sampled_from(fields), label="field")
        _write(client, key, field, data.draw(_VALUES, label="value"))
    for command in (
        ["stats"],
        ["query", str(inputs["query"]), "-q"],
        ["export"],
        ["add", str(inputs["more"]), "-q"],
        ["remove", "s3", "copy"],
    ):
        assert_result_or_one_line_error(run(*command, *target))
