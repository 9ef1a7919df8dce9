"""JSON, JSON Lines, CSV and stdin records."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pytest

from newsdedup.errors import InputError
from newsdedup.io import FieldMap, ReadReport, read_articles


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def jsonl(*records):
    return "".join(json.dumps(r) + "\n" for r in records)


# --- JSON -------------------------------------------------------------------


def test_json_single_object_without_id_gets_the_path(tmp_path):
    path = write(tmp_path / "one.json", '{"text": "Body", "title": "T", "lang": "fr"}')
    [article] = read_articles([path])
    assert (article.id, article.text, article.title, article.extra) == (
        str(path),
        "Body",
        "T",
        {"lang": "fr"},
    )


def test_json_array_items_get_path_hash_index(tmp_path):
    path = write(
        tmp_path / "many.json", json.dumps([{"id": "a", "text": "A"}, {"text": "B"}, {"text": "C"}])
    )
    articles = list(read_articles([path]))
    assert [a.id for a in articles] == ["a", f"{path}#1", f"{path}#2"]
    assert [a.origin for a in articles] == [f"{path}#0", f"{path}#1", f"{path}#2"]


def test_json_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path / "bad.json", '[\n {"text": "A"},\n {"text": "B",}\n]')
    with pytest.raises(InputError) as caught:
        list(read_articles([path]))
    assert str(caught.value).startswith(f"{path}:3: invalid JSON: ")


def test_json_bad_item_names_its_index(tmp_path):
    path = write(tmp_path / "bad.json", json.dumps([{"text": "A"}, {"title": "no text"}]))
    with pytest.raises(InputError, match=r"bad\.json#1: record has no 'text' field$"):
        list(read_articles([path]))


def test_json_scalar_document_is_rejected(tmp_path):
    path = write(tmp_path / "n.json", "42")
    with pytest.raises(InputError, match="expected a JSON object or an array of objects"):
        list(read_articles([path]))


# --- JSON Lines ---------------------------------------------------------------


def test_jsonl_reads_each_line_and_ignores_blank_lines(tmp_path):
    path = write(
        tmp_path / "a.jsonl", '{"id": "x", "text": "X"}\n\n   \n{"text": "Y", "published": 0}\n'
    )
    articles = list(read_articles([path]))
    assert [a.id for a in articles] == ["x", f"{path}:4"]
    assert [a.origin for a in articles] == [f"{path}:1", f"{path}:4"]
    assert articles[1].published == datetime(1970, 1, 1, tzinfo=timezone.utc)


def test_ndjson_extension_is_jsonl(tmp_path):
    path = write(tmp_path / "a.ndjson", jsonl({"id": 1, "text": "A"}, {"id": 2, "text": "B"}))
    assert [a.id for a in read_articles([path])] == ["1", "2"]


def test_jsonl_bad_line_3_is_named(tmp_path):
    path = write(
        tmp_path / "feed.jsonl", '{"text": "a"}\n{"text": "b"}\n{"text": "c"\n{"text": "d"}\n'
    )
    with pytest.raises(InputError) as caught:
        list(read_articles([path]))
    error = caught.value
    assert (error.path, error.line) == (str(path), 3)
    assert str(error).startswith(f"{path}:3: invalid JSON: ")


def test_jsonl_error_stops_the_stream_after_the_good_lines(tmp_path):
    path = write(tmp_path / "feed.jsonl", '{"text": "a"}\n{"text": "b"}\nnot json\n')
    stream = read_articles([path])
    assert next(stream).text == "a"
    assert next(stream).text == "b"
    with pytest.raises(InputError, match=":3: invalid JSON"):
        next(stream)


def test_jsonl_skip_bad_counts_and_warns(tmp_path):
    text = (
        '{"text": "a"}\n'  # 1 good
        '{"text": "b"\n'  # 2 invalid JSON
        "[1, 2]\n"  # 3 not an object
        '{"title": "t"}\n'  # 4 no text
        '{"text": ""}\n'  # 5 empty text
        '{"text": "f"}\n'
    )  # 6 good
    path = write(tmp_path / "mixed.jsonl", text)
    report = ReadReport()
    articles = list(read_articles([path], skip_bad=True, report=report))
    assert [a.text for a in articles] == ["a", "f"]
    assert (report.files, report.articles, report.skipped) == (1, 2, 4)
    assert report.warnings[0].startswith(f"{path}:2: invalid JSON: ")
    assert report.warnings[1:] == [
        f"{path}:3: record is not an object (got an array); skipped",
        f"{path}:4: record has no 'text' field; skipped",
        f"{path}:5: 'text' field is empty; skipped",
    ]
    assert all(w.endswith("; skipped") for w in report.warnings)


def test_custom_fields_apply_to_jsonl(tmp_path):
    path = write(
        tmp_path / "a.jsonl",
        jsonl({"guid": "g", "body": "B", "headline": "H", "pubDate": "2020-01-02"}),
    )
    [article] = read_articles([path], fields=FieldMap(id="guid", text="body", title="headline"))
    assert (article.id, article.text, article.title) == ("g", "B", "H")
    assert article.published == datetime(2020, 1, 2, tzinfo=timezone.utc)


# --- CSV ----------------------------------------------------------------------


def test_csv_with_quoted_newline(tmp_path):
    path = write(
        tmp_path / "a.csv",
        "id,title,text,section\n"
        'c1,First,"Para one.\n\nPara two, with a comma.",world\n'
        'c2,Second,"Say ""hi""",sport\n',
    )
    articles = list(read_articles([path]))
    assert [a.id for a in articles] == ["c1", "c2"]
    assert articles[0].text == "Para one.\n\nPara two, with a comma."
    assert articles[1].text == 'Say "hi"'
    assert [a.extra for a in articles] == [{"section": "world"}, {"section": "sport"}]
    # c2 starts on line 5: the quoted field of c1 spans lines 2-4.
    assert [a.origin for a in articles] == [f"{path}:2", f"{path}:5"]


def test_csv_missing_id_uses_the_row_start_line(tmp_path):
    path = write(tmp_path / "a.csv", 'title,text\nA,"x\ny"\n\nB,z\n')
    assert [a.id for a in read_articles([path])] == [f"{path}:2", f"{path}:5"]


def test_csv_header_names_are_trimmed(tmp_path):
    path = write(tmp_path / "a.csv", "id , text ,title\n1,Body,T\n")
    [article] = read_articles([path])
    assert (article.id, article.text, article.title) == ("1", "Body", "T")


def test_csv_crlf_line_endings(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b'id,text\r\n1,"a\r\nb"\r\n2,c\r\n')
    assert [(a.id, a.text) for a in read_articles([path])] == [("1", "a\r\nb"), ("2", "c")]


def test_csv_field_larger_than_the_csv_module_default(tmp_path):
    big = "word " * 60_000  # 300 kB, over csv's 128 kB default limit
    path = write(tmp_path / "big.csv", f'id,text\nbig,"{big}"\n')
    [article] = read_articles([path])
    assert article.text == big


def test_csv_without_text_column_is_an_error(tmp_path):
    path = write(tmp_path / "a.csv", "id,body\n1,x\n")
    with pytest.raises(InputError, match=r"a\.csv:1: CSV header has no 'text' column$"):
        list(read_articles([path]))


def test_csv_row_with_too_many_fields(tmp_path):
    path = write(tmp_path / "a.csv", "id,text\n1,a\n2,b,extra\n3,c\n")
    with pytest.raises(InputError, match=r"a\.csv:3: row has 3 fields but the header has 2$"):
        list(read_articles([path]))
    report = ReadReport()
    assert [a.id for a in read_articles([path], skip_bad=True, report=report)] == ["1", "3"]
    assert report.skipped == 1


def test_csv_empty_text_cell_is_a_bad_record(tmp_path):
    path = write(tmp_path / "a.csv", "id,text\n1,\n")
    with pytest.raises(InputError, match=r"a\.csv:2: 'text' field is empty$"):
        list(read_articles([path]))


# --- stdin --------------------------------------------------------------------


class TrickleStream(io.TextIOBase):
    """A text stream fed by a generator; records how far the producer got."""

    def __init__(self, lines):
        self._lines = iter(lines)
        self.produced = 0
        self.exhausted = False

    def readable(self):
        return True

    def readline(self, size=-1):
        try:
            line = next(self._lines)
        except StopIteration:
            self.exhausted = True
            return ""
        self.produced += 1
        return line

    def read(self, size=-1):  # a reader that slurps the stream would call this
        raise AssertionError("stdin must be read line by line")


def test_stdin_articles_are_yielded_before_the_stream_ends():
    stream = TrickleStream(json.dumps({"id": f"s{i}", "text": f"T{i}"}) + "\n" for i in range(1000))
    articles = read_articles(["-"], stdin=stream)
    first = next(articles)
    assert first.id == "s0"
    assert stream.produced == 1
    assert not stream.exhausted
    assert [a.id for a in articles][-1] == "s999"
    assert stream.exhausted


def test_stdin_origins_and_default_ids():
    stream = io.StringIO('\ufeff{"text": "A"}\n\n{"id": "b", "text": "B"}\n')
    articles = list(read_articles(["-"], stdin=stream))
    assert [(a.id, a.origin) for a in articles] == [("<stdin>:1", "<stdin>:1"), ("b", "<stdin>:3")]


def test_stdin_bad_line_is_located():
    stream = io.StringIO('{"text": "A"}\n{oops}\n')
    with pytest.raises(InputError, match=r"^<stdin>:2: invalid JSON: "):
        list(read_articles(["-"], stdin=stream))


def test_stdin_mixed_with_files(tmp_path):
    path = write(tmp_path / "a.txt", "file text")
    stream = io.StringIO('{"id": "s", "text": "stdin text"}\n')
    report = ReadReport()
    assert [a.id for a in read_articles([path, "-"], stdin=stream, report=report)] == [
        str(path),
        "s",
    ]
    assert report.files == 2


def test_stdin_only_once():
    with pytest.raises(InputError, match="can be read only once"):
        read_articles(["-", "-"], stdin=io.StringIO(""))


def test_binary_backed_stdin_with_invalid_utf8_and_bom():
    raw = b'\xef\xbb\xbf{"id": "a", "text": "ok"}\n{"id": "b", "text": "caf\xe9"}\n'
    stream = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")  # strict, like sys.stdin
    report = ReadReport()
    articles = list(read_articles(["-"], stdin=stream, report=report))
    assert [(a.id, a.text) for a in articles] == [("a", "ok"), ("b", "caf\ufffd")]
    assert report.warnings == ["<stdin>:2: invalid UTF-8, decoded with replacement characters"]


@pytest.mark.parametrize("name", ["deep.json", "deep.jsonl"])
def test_absurdly_nested_json_is_a_clean_error(tmp_path, name):
    path = write(tmp_path / name, "[" * 200_000 + "]" * 200_000 + "\n")
    with pytest.raises(InputError, match="invalid JSON: nested too deeply"):
        list(read_articles([path]))


def test_no_paths_at_all():
    from newsdedup.errors import NoArticlesError

    with pytest.raises(NoArticlesError, match="no input paths given"):
        read_articles([])


def test_real_stdin_pipe_streams_line_by_line():
    """Like ``tail -f feed.jsonl | newsdedup ...``: an article comes out while stdin is still open."""
    import os
    import queue
    import subprocess
    import sys
    import threading

    code = (
        "import sys\nfrom newsdedup.io import read_articles\n"
        "for a in read_articles(['-']):\n    print(a.id, flush=True)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    output: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [output.put(line) for line in child.stdout], daemon=True
    ).start()
    try:
        child.stdin.write('{"id": "first", "text": "T"}\n')
        child.stdin.flush()
        # The timeout only guards against a hang if stdin were read to the end first.
        assert output.get(timeout=30) == "first\n"
        child.stdin.write('{"id": "second", "text": "U"}\n')
        child.stdin.close()
        assert output.get(timeout=30) == "second\n"
        assert child.wait(timeout=30) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
