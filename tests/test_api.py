"""The public face of the package is pinned: changing it is a deliberate act."""

from __future__ import annotations

import pytest

import newsdedup


def test_public_names_are_pinned_and_sorted():
    assert newsdedup.__all__ == [
        "Article",
        "Cluster",
        "Comparison",
        "DedupResult",
        "Detector",
        "DetectorConfig",
        "Match",
        "Member",
        "NewsDedupError",
        "Relation",
        "Result",
        "Scores",
        "__version__",
        "compare",
        "dedup",
        "read_articles",
        "scan",
    ]
    assert newsdedup.__all__ == sorted(newsdedup.__all__)
    for name in newsdedup.__all__:
        assert getattr(newsdedup, name) is not None


def test_config_fingerprint_names_everything_that_changes_a_signature():
    base = newsdedup.DetectorConfig()
    changed = [
        newsdedup.DetectorConfig.from_options(num_perm=64),
        newsdedup.DetectorConfig.from_options(seed=2),
        newsdedup.DetectorConfig.from_options(shingle_size=4),
        newsdedup.DetectorConfig.from_options(shingle_kind="char"),
    ]
    assert len({base.fingerprint(), *(c.fingerprint() for c in changed)}) == 5
    assert (
        newsdedup.DetectorConfig.from_options(near_jaccard=0.9).fingerprint() == base.fingerprint()
    )


def test_config_round_trips_through_a_dict():
    config = newsdedup.DetectorConfig.from_options(num_perm=64, threshold=0.4, near_jaccard=0.85)
    assert newsdedup.DetectorConfig.from_dict(config.to_dict()) == config


def test_old_module_paths_still_import_with_a_deprecation_warning():
    import importlib
    import sys
    import warnings

    from newsdedup._moved import MOVED_MODULES

    for old, new in MOVED_MODULES.items():
        sys.modules.pop(old, None)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            module = importlib.import_module(old)
        assert module is importlib.import_module(new), old
        assert any(new in str(w.message) and w.category is DeprecationWarning for w in caught), old


@pytest.mark.slow
def test_the_public_api_type_checks_under_mypy_strict():
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    mypy = shutil.which("mypy", path=str(Path(sys.executable).parent))
    if mypy is None:
        pytest.skip("mypy is not installed in this environment (the test extra installs it)")
    example = Path(__file__).parent / "typing" / "public_api.py"
    done = subprocess.run(
        [mypy, "--strict", "--no-incremental", str(example)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
