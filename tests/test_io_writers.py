"""Atomic writers: all or nothing, and a round trip back through the readers."""

from __future__ import annotations

import io
import json
import os
import stat
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.errors import OutputError
from newsdedup.io import atomic_writer, read_articles, write_jsonl_atomic


def leftovers(folder: Path, keep: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != keep)


def test_write_jsonl_returns_the_count_and_writes_utf8(tmp_path):
    target = tmp_path / "out.jsonl"
    when = datetime(2023, 2, 14, 9, 30, tzinfo=timezone.utc)
    count = write_jsonl_atomic(target, ({"id": str(i), "text": "Été €"} for i in range(2)))
    assert count == 2
    assert (
        target.read_bytes().decode("utf-8")
        == '{"id": "0", "text": "Été €"}\n{"id": "1", "text": "Été €"}\n'
    )
    write_jsonl_atomic(target, [{"id": "d", "published": when}])
    assert json.loads(target.read_text(encoding="utf-8")) == {
        "id": "d",
        "published": "2023-02-14T09:30:00+00:00",
    }


def test_old_file_is_untouched_when_the_records_fail_midway(tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("OLD CONTENT\n", encoding="utf-8")

    def records():
        yield {"id": "1", "text": "new"}
        yield {"id": "2", "text": "new"}
        raise RuntimeError("input broke")

    with pytest.raises(RuntimeError, match="input broke"):
        write_jsonl_atomic(target, records())
    assert target.read_text(encoding="utf-8") == "OLD CONTENT\n"
    assert leftovers(tmp_path, "out.jsonl") == []  # the temporary file is gone


def test_no_file_appears_when_writing_fails(tmp_path):
    target = tmp_path / "new.jsonl"
    with pytest.raises(TypeError):
        write_jsonl_atomic(target, [{"id": "1"}, {"id": "2", "bad": object()}])
    assert list(tmp_path.iterdir()) == []


def test_interrupt_also_cleans_up(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), atomic_writer(target) as out:
        out.write("half")
        raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path, "out.txt") == []


def test_nothing_is_visible_at_the_target_until_the_block_ends(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with atomic_writer(target) as out:
        out.write("new")
        out.flush()
        assert target.read_text(encoding="utf-8") == "old"
        [temp] = leftovers(
            tmp_path, "out.txt"
        )  # the temporary file sits next to the target, hidden
        assert temp.startswith(".out.txt.") and temp.endswith(".tmp")
    assert target.read_text(encoding="utf-8") == "new"


def test_binary_mode(tmp_path):
    target = tmp_path / "blob.bin"
    with atomic_writer(target, "wb") as out:
        out.write(b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"


def test_unknown_mode_is_refused(tmp_path):
    with pytest.raises(ValueError), atomic_writer(tmp_path / "x", "a"):
        pass


def test_missing_directory_is_an_output_error(tmp_path):
    target = tmp_path / "no" / "such" / "out.jsonl"
    with pytest.raises(OutputError) as caught:
        write_jsonl_atomic(target, [{"id": "1"}])
    assert str(caught.value) == f"{target}: no such directory: {tmp_path / 'no' / 'such'}"
    assert not (tmp_path / "no").exists()


def test_directory_as_target_is_an_output_error(tmp_path):
    with pytest.raises(OutputError, match="is a directory"):
        write_jsonl_atomic(tmp_path, [{"id": "1"}])


def test_failure_to_replace_is_an_output_error(tmp_path, monkeypatch):
    target = tmp_path / "out.jsonl"

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match="out.jsonl: no space left on device"):
        write_jsonl_atomic(target, [{"id": "1"}])
    assert list(tmp_path.iterdir()) == []


def test_dash_writes_to_stdout(capsys):
    assert write_jsonl_atomic("-", [{"id": "é"}]) == 1
    assert capsys.readouterr().out == '{"id": "é"}\n'


def test_new_file_permissions_follow_the_umask(tmp_path):
    old_umask = os.umask(0o022)
    try:
        write_jsonl_atomic(tmp_path / "a.jsonl", [{"id": "1"}])
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((tmp_path / "a.jsonl").stat().st_mode) == 0o644


def test_existing_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "a.jsonl"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_jsonl_atomic(target, [{"id": "1"}])
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


non_blank = st.text(min_size=1).filter(lambda s: s.strip() != "")
records_strategy = st.lists(
    st.fixed_dictionaries(
        {"text": non_blank},
        optional={
            "title": st.text(min_size=1),
            "published": st.datetimes(timezones=st.just(timezone.utc)),
            "section": st.text(),
        },
    ),
    max_size=8,
).flatmap(
    lambda rows: st.lists(
        st.text(min_size=1), min_size=len(rows), max_size=len(rows), unique=True
    ).map(lambda ids: [{"id": i, **row} for i, row in zip(ids, rows)])
)


@settings(max_examples=60, deadline=None)
@given(records_strategy)
def test_round_trip_through_a_file(records):
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "round.jsonl"
        assert write_jsonl_atomic(target, records) == len(records)
        if not records:
            return
        articles = list(read_articles([target]))
    assert_same(records, articles)


@settings(max_examples=30, deadline=None)
@given(records_strategy.filter(bool))
def test_round_trip_through_stdin(records):
    buffer = io.StringIO()
    for record in records:
        buffer.write(json.dumps(record, ensure_ascii=False, default=datetime.isoformat) + "\n")
    buffer.seek(0)
    assert_same(records, list(read_articles(["-"], stdin=buffer)))


def assert_same(records, articles):
    assert [a.id for a in articles] == [r["id"] for r in records]
    assert [a.text for a in articles] == [r["text"] for r in records]
    assert [a.title for a in articles] == [r.get("title") for r in records]
    assert [a.published for a in articles] == [r.get("published") for r in records]
    assert [a.extra.get("section") for a in articles] == [r.get("section") for r in records]
