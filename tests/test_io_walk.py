"""Folders: recursive, sorted, known types only, hidden entries skipped."""

from __future__ import annotations

import os

import pytest

from newsdedup.errors import InputError
from newsdedup.io import iter_input_files, read_articles


def make_tree(root):
    files = {
        "b.txt": "B",
        "a.md": "A",
        "sub/z.html": "<p>Z</p>",
        "sub/deeper/c.jsonl": '{"id": "c", "text": "C"}\n',
        "sub/deeper/d.ndjson": '{"id": "d", "text": "D"}\n',
        "aa/e.csv": "id,text\ne,E\n",
        "aa/f.json": '{"id": "f", "text": "F"}',
        "feeds/g.rss": "<rss/>",
        "feeds/h.atom": "<feed/>",
        "feeds/i.xml": "<x/>",
        "UPPER.TXT": "U",
        "page.HTM": "<p>H</p>",
        "notes.pdf": "%PDF",
        "README": "no extension",
        "image.png": "png",
        ".hidden.txt": "hidden",
        ".git/config.txt": "hidden dir",
        "sub/.cache/x.jsonl": '{"text": "hidden"}\n',
    }
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def test_walk_is_recursive_sorted_and_filtered(tmp_path):
    make_tree(tmp_path)
    found = [p.relative_to(tmp_path).as_posix() for p in iter_input_files([tmp_path])]
    assert found == [
        "UPPER.TXT",
        "a.md",
        "aa/e.csv",
        "aa/f.json",
        "b.txt",
        "feeds/g.rss",
        "feeds/h.atom",
        "feeds/i.xml",
        "page.HTM",
        "sub/deeper/c.jsonl",
        "sub/deeper/d.ndjson",
        "sub/z.html",
    ]


def test_paths_keep_the_form_they_were_given_in(tmp_path, monkeypatch):
    make_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    found = [str(p) for p in iter_input_files(["sub", "b.txt"])]
    assert found == ["sub/deeper/c.jsonl", "sub/deeper/d.ndjson", "sub/z.html", "b.txt"]


def test_explicit_hidden_file_is_read(tmp_path):
    path = tmp_path / ".hidden.txt"
    path.write_text("H", encoding="utf-8")
    assert [a.text for a in read_articles([path])] == ["H"]


def test_all_paths_are_checked_before_the_first_file(tmp_path):
    (tmp_path / "a.txt").write_text("A", encoding="utf-8")
    files = iter_input_files([tmp_path / "a.txt", tmp_path / "missing"])
    with pytest.raises(InputError, match="missing: no such file or directory"):
        next(files)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loops_do_not_hang(tmp_path):
    (tmp_path / "a.txt").write_text("A", encoding="utf-8")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert [p.name for p in iter_input_files([tmp_path])] == ["a.txt"]


def test_mixed_folder_reads_every_format(tmp_path):
    tree = tmp_path / "t"
    tree.mkdir()
    (tree / "a.txt").write_text("A", encoding="utf-8")
    (tree / "b.jsonl").write_text('{"id": "b", "text": "B"}\n', encoding="utf-8")
    (tree / "c.csv").write_text("id,text\nc,C\n", encoding="utf-8")
    (tree / "d.html").write_text("<p>D</p>", encoding="utf-8")
    (tree / "e.json").write_text('[{"id": "e", "text": "E"}]', encoding="utf-8")
    (tree / "f.rss").write_text(
        '<rss version="2.0"><channel><title>F</title><item><guid>f</guid>'
        "<description>F</description></item></channel></rss>",
        encoding="utf-8",
    )
    articles = list(read_articles([tree]))
    assert [a.id for a in articles] == [
        str(tree / "a.txt"),
        "b",
        "c",
        str(tree / "d.html"),
        "e",
        "f",
    ]
    assert [a.text for a in articles] == ["A", "B", "C", "D", "E", "F"]


def test_unlistable_folder_is_an_input_error(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text("A", encoding="utf-8")
    real_scandir = os.scandir

    def deny(path):
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", deny)
    with pytest.raises(InputError) as caught:
        list(iter_input_files([tmp_path]))
    assert str(caught.value) == f"{locked}: permission denied"
