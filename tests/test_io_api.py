"""The public face of newsdedup.io: pinned names, runnable examples, lazy imports."""

from __future__ import annotations

import doctest
import importlib
import os
import subprocess
import sys

import pytest

import newsdedup.io as nio

IO_MODULES = [
    "newsdedup.io",
    "newsdedup.io.dates",
    "newsdedup.io.feeds",
    "newsdedup.io.fields",
    "newsdedup.io.html",
    "newsdedup.io.plain",
    "newsdedup.io.reader",
    "newsdedup.io.records",
    "newsdedup.io.counters",
    "newsdedup.io.source",
    "newsdedup.io.walk",
    "newsdedup.io.writers",
]


def test_public_names_are_pinned_and_sorted():
    assert nio.__all__ == [
        "FieldMap",
        "ReadReport",
        "article_from_record",
        "atomic_writer",
        "html_to_text",
        "iter_input_files",
        "parse_date",
        "read_articles",
        "write_jsonl_atomic",
    ]
    assert nio.__all__ == sorted(nio.__all__)
    for name in nio.__all__:
        assert getattr(nio, name) is not None


@pytest.mark.parametrize("module_name", IO_MODULES)
def test_docstring_examples_hold(module_name):
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{module_name} has no example"
    assert result.failed == 0


def test_feedparser_is_imported_only_when_a_feed_is_read():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    code = "import sys, newsdedup.io; print('feedparser' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
