"""The CLI's shared options: one declaration, one mapping onto the settings (``DetectorConfig.from_options``)."""

from __future__ import annotations

import inspect
import json

from index_fixtures import story, write_jsonl
from typer.testing import CliRunner

from newsdedup.cli import _common as c
from newsdedup.cli import app
from newsdedup.config import DetectorConfig, ShingleConfig

runner = CliRunner()


def test_char_shingles_default_to_seven_characters_in_the_library_as_on_the_command_line(
    tmp_path,
):
    feed = write_jsonl(tmp_path / "feed.jsonl", [{"id": "a", "text": story(1)}])
    db = str(tmp_path / "char.db")
    added = runner.invoke(app, ["index", "add", str(feed), "--db", db, "--shingle", "char", "-q"])
    assert added.exit_code == 0, added.stderr
    stats = runner.invoke(app, ["index", "stats", "--db", db, "--format", "json"])
    fingerprint = json.loads(stats.stdout)["fingerprint"]
    library = DetectorConfig.from_options(shingle_kind="char")
    assert library.shingle == ShingleConfig(kind="char", size=7)
    assert fingerprint == library.fingerprint()
    assert c.DetectionOptions(shingle=c.ShingleKind.char).config() == library


def test_option_names_map_onto_the_settings():
    config = DetectorConfig.from_options(
        near=0.9, partial=0.5, rewrite_cosine=0.7, no_rewrites=True, threshold=0.4
    )
    assert config.verify.near_jaccard == 0.9 and config.verify.partial_containment == 0.5
    assert config.verify.rewrite_cosine == 0.7 and config.lsh.threshold == 0.4
    assert config.lsh.rewrite_pass is False
    assert DetectorConfig.from_options(no_rewrites=False).lsh.rewrite_pass is True
    # The CLI's defaults are the library's defaults.
    assert c.DetectionOptions().config() == DetectorConfig()
    assert c.MatchOptions().config() == DetectorConfig()


def test_an_explicit_or_unchanged_shingle_kind_keeps_its_size():
    char9 = DetectorConfig.from_options(shingle_kind="char", shingle_size=9)
    assert char9.shingle.size == 9
    assert DetectorConfig.from_options(base=char9, shingle="char").shingle.size == 9
    word4 = DetectorConfig.from_options(shingle_size=4)
    assert DetectorConfig.from_options(base=word4, shingle="word").shingle.size == 4
    assert DetectorConfig.from_options(base=char9, shingle="word").shingle.size == 5


def test_unset_index_options_keep_the_index_settings():
    options = c.DetectionOptions(**dict.fromkeys(c.DetectionOptions.__dataclass_fields__))
    base = DetectorConfig.from_options(num_perm=64, shingle_kind="char", near_jaccard=0.9)
    assert DetectorConfig.from_options(base=base, **options.settings()) == base


def test_every_command_shows_the_shared_options_by_their_names():
    from newsdedup.cli.compare import compare
    from newsdedup.cli.index import add
    from newsdedup.cli.scan import scan

    def names(command) -> set[str]:
        return set(inspect.signature(command).parameters)

    detection = set(c.DetectionOptions.__dataclass_fields__)
    inputs = set(c.InputOptions.__dataclass_fields__)
    assert detection | inputs | {"paths", "format", "output", "quiet"} == names(scan)
    assert detection | inputs <= names(add)
    assert set(c.MatchOptions.__dataclass_fields__) | set(c.FieldOptions.__dataclass_fields__) <= (
        names(compare)
    )
    assert not {"threshold", "skip_bad"} & names(compare)


def test_index_stats_json_keeps_its_keys_and_the_text_reads_the_same_stats(tmp_path):
    feed = write_jsonl(tmp_path / "feed.jsonl", [{"id": "a", "text": story(2)}])
    db = str(tmp_path / "s.db")
    assert runner.invoke(app, ["index", "add", str(feed), "--db", db, "-q"]).exit_code == 0
    data = json.loads(runner.invoke(app, ["index", "stats", "--db", db, "-f", "json"]).stdout)
    assert list(data) == [
        "backend", "location", "articles", "relations", "oldest", "newest", "bytes",
        "fingerprint", "bands", "rows", "word_bands", "word_rows", "word_num_perm", "created",
    ]  # fmt: skip
    assert data["articles"] == 1 and data["relations"] == {"new": 1}
    text = runner.invoke(app, ["index", "stats", "--db", db]).stdout
    assert "articles  1  (new 1)" in text
    assert f"{data['fingerprint']}; LSH {data['bands']}x{data['rows']}" in text
