"""Files left out of folders: unknown types and documentation are counted and reported."""

from __future__ import annotations

import pytest

from newsdedup.errors import ConfigError, NoArticlesError
from newsdedup.io import ReadReport, read_articles


def _tree(root, names):
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"An article called {name} with a few words in it.", "utf-8")


def test_unsupported_files_are_counted_with_examples(tmp_path):
    _tree(tmp_path, ["a.txt", "r1.sgm", "r2.sgm", "r3.sgm", "r4.sgm", "notes.pdf"])
    report = ReadReport()
    ids = [a.id for a in read_articles([tmp_path], report=report)]
    assert ids == [str(tmp_path / "a.txt")]
    [warning] = report.warnings
    assert "skipped 5 files of an unsupported type" in warning
    assert ".sgm: 4, .pdf: 1" in warning
    examples = warning.split("e.g. ", 1)[1].rstrip(")").split(", ")
    assert examples == [str(tmp_path / n) for n in ("notes.pdf", "r1.sgm", "r2.sgm")]  # not all


def test_a_folder_with_nothing_readable_is_an_error_that_says_why(tmp_path):
    _tree(tmp_path, ["reut2-000.sgm", "reut2-001.sgm"])
    with pytest.raises(NoArticlesError, match=r"skipped 2 files of an unsupported type \(\.sgm: 2"):
        list(read_articles([tmp_path]))


def test_documentation_is_skipped_in_folders_but_read_when_named(tmp_path):
    _tree(tmp_path, ["README.TXT", "LICENSE.md", "sport/001.txt", "readme_first.txt"])
    report = ReadReport()
    ids = [a.id for a in read_articles([tmp_path], report=report)]
    assert ids == [str(tmp_path / "readme_first.txt"), str(tmp_path / "sport/001.txt")]
    assert report.warnings == [
        f"{tmp_path}: skipped 2 documentation files, not an article (LICENSE.md, README.TXT); "
        "name it to read it"
    ]
    named = [a.id for a in read_articles([tmp_path / "README.TXT"])]
    assert named == [str(tmp_path / "README.TXT")]


def test_include_and_exclude_globs(tmp_path):
    _tree(tmp_path, ["2023/a.txt", "2023/b.md", "2024/c.txt", "drafts/d.txt"])

    def ids(**globs):
        report = ReadReport()
        found = [
            a.id.replace(str(tmp_path) + "/", "")
            for a in read_articles([tmp_path], report=report, **globs)
        ]
        assert report.warnings == []  # left out on request: no warning
        return found

    assert ids(include=["*.txt"]) == ["2023/a.txt", "2024/c.txt", "drafts/d.txt"]
    assert ids(include=["2023/*"]) == ["2023/a.txt", "2023/b.md"]
    assert ids(exclude=["drafts/*", "*.md"]) == ["2023/a.txt", "2024/c.txt"]
    assert ids(include=["*.txt"], exclude=["2024/*"]) == ["2023/a.txt", "drafts/d.txt"]


@pytest.mark.parametrize("glob", ["", "  ", "[abc*.txt"])
def test_bad_globs_are_refused_before_reading(tmp_path, glob):
    _tree(tmp_path, ["a.txt"])
    with pytest.raises(ConfigError, match="glob"):
        read_articles([tmp_path], include=[glob])
