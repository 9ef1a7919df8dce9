"""Start-up benchmark: how long the CLI takes before and while doing a small job.

Run ``python -m benchmarks.startup`` (see README.md beside this file).
"""
