"""``python -m benchmarks.suite.passcost``: what the OCR and window passes add to signing, per article.

Why apart from the suite: the suite's stage times move ±25% with the shared
machine's load, more than these passes cost. Here the same articles go
through each step in one process, round after round (interleaved), and the
median per step is kept, with the bytes each pass keeps per article.

Example:
    $ PYTHONPATH=src:. python -m benchmarks.suite.passcost benchmarks/data/100k-seed1/articles.jsonl
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from itertools import islice
from pathlib import Path

from newsdedup.config import DetectorConfig
from newsdedup.sketch.candidates import lsh_params
from newsdedup.sketch.featurize import OCR_NUM_PERM, Featurizer
from newsdedup.sketch.robust import ocr_units
from newsdedup.sketch.windows import chunked_signatures, window_band_keys
from newsdedup.text.tokenize import tokenize


def measure(texts: list[str], rounds: int = 3, batch: int = 512) -> dict:
    """Median seconds per step over ``rounds`` (each step on every batch), and bytes kept."""
    config = DetectorConfig()
    feat = Featurizer(config)
    banding = lsh_params(config.lsh.threshold, config.sign.num_perm, tuple(config.lsh.weights))
    normalized = [feat.normalize(t, None) for t in texts]
    batches = [normalized[i : i + batch] for i in range(0, len(normalized), batch)]
    tokens = [tokenize(b) for b in batches]
    units = [ocr_units(b) for b in batches]
    steps = {
        "tokenize": lambda i: tokenize(batches[i]),
        "sign (whole text)": lambda i: feat.signer.sign(tokens[i]),
        "sign by chunks + window keys": lambda i: window_band_keys(
            chunked_signatures(feat.signer, tokens[i].hashes, tokens[i].offsets, 200)[1], *banding
        ),
        "OCR grams + figures": lambda i: ocr_units(batches[i]),
        "OCR signature": lambda i: feat.ocr_signer.sign_sets(units[i].grams, units[i].gram_offsets),
    }
    for step in steps.values():  # compile and warm up
        step(0)
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            started = time.perf_counter()
            for i in range(len(batches)):
                step(i)
            times[name].append(time.perf_counter() - started)
    windows = sum(len(chunked_signatures(feat.signer, t.hashes, t.offsets, 200)[2]) for t in tokens)
    n = len(texts)
    return {
        "articles": n,
        "us_per_article": {k: round(1e6 * statistics.median(v) / n, 1) for k, v in times.items()},
        "windows_per_article": round(windows / n, 2),
        "bytes_per_article": {
            "window keys (memory)": round(windows * min(banding[0], 21) * 4 / n, 1),
            "OCR signature (memory)": 4 * OCR_NUM_PERM,
            "figures (memory)": round(sum(4 * len(u.figures) for u in units) / n, 1),
            "OCR grams (spool, disk)": round(sum(5 * len(u.grams) for u in units) / n, 1),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.suite.passcost")
    parser.add_argument("articles", type=Path, help="a corpus's articles.jsonl")
    parser.add_argument("--limit", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with args.articles.open(encoding="utf-8") as lines:
        texts = [
            (r.get("title") or "") + "\n\n" + r["text"]
            for r in map(json.loads, islice(lines, args.limit))
        ]
    print(json.dumps(measure(texts, args.rounds), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
