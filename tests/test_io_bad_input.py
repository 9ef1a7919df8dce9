"""Bad input: each case is one clear line, never a traceback, never article text."""

from __future__ import annotations

import builtins
import os

import pytest

from newsdedup.errors import ConfigError, InputError, NoArticlesError
from newsdedup.io import ReadReport, read_articles

INVALID_UTF8 = "invalid UTF-8, decoded with replacement characters"


def read(paths, **options):
    report = ReadReport()
    articles = list(read_articles(paths, report=report, **options))
    return articles, report


def test_missing_path(tmp_path):
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(InputError) as caught:
        read_articles([missing])
    assert str(caught.value) == f"{missing}: no such file or directory"
    assert caught.value.path == str(missing)


def test_missing_path_is_reported_before_anything_is_read(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text("A", encoding="utf-8")
    with pytest.raises(InputError, match="no such file or directory"):
        read_articles([good, tmp_path / "typo.txt"])  # raised at call time, not mid-stream


def test_unsupported_named_file(tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(
        InputError, match=r"doc\.pdf: unsupported file type \(expected one of .atom, .csv"
    ):
        read_articles([path])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.txt", ""),
        ("b.jsonl", "\n  \n\t\n"),
        ("c.json", "  "),
        ("d.csv", "\n\n"),
        ("e.html", " \n"),
        ("f.rss", ""),
    ],
)
def test_empty_files_are_skipped_with_a_warning(tmp_path, name, content):
    (tmp_path / name).write_text(content, encoding="utf-8")
    (tmp_path / "z.txt").write_text("real", encoding="utf-8")
    articles, report = read([tmp_path])
    assert [a.text for a in articles] == ["real"]
    assert report.warnings == [f"{tmp_path / name}: empty file, skipped"]
    assert (report.files, report.articles, report.skipped) == (2, 1, 1)


def test_bom_only_file_is_empty(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\xef\xbb\xbf\n")
    (tmp_path / "b.txt").write_text("B", encoding="utf-8")
    _, report = read([tmp_path])
    assert report.warnings == [f"{tmp_path / 'a.txt'}: empty file, skipped"]


@pytest.mark.parametrize("name", ["a.txt", "a.jsonl", "a.csv", "a.json", "a.html", "a.xml"])
def test_binary_files_are_skipped(tmp_path, name):
    (tmp_path / name).write_bytes(b"PK\x03\x04\x00\x00binary\x00stuff" * 10)
    (tmp_path / "z.txt").write_text("real", encoding="utf-8")
    articles, report = read([tmp_path])
    assert [a.text for a in articles] == ["real"]
    assert report.warnings == [f"{tmp_path / name}: binary file, skipped"]
    assert report.skipped == 1


def test_invalid_utf8_is_replaced_with_one_warning_per_file(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"caf\xe9 and cr\xe8me")
    (tmp_path / "b.jsonl").write_bytes(
        b'{"text": "ok"}\n{"text": "bad \xff one"}\n{"text": "bad \xfe two"}\n'
    )
    articles, report = read([tmp_path])
    assert [a.text for a in articles] == [
        "caf\ufffd and cr\ufffdme",
        "ok",
        "bad \ufffd one",
        "bad \ufffd two",
    ]
    assert report.warnings == [
        f"{tmp_path / 'a.txt'}: {INVALID_UTF8}",
        f"{tmp_path / 'b.jsonl'}:2: {INVALID_UTF8}",
    ]
    assert report.skipped == 0


def test_invalid_utf8_in_csv(tmp_path):
    (tmp_path / "a.csv").write_bytes(b'id,text\n1,"ok"\n2,"na\xefve"\n')
    articles, report = read([tmp_path / "a.csv"])
    assert articles[1].text == "na\ufffdve"
    assert report.warnings == [f"{tmp_path / 'a.csv'}:3: {INVALID_UTF8}"]


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("a.txt", b"Body"),
        ("a.jsonl", b'{"id": "x", "text": "Body"}\n'),
        ("a.csv", b"id,text\nx,Body\n"),
        ("a.json", b'{"id": "x", "text": "Body"}'),
        ("a.html", b"<p>Body</p>"),
    ],
)
def test_utf8_bom_is_accepted(tmp_path, name, payload):
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + payload)
    articles, report = read([path])
    assert [a.text for a in articles] == ["Body"]
    assert report.warnings == []
    if name != "a.txt" and name != "a.html":
        assert articles[0].id == "x"  # the BOM did not end up in the first field name


def test_duplicate_id_across_files(tmp_path):
    (tmp_path / "a.jsonl").write_text(
        '{"id": "q", "text": "1"}\n{"id": "x", "text": "2"}\n{"id": "dup", "text": "3"}\n'
    )
    (tmp_path / "b.jsonl").write_text('{"id": "y", "text": "4"}\n{"id": "dup", "text": "5"}\n')
    with pytest.raises(InputError) as caught:
        read([tmp_path])
    assert (
        str(caught.value)
        == f"{tmp_path / 'b.jsonl'}:2: duplicate id 'dup' (first seen at {tmp_path / 'a.jsonl'}:3)"
    )


def test_duplicate_id_skipped_with_skip_bad(tmp_path):
    (tmp_path / "a.jsonl").write_text(
        '{"id": "dup", "text": "first"}\n{"id": "dup", "text": "second"}\n'
    )
    articles, report = read([tmp_path], skip_bad=True)
    assert [a.text for a in articles] == ["first"]
    assert report.skipped == 1
    assert report.warnings == [
        f"{tmp_path / 'a.jsonl'}:2: duplicate id 'dup' (first seen at {tmp_path / 'a.jsonl'}:1); skipped"
    ]


def test_same_file_twice_is_a_duplicate(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("A", encoding="utf-8")
    with pytest.raises(InputError, match="duplicate id"):
        read([path, path])


def test_record_over_the_size_limit_is_skipped(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(
        '{"id": "small", "text": "short"}\n{"id": "big", "text": "' + "x" * 2_500 + '"}\n'
    )
    articles, report = read([path], max_article_bytes=1_000)
    assert [a.id for a in articles] == ["small"]
    assert report.skipped == 1
    assert report.warnings == [f"{path}:2: article is 2.5 kB, over the 1.0 kB limit; skipped"]


def test_size_limit_counts_utf8_bytes_not_characters(tmp_path):
    path = tmp_path / "a.jsonl"
    # 600 characters but 1,200 bytes; then 400 characters, 800 bytes.
    path.write_text(
        '{"id": "e", "text": "' + "é" * 600 + '"}\n{"id": "f", "text": "' + "é" * 400 + '"}\n',
        encoding="utf-8",
    )
    articles, report = read([path], max_article_bytes=1_000)
    assert [a.id for a in articles] == ["f"]
    assert report.warnings == [f"{path}:1: article is 1.2 kB, over the 1.0 kB limit; skipped"]


def test_one_article_file_over_the_limit_is_skipped_before_reading(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    big.write_text("y" * 5_000, encoding="utf-8")
    (tmp_path / "small.txt").write_text("fine", encoding="utf-8")
    reads = []
    real_open = builtins.open

    def tracking_open(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        if str(file) == str(big):
            real_read = handle.read
            handle = _ReadSpy(handle, real_read, reads)
        return handle

    monkeypatch.setattr(builtins, "open", tracking_open)
    articles, report = read([tmp_path], max_article_bytes=1_000)
    assert [a.text for a in articles] == ["fine"]
    assert report.warnings == [f"{big}: article is 5.0 kB, over the 1.0 kB limit; skipped"]
    assert reads == []  # the big file was never read into memory


class _ReadSpy:
    def __init__(self, handle, real_read, reads):
        self._handle, self._real_read, self._reads = handle, real_read, reads

    def read(self, *args):
        self._reads.append(args)
        return self._real_read(*args)

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()


@pytest.mark.slow
def test_default_limit_with_a_12_mb_file(tmp_path):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as out:
        out.write(b"z" * 12_000_000)
    (tmp_path / "normal.txt").write_text("normal", encoding="utf-8")
    articles, report = read([tmp_path])
    assert [a.text for a in articles] == ["normal"]
    assert report.warnings == [f"{big}: article is 12.0 MB, over the 10.0 MB limit; skipped"]
    assert report.skipped == 1


@pytest.mark.slow
def test_default_limit_with_a_12_mb_record(tmp_path):
    path = tmp_path / "a.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"id": "big", "text": "' + "z" * 12_000_000 + '"}\n{"id": "ok", "text": "ok"}\n')
    articles, report = read([path])
    assert [a.id for a in articles] == ["ok"]
    assert report.warnings == [f"{path}:1: article is 12.0 MB, over the 10.0 MB limit; skipped"]


def test_empty_folder_has_no_articles(tmp_path):
    with pytest.raises(NoArticlesError) as caught:
        read([tmp_path])
    assert str(caught.value) == f"no articles found in {tmp_path}"


def test_folder_of_only_skipped_files_has_no_articles(tmp_path):
    (tmp_path / "a.txt").write_text("", encoding="utf-8")
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF")
    report = ReadReport()
    with pytest.raises(NoArticlesError):
        list(read_articles([tmp_path], report=report))
    assert report.skipped == 1  # the warning was recorded before the error


def test_no_articles_is_raised_at_the_end_of_the_stream(tmp_path):
    (tmp_path / "a.txt").write_text("", encoding="utf-8")
    stream = read_articles([tmp_path])  # no error yet: it streams
    with pytest.raises(NoArticlesError, match="no articles found in"):
        next(stream)


def test_no_articles_message_lists_inputs(tmp_path):
    folders = [tmp_path / name for name in "abcde"]
    for folder in folders:
        folder.mkdir()
    with pytest.raises(NoArticlesError) as caught:
        read(folders)
    assert (
        str(caught.value)
        == f"no articles found in {folders[0]}, {folders[1]}, {folders[2]} and 2 more"
    )


def test_no_articles_error_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        read([tmp_path])


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "secret.jsonl"
    path.write_text('{"text": "x"}\n', encoding="utf-8")
    real_open = builtins.open

    def deny(file, *args, **kwargs):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", deny)
    with pytest.raises(InputError) as caught:
        read([path])
    assert str(caught.value) == f"{path}: permission denied"


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root can read files without permission bits"
)
def test_unreadable_file_for_real(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("x", encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(InputError, match="permission denied"):
            read([path])
    finally:
        path.chmod(0o600)


def test_messages_never_contain_article_text(tmp_path):
    secret = "TOPSECRETWORDS"
    (tmp_path / "a.jsonl").write_text(
        f'{{"id": "1", "text": "{secret}"}}\n{{"id": "1", "text": "{secret}"}}\n{{"text": "{secret}", "id": [1]}}\n'
        f'{{"text": "{secret * 100}"}}\n{{"text": "{secret}",\n',
        encoding="utf-8",
    )
    _, report = read([tmp_path], skip_bad=True, max_article_bytes=100)
    assert len(report.warnings) == 4
    assert not any(secret in warning for warning in report.warnings)


def test_non_positive_size_limit_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError):
        read_articles([tmp_path], max_article_bytes=0)
