"""Start-up: what the CLI imports before it needs it (each check in a fresh interpreter).

The times themselves are measured by ``python -m benchmarks.startup``; these
tests pin down the causes of a slow start, which do not depend on the machine.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from newsdedup.sketch.sign import permutations

HEAVY = ("sklearn", "numba", "scipy", "numpy", "datasketch")


def _imported_after(code: str, *args: str) -> set[str]:
    probe = (
        code
        + f"\nimport sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=300
    )
    return set(done.stderr.strip().splitlines()[-1].split()) if done.stderr.strip() else set()


def test_importing_the_cli_imports_none_of_the_heavy_modules():
    assert _imported_after("import newsdedup.cli") == set()


def test_help_imports_none_of_the_heavy_modules():
    code = (
        "import sys\nfrom newsdedup.cli import main\nsys.argv = ['newsdedup', 'scan', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert _imported_after(code) == set()


def test_a_scan_without_candidate_pairs_needs_neither_scikit_learn_nor_datasketch(seed_paths):
    code = (
        "import sys\nfrom newsdedup.cli import main\nsys.argv = ['newsdedup', 'scan', sys.argv[1], '-q']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    imported = _imported_after(code, str(seed_paths[0].parent))
    assert "numba" in imported  # the probe does see what the scan imports
    assert not imported & {"sklearn", "datasketch"}


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 1), (256, 42), (1, 7)])
def test_permutations_are_the_ones_datasketch_draws(num_perm, seed):
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    mine_a, mine_b = permutations(num_perm, seed)
    assert mine_a.dtype == mine_b.dtype == np.uint32
    assert np.array_equal(mine_a, np.asarray(a, np.uint32))
    assert np.array_equal(mine_b, np.asarray(b, np.uint32))


def test_known_lsh_parameters_are_datasketch_s():
    from datasketch.lsh import _optimal_param

    from newsdedup.config import DetectorConfig
    from newsdedup.sketch.candidates import KNOWN_LSH_PARAMS
    from newsdedup.sketch.featurize import REWRITE_NUM_PERM

    for (threshold, num_perm, weights), answer in KNOWN_LSH_PARAMS.items():
        assert _optimal_param(threshold, num_perm, *weights) == answer
    lsh = DetectorConfig().lsh  # the defaults are in the table
    assert (lsh.threshold, DetectorConfig().sign.num_perm, tuple(lsh.weights)) in KNOWN_LSH_PARAMS
    assert (lsh.rewrite_threshold, REWRITE_NUM_PERM, (0.5, 0.5)) in KNOWN_LSH_PARAMS
    from newsdedup.batch.robust import OCR_WEIGHTS
    from newsdedup.sketch.featurize import OCR_NUM_PERM

    assert (lsh.ocr_threshold, OCR_NUM_PERM, tuple(OCR_WEIGHTS)) in KNOWN_LSH_PARAMS


def test_the_first_run_steps_compile_exactly_what_a_scan_calls(seed_articles, republished):
    """After the compile steps, a scan that finds copies compiles no new kernel variant."""
    from newsdedup import Detector
    from newsdedup._kernels import warm

    warm.compile_all()
    before = {k.py_func.__name__: set(k.signatures) for k in warm.kernels()}
    assert all(before.values())  # every kernel was compiled by a step
    result = Detector().run([*seed_articles, republished])
    assert result.clusters  # the verification kernels did run
    after = {k.py_func.__name__: set(k.signatures) for k in warm.kernels()}
    assert after == before
    assert warm.cache_is_warm()  # and each has its cache index on disk


def test_the_helper_and_this_process_share_the_steps():
    """Every step is the helper's or this process's, the tokenizer this process's first."""
    from newsdedup._kernels import warm

    names = [name for name, _ in warm.STEPS]
    assert names[0] == "tokenize" and "tokenize" not in warm.HELPER_ORDER
    assert sorted(warm.HELPER_ORDER) == sorted(names[1:])


def test_a_step_another_process_holds_is_left_to_it_then_waited_for(tmp_path):
    """The lock protocol, across two real processes: a held step is skipped, then waited for."""
    import subprocess
    import sys
    import time

    from newsdedup._kernels import warm

    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys, time\n"
         "f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True)\n"
         "time.sleep(1.5)",
         f"{warm._lock_dir()}/tfidf.lock"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        assert warm._run_claimed(("tfidf",)) == ["tfidf"]  # held elsewhere: left to it
        started = time.perf_counter()
        with warm._claimed("tfidf", wait=True) as mine:
            assert mine
        assert time.perf_counter() - started > 0.5  # it waited for the holder to let go
    finally:
        holder.wait(10)


def test_no_compile_when_the_cache_is_warm_or_it_is_disabled(monkeypatch):
    from newsdedup._kernels import warm

    warm.compile_all()
    assert warm.compile_with_helper() is False  # warm
    monkeypatch.setattr(warm, "cache_is_warm", lambda: False)
    monkeypatch.setenv(warm.DISABLE_ENV, "1")
    assert warm.compile_with_helper() is False  # disabled


def test_a_first_run_on_an_empty_kernel_cache_says_so_fills_the_cache_and_finds_copies(
    tmp_path, seed_paths
):
    """The real first run: the command and its helper fill an empty cache; the next run is warm."""
    import os
    import shutil

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in seed_paths:
        shutil.copy(path, corpus)
    shutil.copy(seed_paths[0], corpus / "copy.txt")  # an exact copy to find
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("NEWSDEDUP_NO_BACKGROUND_COMPILE", None)
    command = [sys.executable, "-m", "newsdedup", "scan", str(corpus), "--format", "json"]

    first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert first.returncode == 0, first.stderr
    assert "First run: compiling the kernels" in first.stderr
    clusters = __import__("json").loads(first.stdout)["clusters"]
    assert len(clusters) == 1 and clusters[0]["original"].endswith(seed_paths[0].name)
    assert [(m["id"].rsplit("/", 1)[-1], m["relation"]) for m in clusters[0]["members"]] == [
        ("copy.txt", "exact")
    ]
    cached = {p.name.split(".")[0] for p in (tmp_path / "cache").rglob("*.nbi")}
    assert {"text", "ocrunits", "minhash", "sets"} <= cached  # every kernel module's index

    second = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert second.returncode == 0
    assert __import__("json").loads(second.stdout)["clusters"] == clusters
    assert "First run" not in second.stderr
